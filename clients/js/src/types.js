// Shapes of what the server sends and of the events ChatClient emits (docs/protocol.md).
// JSDoc only: import these types with `import('./types.js').Message` and the like.

/**
 * A stored message. `seq` orders a room's messages (1, 2, 3, … without gaps).
 * @typedef {object} Message
 * @property {string} roomId
 * @property {number} seq
 * @property {string} messageId
 * @property {string} senderId
 * @property {string} [clientMsgId] the sender's idempotency key
 * @property {string} text
 * @property {FileInfo[]} attachments the files sent with it (their links are fetched with RestClient.fileLinks)
 * @property {number|null} replyTo the seq of an earlier message of the room
 * @property {string[]} mentions user ids named as `@username`
 * @property {number} ts epoch ms when chat-service accepted it (show it, never order by it)
 * @property {number|null} editedAt
 * @property {boolean} deleted a tombstone: `text` is `""`, `deletedAt` says when
 * @property {number} [deletedAt]
 * @property {number} [updatedSeq] its place in the room's changes (edited, deleted or reacted to)
 * @property {Quote} [quote] on a reply: what it shows of the message it answers
 * @property {Reaction[]} [reactions] only when it has some
 */

/**
 * @typedef {object} Quote
 * @property {number} seq
 * @property {string} senderId
 * @property {string} excerpt the first code points of its text, `""` once it was deleted
 * @property {boolean} deleted
 */

/**
 * @typedef {object} Reaction
 * @property {string} emoji
 * @property {number} count how many members reacted with it
 * @property {string[]} userIds the first of them (at most REACTION_NAMES_SHOWN)
 */

/**
 * A stored file (docs/protocol.md, "File object"). `width`/`height` only for images the server
 * decoded, which alone have a thumbnail. An upload's answer adds signed links, which expire.
 * @typedef {object} FileInfo
 * @property {string} fileId
 * @property {string} name
 * @property {number} size bytes
 * @property {string} contentType as detected from its bytes
 * @property {number} [width]
 * @property {number} [height]
 * @property {string} [url] signed, short-lived (upload answers only)
 * @property {string} [thumbnailUrl]
 */

/**
 * @typedef {object} RoomMember
 * @property {string} userId
 * @property {'owner'|'moderator'|'member'} role what it may do: docs/roles.md
 * @property {string} [username]
 * @property {string} [displayName]
 * @property {true} [muted] muted now
 * @property {number} [mutedUntil] when the mute ends (epoch ms); absent for a mute until an unmute
 */

/**
 * @typedef {object} Room
 * @property {string} roomId
 * @property {'group'|'direct'} type
 * @property {string} name `""` for a direct room
 * @property {RoomMember[]} members
 * @property {number} createdAt
 * @property {number} version counts membership changes
 * @property {number} lastSeq the seq of the room's newest message, 0 for none
 * @property {number} unread the caller's unread count (REST answers only; 0 in `room` events)
 */

/**
 * @typedef {object} User
 * @property {string} userId
 * @property {string} username
 * @property {string} displayName
 * @property {string[]} [roles] `GET /me` only
 */

/**
 * One page of history, ascending seq.
 * @typedef {object} HistoryPage
 * @property {Message[]} messages
 * @property {boolean} hasMore
 * @property {string|null} epoch names the room's sequence of seqs (null: no message yet)
 * @property {boolean} [epochChanged] set by ChatClient: the room's seqs started again since the
 *   client last saw it; the `epoch` event has been emitted and this page is not to be merged
 *   with what the caller held
 */

/**
 * @typedef {object} Presence
 * @property {string} userId
 * @property {'online'|'away'|'dnd'|'offline'|'unknown'} status
 * @property {number|null} lastSeen
 */

/**
 * What the client knows of its sign-in. `refreshToken` is only set when the client keeps it
 * itself (`refreshTokenIn: 'memory'`); in a browser it lives in an HttpOnly cookie.
 * @typedef {object} SessionState
 * @property {string} accessToken
 * @property {number|null} expiresAt epoch ms when the access token expires
 * @property {number|null} lifetimeMs how long access tokens live (the server's `expiresIn`)
 * @property {string|null} userId
 * @property {string} [refreshToken]
 */

/**
 * A message waiting for its acknowledgement. The same clientMsgId is used for every resend,
 * so the server stores it once however often it is sent.
 * @typedef {object} OutboxItem
 * @property {string} clientMsgId
 * @property {string} roomId
 * @property {string} text
 * @property {number|null} replyTo
 * @property {'queued'|'sending'|'failed'|'sent'} state queued: waits for the socket or for its
 *   retry; failed: refused (see `error`) or out of automatic retries
 * @property {import('./errors.js').ChatError|null} error why it failed (or why it is queued again)
 * @property {number} attempts how many times it was written to a socket
 * @property {Message} [message] the stored message, once `sent`
 */

