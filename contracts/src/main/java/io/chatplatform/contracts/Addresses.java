package io.chatplatform.contracts;

/**
 * Every event bus address of the platform, in one place.
 *
 * <p>Client-facing addresses are the ones a socket may name in a bridge frame; everything else is
 * internal and only reachable from inside the cluster. Internal request addresses start with
 * {@code svc.}, so a bridge allow-list can never match one by accident.
 */
public final class Addresses {
  private Addresses() {}

  /** Addresses a client may use over the socket (protocol v1, section 2). */
  public static final class Client {
    private Client() {}

    public static final String CHAT_SEND = "chat.send";
    public static final String CHAT_SYNC = "chat.sync";
    public static final String CHAT_TYPING = "chat.typing";
    public static final String CHAT_RECEIPT = "chat.receipt";
    /** {@code {roomId, seq, text}}: the caller edits their own message. */
    public static final String CHAT_EDIT = "chat.edit";
    /** {@code {roomId, seq}}: the caller deletes their own message, or any as the room's owner or moderator, or an admin. */
    public static final String CHAT_DELETE = "chat.delete";
    /** {@code {roomId, seq, emoji, on}}: the caller's reaction to a message, on or off. */
    public static final String CHAT_REACT = "chat.react";
    public static final String PRESENCE_SET = "presence.set";
    /** {@code {roomId, userId, role}}: the caller sets a member's room role (RoomPermissions says who may). */
    public static final String ROOM_ROLE = "room.role";
    /** {@code {roomId, action, userId, durationSec?, reason?}}: a moderation act (mute, unmute, kick, ban, unban). */
    public static final String ROOM_MODERATION = "room.moderation";
    /**
     * {@code {accessToken}}: the socket's expiry moves to that token's, when it is a valid token
     * of the socket's own user. Answered by the gateway itself, never forwarded.
     */
    public static final String AUTH_RENEW = "auth.renew";
    /** Prefix of a user's inbox; the full address is {@code user.<userId>}. */
    public static final String INBOX_PREFIX = "user.";

    public static String inbox(String userId) {
      return INBOX_PREFIX + userId;
    }
  }

  /** Request/reply addresses served by chat-service. Bodies carry the caller as {@code callerId}. */
  public static final class Chat {
    private Chat() {}

    /** Answered at once, empty: the gateway's readiness asks whether chat-service is there. */
    public static final String PING = "svc.chat.ping";
    public static final String USER_REGISTER = "svc.chat.users.register";
    public static final String USER_AUTHENTICATE = "svc.chat.users.authenticate";
    public static final String USER_GET = "svc.chat.users.get";
    public static final String USER_SEARCH = "svc.chat.users.search";
    /** {@code {callerId, userId, disabled}}: an admin disables or re-enables an account. */
    public static final String USER_SET_DISABLED = "svc.chat.users.set-disabled";
    /** {@code {}} → {@code {userIds}}: every disabled account; a gateway asks at start. */
    public static final String USERS_DISABLED_LIST = "svc.chat.users.disabled-list";
    /** Published {@code {userId, disabled}} when an account is disabled or enabled: every gateway node acts. */
    public static final String USER_DISABLED_CHANGED = "svc.chat.users.disabled-changed";
    /** {@code {callerId, userId, admin, reason}}: an admin grants or revokes the global admin role. */
    public static final String USER_SET_ADMIN = "svc.chat.users.set-admin";
    /** {@code {callerId, q, after, limit}}: an admin lists accounts with their admin and disabled flags. */
    public static final String ADMIN_USERS_LIST = "svc.chat.admin.users.list";
    /** {@code {callerId, roomId, reason}}: an admin deletes a group room, member of it or not. */
    public static final String ADMIN_ROOM_DELETE = "svc.chat.admin.rooms.delete";
    /** {@code {callerId, roomId, reason}}: a member deletes a group room, as docs/roles.md allows (owners, admins). */
    public static final String ROOM_DELETE = "svc.chat.rooms.delete";
    /** {@code {callerId, actor, target, roomId, action, from, to, before, limit}}: an admin reads the audit log. */
    public static final String ADMIN_AUDIT_LIST = "svc.chat.admin.audit.list";

