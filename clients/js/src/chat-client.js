// The chat platform's JavaScript client: plain ES modules, no dependencies, no build step.
// Browsers (with SockJS or WebSocket) and Node 18+ (with a WebSocket implementation passed in).
// See ../README.md.

export { ChatClient } from './client.js';
export { RestClient, PAGE_SIZE, SYNC_PAGE_SIZE, PRESENCE_BATCH, REST_TIMEOUT_MS } from './rest.js';
export { Session, refreshDelay, REFRESH_LEAD_MAX_MS, REFRESH_LOCK } from './session.js';
export { Connection, ConnectionState, RECONNECT_BASE_MS, RECONNECT_MAX_MS, PROMPT_RECONNECT_MAX_MS } from './connection.js';
export { EventBus, REQUEST_TIMEOUT_MS, PING_INTERVAL_MS } from './bridge.js';
export { RoomCursors } from './cursors.js';
export { syncRooms, SYNC_ROOMS_PER_REQUEST } from './sync.js';
export { Outbox, SEND_AUTO_RETRIES } from './outbox.js';
export { ReceiptSender, RECEIPT_INTERVAL_MS } from './receipts.js';
export { TypingSender, TypingTracker, TYPING_REFRESH_MS, TYPING_IDLE_MS, TYPING_EXPIRY_MS } from './typing.js';
export { ChatError, isRetryable, mutedUntilFromText } from './errors.js';
export { Emitter } from './emitter.js';
export { uuid, jitteredBackoff } from './util.js';