// --- events (ChatClient#on) ---

/** @typedef {{type:'message', message: Message, source: 'live'|'sync'|'send'}} MessageEvent
 *  A message the client had not delivered before (each seq once per epoch): live from the socket,
 *  from a catch-up or gap fill (`sync`), or the acknowledgement of our own send. */
/**
 * An edit, delete or reaction change: the message as it now is. Source `live` (the server's
 * event), `sync` (a chat.sync's `changes` after a reconnect) or `request` (the answer to this
 * client's own edit(), deleteMessage() or react()). The same change may come by more than one:
 * keep the copy with the higher `updatedSeq`.
 * @typedef {{type:'message.updated', message: Message, source: 'live'|'sync'|'request'}} MessageUpdatedEvent
 */
/** @typedef {{type:'room', event:'joined'|'left'|'updated', room: Room}} RoomEvent */
/** @typedef {{type:'rooms', rooms: Room[], reconnect: boolean}} RoomsEvent the full room list,
 *  read again after a reconnect (rooms joined or left meanwhile) */
/** @typedef {{type:'receipt', roomId: string, userId: string, kind:'delivered'|'read', seq: number}} ReceiptEvent */
/** @typedef {{type:'typing', roomId: string, userId: string, typing: boolean}} TypingEvent */
/** @typedef {{type:'presence', userId: string, status: string, lastSeen: number|null}} PresenceEvent */
/**
 * A moderation act: `mutedUntil` only for a mute with a duration, `reason` only when given.
 * @typedef {object} ModerationAct
 * @property {string} roomId
 * @property {'mute'|'unmute'|'kick'|'ban'|'unban'} action
 * @property {string} userId the member (or user) it was done to
 * @property {string} actorId who did it
 * @property {number} at epoch ms
 * @property {number} [mutedUntil]
 * @property {string} [reason]
 */
/** @typedef {{type:'moderation'} & ModerationAct} ModerationEvent to the room's members and to the user it was done to;
 *  a kick or ban comes after that user's `room` `left` */
/** @typedef {{messages: Message[], next?: string}} SearchPage `GET /search`, newest first; `next`: the `before` of the next page */
/** @typedef {HistoryPage & {around: {seq: number, before: number|null, after: number|null}}} AroundPage
 *  `?around=`: the `before` / `after` cursors to page on from its ends, null where the room ends */
/** @typedef {{type:'reconnect', reason: string}} ReconnectEvent the gateway is going away; the
 *  client reconnects by itself within a random 0–1 s */
/** @typedef {{type:'epoch', roomId: string, epoch: string}} EpochEvent the room's seqs started
 *  again: drop what you hold of the room and load it anew */
/** @typedef {{type:'state', state:'offline'|'connecting'|'online'|'reconnecting', retryInMs?: number}} StateEvent
 *  `online` means the inbox is live and the catch-up is done */
/** @typedef {{type:'connected', reconnect: boolean}} ConnectedEvent the catch-up after a
 *  (re)connect is done (rooms, sync, outbox): the moment to resend receipts and presence */
/** @typedef {{type:'outbox', item: OutboxItem}} OutboxEvent an outgoing message changed state */
/** @typedef {{type:'session', session: SessionState}} SessionEvent a new access token (login, refresh) */
/** @typedef {{type:'renewed', expiresAt: number}} RenewedEvent the live socket now lives until expiresAt */
/** @typedef {{type:'signedout', reason: 'logout'|'expired'|'disabled', error?: Error}} SignedOutEvent
 *  the session is over (refresh refused, account disabled, or logout): sign in again */
/** @typedef {{type:'error', error: Error, during: string}} ErrorEvent a background step failed
 *  and will be tried again (catch-up, gap fill, refresh, socket re-authentication) */

/**
 * @typedef {object} ChatEventMap
 * @property {MessageEvent} message
 * @property {MessageUpdatedEvent} message.updated
 * @property {RoomEvent} room
 * @property {RoomsEvent} rooms
 * @property {ReceiptEvent} receipt
 * @property {TypingEvent} typing
 * @property {PresenceEvent} presence
 * @property {ModerationEvent} moderation
 * @property {ReconnectEvent} reconnect
 * @property {EpochEvent} epoch
 * @property {StateEvent} state
 * @property {ConnectedEvent} connected
 * @property {OutboxEvent} outbox
 * @property {SessionEvent} session
 * @property {RenewedEvent} renewed
 * @property {SignedOutEvent} signedout
 * @property {ErrorEvent} error
 */

export {};
