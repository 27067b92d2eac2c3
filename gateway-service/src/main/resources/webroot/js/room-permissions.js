// What the viewer may do in a room, as docs/roles.md's table says (generated from chat-service's
// RoomPermissions): the page offers an action only where the server would allow it. The server
// checks again; this only keeps the page from showing buttons that can only be refused.

/** The permissions of docs/roles.md, by their names there. */
export const Permission = Object.freeze({
  ADD_MEMBER: 'ADD_MEMBER',
  REMOVE_MEMBER: 'REMOVE_MEMBER',
  MUTE: 'MUTE',
  BAN: 'BAN',
  DELETE_OTHERS_MESSAGES: 'DELETE_OTHERS_MESSAGES',
  CHANGE_ROLE: 'CHANGE_ROLE',
  RENAME: 'RENAME',
  ROOM_DELETE: 'ROOM_DELETE',
});

const P = Permission;
/** Room roles' rows of the table; an admin (global role) may do all of it. */
const BY_ROLE = {
  owner: new Set(Object.values(P)),
  moderator: new Set([P.ADD_MEMBER, P.REMOVE_MEMBER, P.MUTE, P.BAN, P.DELETE_OTHERS_MESSAGES, P.RENAME]),
  member: new Set(),
};
/** "not on an owner": what a moderator may never do to an owner. */
const NOT_ON_OWNER = new Set([P.REMOVE_MEMBER, P.MUTE, P.BAN, P.DELETE_OTHERS_MESSAGES, P.CHANGE_ROLE]);

/**
 * The viewer's permissions in `room`: `may(permission, targetUserId?)`. A target who is not a
 * member (a banned user, the sender of an old message) counts as a `member`, as in docs/roles.md.
 * @param {{type: string, members?: {userId: string, role: string}[]}|undefined} room
 * @param {{userId: string, roles?: string[]}|null|undefined} me
 */
export function roomPermissions(room, me) {
  const members = Array.isArray(room?.members) ? room.members : [];
  const roleOf = (userId) => members.find((m) => m.userId === userId)?.role;
  const myRole = me ? roleOf(me.userId) : undefined;
  const isAdmin = Array.isArray(me?.roles) && me.roles.includes('admin');
  return {
    myRole,
    may(permission, targetUserId) {
      if (!myRole) return false; // being in the room comes first, admin or not
      // A direct room has no roles: only an admin deletes another's message there.
      if (room.type !== 'group') return isAdmin && permission === P.DELETE_OTHERS_MESSAGES;
      if (isAdmin || myRole === 'owner') return true;
      if (!BY_ROLE[myRole]?.has(permission)) return false;
      return !(targetUserId && NOT_ON_OWNER.has(permission) && roleOf(targetUserId) === 'owner');
    },
  };
}