    /** {@code {userId, tokenHash}} at login: a new family of refresh tokens for the user. */
    public static final String REFRESH_ISSUE = "svc.chat.refresh.issue";
    /** {@code {tokenHash, nextTokenHash}}: a refresh token is used, once, and replaced. */
    public static final String REFRESH_ROTATE = "svc.chat.refresh.rotate";
    /** {@code {tokenHash}} at logout: the token's whole family is revoked. */
    public static final String REFRESH_REVOKE = "svc.chat.refresh.revoke";

    public static final String ROOM_CREATE = "svc.chat.rooms.create";
    public static final String ROOM_DIRECT = "svc.chat.rooms.direct";
    public static final String ROOM_LIST = "svc.chat.rooms.list";
    public static final String ROOM_GET = "svc.chat.rooms.get";
    public static final String ROOM_MEMBER_ADD = "svc.chat.rooms.members.add";
    public static final String ROOM_MEMBER_REMOVE = "svc.chat.rooms.members.remove";
    public static final String ROOM_RENAME = "svc.chat.rooms.rename";
    public static final String ROOM_ROLE_SET = "svc.chat.rooms.role";
    public static final String ROOM_MODERATE = "svc.chat.rooms.moderate";
    /** The ids of the rooms a user belongs to; the gateway asks it when a socket opens. */
    public static final String ROOM_IDS_OF_USER = "svc.chat.rooms.ids-of-user";

    /** Published by a chat-service instance that changed a room: every instance drops its copy. */
    public static final String ROOM_CHANGED = "svc.chat.rooms.changed";

    public static final String MESSAGE_SEND = "svc.chat.messages.send";
    public static final String MESSAGE_PAGE = "svc.chat.messages.page";
    public static final String MESSAGE_SYNC = "svc.chat.messages.sync";
    public static final String MESSAGE_EDIT = "svc.chat.messages.edit";
    public static final String MESSAGE_DELETE = "svc.chat.messages.delete";
    public static final String MESSAGE_REACT = "svc.chat.messages.react";
    /** {@code {callerId, q, roomId?, before?, limit?}} → {@code {messages, next}}: the caller's rooms' messages with every word of q. */
    public static final String MESSAGE_SEARCH = "svc.chat.messages.search";

    /** {@code {callerId, roomId}} → {@code {}} when the caller is a member, {@code not_found} otherwise. */
    public static final String ROOM_CHECK_MEMBER = "svc.chat.rooms.check-member";
    /** {@code {userId}} → {@code {userIds}}: everyone who shares a room with the user, the user left out. */
    public static final String USER_CONTACTS = "svc.chat.users.contacts";

    public static final String RECEIPT_MARK = "svc.chat.receipts.mark";
    public static final String RECEIPT_LIST = "svc.chat.receipts.list";
    /** {@code {roomId, named}} → the room's type, name and members, and the usernames of the named; notification-service asks it. */
    public static final String ROOM_PUSH_INFO = "svc.chat.rooms.push-info";
  }

  /**
   * Addresses served by notification-service. {@link #MESSAGE} is sent (one way, never awaited)
   * by chat-service once per stored message; the others come from clients through the gateway.
   */
  public static final class Notification {
    private Notification() {}

    /** Answered at once, empty: the gateway's readiness may ask whether notification-service is there. */
    public static final String PING = "svc.notification.ping";
    public static final String MESSAGE = "svc.notification.message";
    public static final String DEVICE_REGISTER = "svc.notification.devices.register";
    public static final String DEVICE_LIST = "svc.notification.devices.list";
    public static final String DEVICE_DELETE = "svc.notification.devices.delete";
    public static final String ROOM_MODE_SET = "svc.notification.rooms.mode";
    public static final String WEBPUSH_KEY = "svc.notification.webpush-key";
  }

  /**
   * Request/reply addresses served by history-service. chat-service calls the message and receipt
   * ones; the gateway calls only the two file grants, which history-service answers after asking
   * chat-service whether the user is a member of the room.
   */
  public static final class History {
    private History() {}

