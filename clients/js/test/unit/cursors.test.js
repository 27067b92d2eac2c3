import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RoomCursors } from '../../src/cursors.js';

const m = (roomId, seq) => ({ roomId, seq });

describe('RoomCursors', () => {
  test('a listed room starts at its lastSeq; each later seq is delivered once', () => {
    const cursors = new RoomCursors();
    cursors.track('r1', 5);
    assert.equal(cursors.accept(m('r1', 5)), false, 'at or below lastSeq is history, not news');
    assert.equal(cursors.accept(m('r1', 6)), true);
    assert.equal(cursors.accept(m('r1', 6)), false, 'a redelivery');
    assert.deepEqual(cursors.positions(), { r1: 6 });
  });

  test('a seq that comes early opens a gap, closed when the missing ones arrive', () => {
    const cursors = new RoomCursors();
    cursors.track('r1', 0);
    assert.equal(cursors.accept(m('r1', 3)), true);
    assert.equal(cursors.hasGap('r1'), true);
    assert.equal(cursors.held('r1'), 0);
    cursors.accept(m('r1', 1));
    cursors.accept(m('r1', 2));
    assert.equal(cursors.hasGap('r1'), false);
    assert.equal(cursors.held('r1'), 3);
    assert.equal(cursors.accept(m('r1', 3)), false);
  });

  test('a room list that knows of later seqs reveals a gap; a message of an unknown room starts tracking it', () => {
    const cursors = new RoomCursors();
    cursors.track('r1', 2);
    cursors.track('r1', 4);
    assert.equal(cursors.hasGap('r1'), true);
    assert.equal(cursors.held('r1'), 2, 'the listing does not deliver anything');
    assert.equal(cursors.accept(m('r9', 7)), true);
    assert.deepEqual(cursors.positions(), { r1: 2, r9: 7 });
  });

  test('a new epoch voids the position until the room tells its new lastSeq', () => {
    const cursors = new RoomCursors();
    cursors.track('r1', 40);
    assert.equal(cursors.noteEpoch('r1', 'e1'), false, 'the first epoch seen is adopted');
    assert.equal(cursors.noteEpoch('r1', null), false, 'null changes nothing');
    assert.equal(cursors.noteEpoch('r1', 'e2'), true);
    assert.equal(cursors.held('r1'), null);
    assert.deepEqual(cursors.positions(), {}, 'not synced while unknown');
    assert.equal(cursors.accept(m('r1', 3)), true, 'seqs below the old position are news again');
    cursors.track('r1', 2);
    assert.equal(cursors.held('r1'), 3);
  });

  test('retain keeps only listed rooms', () => {
    const cursors = new RoomCursors();
    cursors.track('r1', 1);
    cursors.track('r2', 1);
    cursors.retain(['r2']);
    assert.deepEqual(cursors.positions(), { r2: 1 });
  });
});