    /** Answered at once, empty: the gateway's readiness asks whether history-service is there. */
    public static final String PING = "svc.history.ping";
    public static final String APPEND = "svc.history.append";
    public static final String PAGE = "svc.history.page";
    public static final String SYNC = "svc.history.sync";
    /** {@code {roomId, seq}} → the stored message, {@code not_found} when there is none. */
    public static final String MESSAGE_GET = "svc.history.messages.get";
    /** An edit or a delete of one stored message, with its room's next {@code updatedSeq}. */
    public static final String MESSAGE_CHANGE = "svc.history.messages.change";
    /** One user's reaction to one stored message, on or off, with its room's next {@code updatedSeq}. */
    public static final String MESSAGE_REACT = "svc.history.messages.react";
    /** {@code {roomIds, q, before, limit}} → {@code {messages, next}}: the rooms' messages with every word of q, newest first. */
    public static final String SEARCH = "svc.history.search";
    /** {@code {userId, roomIds}} → per room {@code lastSeq} and the user's {@code unread}. */
    public static final String ROOM_STATES = "svc.history.room-states";
    public static final String RECEIPT_MARK = "svc.history.receipts.mark";
    public static final String RECEIPT_LIST = "svc.history.receipts.list";
    /**
     * {@code {roomId, seq, version, memberIds?}} → the members whose delivered watermark is below
     * {@code seq}, from the room's watermark index (notification-service's push decision).
     */
    public static final String RECEIPT_BEHIND = "svc.history.receipts.behind";
    /** {@code {userId, roomId, declaredBytes}} → {@code {grantId, url, maxBytes}}: one upload to the files endpoint. */
    public static final String FILE_UPLOAD_GRANT = "svc.history.files.upload-grant";
    /** {@code {userId, fileId, thumbnail}} → {@code {grantId, url}}: one download from the files endpoint. */
    public static final String FILE_DOWNLOAD_GRANT = "svc.history.files.download-grant";
  }

  /**
   * Request/reply addresses served by presence-service. Sessions come from the gateway nodes
   * (trusted, carrying {@code userId}); {@code set}, {@code typing} and {@code query} come from
   * clients through the gateway and carry {@code callerId}.
   */
  public static final class Presence {
    private Presence() {}

    /** Answered at once, empty: the gateway's readiness asks whether presence-service is there. */
    public static final String PING = "svc.presence.ping";
    public static final String CONNECT = "svc.presence.connect";
    public static final String DISCONNECT = "svc.presence.disconnect";
    /** A gateway node's "I am alive"; its sessions expire when these stop. */
    public static final String HEARTBEAT = "svc.presence.heartbeat";
    public static final String SET = "svc.presence.set";
    public static final String TYPING = "svc.presence.typing";
    public static final String QUERY = "svc.presence.query";
    /** Which users chose do-not-disturb, connected or not (for notification-service, never clients). */
    public static final String DO_NOT_DISTURB = "svc.presence.dnd";
  }

  /**
   * Fan-out addresses: chat-service publishes, gateway nodes consume.
   *
   * <p>A gateway node registers one consumer per room that has at least one local member socket,
   * so a room event crosses the cluster once per interested node, never once per member.
   */
  public static final class Fanout {
    private Fanout() {}

    public static final String ROOM_PREFIX = "fanout.room.";
    /** Events for named users (membership changes); every gateway node consumes it. */
    public static final String USERS = "fanout.users";
    /**
     * Header of a room event naming a user whose own sockets must not receive it (a typing
     * event goes to the typer's room-mates only).
     */
    public static final String EXCLUDE_USER_HEADER = "exclude-user";
    /**
     * Header of a room event: when it was published (epoch ms, the publisher's clock), for the
     * gateway's fan-out latency ({@code chat.fanout.latency}).
     */
    public static final String PUBLISHED_AT_HEADER = "published-at";
    /** Header of a room event: its {@code type} (message, typing…), so a gateway can tag its meters without parsing it. */
    public static final String EVENT_TYPE_HEADER = "event-type";

    public static String room(String roomId) {
      return ROOM_PREFIX + roomId;
    }
  }
}
