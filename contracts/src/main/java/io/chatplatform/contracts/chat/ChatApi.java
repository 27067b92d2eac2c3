package io.chatplatform.contracts.chat;

import io.chatplatform.contracts.Ack;
import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.EncodedReply;
import io.chatplatform.contracts.Endpoint;
import io.chatplatform.contracts.Fields;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.Shape;
import io.chatplatform.contracts.history.HistoryApi.RoomMarks;
import io.chatplatform.contracts.history.HistoryApi.SyncPages;
import io.chatplatform.contracts.history.Message;
import io.chatplatform.contracts.history.MessagePage;
import io.chatplatform.contracts.history.SearchPage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What chat-service serves, with its requests and replies. Requests made for a client carry the
 * authenticated caller as {@code callerId}, set by the gateway from the token or socket. The
 * types of fields are checked when a request is read ({@code bad_request} naming the field); what
 * the values may be (lengths, patterns, permissions) is chat-service's to check.
 */
public final class ChatApi {
  private ChatApi() {}

  /** Credentials never appear in a record's text form, so a logged request cannot leak them. */
  private static final String HIDDEN = "***";

  public record Register(String username, String password, String displayName) {
    static Register read(JsonObject json) {
      return new Register(Fields.string(json, "username"), Fields.string(json, "password"), Fields.optString(json, "displayName"));
    }

    JsonObject write() {
      return new JsonObject().put("username", username).put("password", password).put("displayName", displayName);
    }

    @Override
    public String toString() {
      return "Register[username=" + username + ", password=" + HIDDEN + "]";
    }
  }

  public record Credentials(String username, String password) {
    static Credentials read(JsonObject json) {
      if (!(json.getValue("username") instanceof String name) || !(json.getValue("password") instanceof String secret)) {
        throw ServiceException.badRequest("username and password are required strings");
      }
      return new Credentials(name, secret);
    }

    JsonObject write() {
      return new JsonObject().put("username", username).put("password", password);
    }

    @Override
    public String toString() {
      return "Credentials[username=" + username + ", password=" + HIDDEN + "]";
    }
  }

  /** A request about one user, by id (their profile, their contacts). */
  public record UserRef(String userId) {
    static UserRef read(JsonObject json) {
      return new UserRef(Fields.string(json, "userId"));
    }

    JsonObject write() {
      return new JsonObject().put("userId", userId);
    }
  }

  /** Users whose username starts with {@code query} ("" finds nobody). */
  public record UserSearch(String query) {
    static UserSearch read(JsonObject json) {
      String query = Fields.optString(json, "query");
      return new UserSearch(query == null ? "" : query);
    }

    JsonObject write() {
      return new JsonObject().put("query", query);
    }
  }

  /** An admin disables an account or enables it again; {@code reason} (may be null) goes to the audit log. */
  public record SetDisabled(String callerId, String userId, boolean disabled, String reason) {
    public SetDisabled(String callerId, String userId, boolean disabled) {
      this(callerId, userId, disabled, null);
    }

    static SetDisabled read(JsonObject json) {
      boolean disabled = Fields.bool(json, "disabled", "disabled must be true or false");
      return new SetDisabled(Fields.string(json, "callerId"), Fields.string(json, "userId"), disabled, Fields.optString(json, "reason"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("userId", userId).put("disabled", disabled).put("reason", reason);
    }
  }

  /** An admin grants ({@code admin} true) or revokes the global admin role; {@code reason} may be null. */
  public record SetAdmin(String callerId, String userId, boolean admin, String reason) {
    static SetAdmin read(JsonObject json) {
      boolean admin = Fields.bool(json, "admin", "admin must be true or false");
      return new SetAdmin(Fields.string(json, "callerId"), Fields.string(json, "userId"), admin, Fields.optString(json, "reason"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("userId", userId).put("admin", admin).put("reason", reason);
    }
  }

  /**
   * An admin lists accounts by username: those the words of {@code q} find (every account when
   * empty or null), after the username {@code after}, at most {@code limit} (null: the largest page).
   */
  public record AdminUserList(String callerId, String q, String after, Long limit) {
    static AdminUserList read(JsonObject json) {
      return new AdminUserList(Fields.string(json, "callerId"), Fields.optString(json, "q"), Fields.optString(json, "after"),
          Fields.optWhole(json, "limit"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("q", q).put("after", after).put("limit", limit);
    }
  }

  /** An admin deletes a room; {@code reason} may be null. */
  public record DeleteRoom(String callerId, String roomId, String reason) {
    static DeleteRoom read(JsonObject json) {
      return new DeleteRoom(Fields.string(json, "callerId"), Fields.string(json, "roomId"), Fields.optString(json, "reason"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("roomId", roomId).put("reason", reason);
    }
  }

  /**
   * An admin reads the audit log, newest first: entries matching every given filter ({@code actor},
   * {@code target} user, {@code roomId}, {@code action}, {@code from} ≤ time &lt; {@code to} in epoch
   * ms), with an id below {@code before} (the previous page's {@code next}), at most {@code limit}.
   */
  public record AuditQuery(
      String callerId, String actor, String target, String roomId, String action, Long from, Long to, String before, Long limit) {
    static AuditQuery read(JsonObject json) {
      return new AuditQuery(
          Fields.string(json, "callerId"), Fields.optString(json, "actor"), Fields.optString(json, "target"),
          Fields.optString(json, "roomId"), Fields.optString(json, "action"), Fields.optWhole(json, "from"),
          Fields.optWhole(json, "to"), Fields.optString(json, "before"), Fields.optWhole(json, "limit"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("actor", actor).put("target", target).put("roomId", roomId)
          .put("action", action).put("from", from).put("to", to).put("before", before).put("limit", limit);
    }
  }

  /** Published on {@link Addresses.Chat#USER_DISABLED_CHANGED}: every gateway node acts on it. */
  public record AccountDisabled(String userId, boolean disabled) {
    public static final Shape<AccountDisabled> SHAPE = Shape.of(AccountDisabled.class,
        json -> new AccountDisabled(json.getString("userId"), json.getBoolean("disabled", false)),
        a -> new JsonObject().put("userId", a.userId).put("disabled", a.disabled));
  }

  /**
   * At login: a new family of refresh tokens for the user, starting with the token whose SHA-256
   * (base64url) is {@code tokenHash}. The gateway mints the token; chat-service only ever sees
   * its hash.
   */
  public record RefreshIssue(String userId, String tokenHash) {
    static RefreshIssue read(JsonObject json) {
      return new RefreshIssue(Fields.string(json, "userId"), Fields.string(json, "tokenHash"));
    }

    JsonObject write() {
      return new JsonObject().put("userId", userId).put("tokenHash", tokenHash);
    }

    @Override
    public String toString() {
      return "RefreshIssue[userId=" + userId + ", tokenHash=" + HIDDEN + "]";
    }
  }

  /** The refresh token of {@code tokenHash} is used (once) and replaced by the one of {@code nextTokenHash}. */
  public record RefreshRotate(String tokenHash, String nextTokenHash) {
    static RefreshRotate read(JsonObject json) {
      return new RefreshRotate(Fields.string(json, "tokenHash"), Fields.string(json, "nextTokenHash"));
    }

    JsonObject write() {
      return new JsonObject().put("tokenHash", tokenHash).put("nextTokenHash", nextTokenHash);
    }

    @Override
    public String toString() {
      return "RefreshRotate[tokenHash=" + HIDDEN + ", nextTokenHash=" + HIDDEN + "]";
    }
  }

  /** At logout: the family of the refresh token of {@code tokenHash} is revoked (nothing happens for an unknown one). */
  public record RefreshRevoke(String tokenHash) {
    static RefreshRevoke read(JsonObject json) {
      return new RefreshRevoke(Fields.string(json, "tokenHash"));
    }

    JsonObject write() {
      return new JsonObject().put("tokenHash", tokenHash);
    }

    @Override
    public String toString() {
      return "RefreshRevoke[tokenHash=" + HIDDEN + "]";
    }
  }

  /**
   * The account a new refresh token stands for (what the gateway puts in the access token it
   * issues with it), and how long that refresh token lives.
   */
  public record RefreshGrant(String userId, String username, List<String> roles, long expiresIn) {
    public RefreshGrant {
      roles = List.copyOf(roles);
    }

    static RefreshGrant read(JsonObject json) {
      return new RefreshGrant(
          Fields.string(json, "userId"), Fields.string(json, "username"),
          Fields.strings(json, "roles", "roles must be a list"), json.getLong("expiresIn", 0L));
    }

    JsonObject write() {
      return new JsonObject().put("userId", userId).put("username", username).put("roles", Fields.array(roles)).put("expiresIn", expiresIn);
    }
  }

  /** A request with nothing but its caller (the caller's rooms, the ids of the caller's rooms). */
  public record Caller(String callerId) {
    static Caller read(JsonObject json) {
      return new Caller(Fields.string(json, "callerId"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId);
    }
  }

  /** A request about one room of the caller's. */
  public record RoomRef(String callerId, String roomId) {
    static RoomRef read(JsonObject json) {
      return new RoomRef(Fields.string(json, "callerId"), Fields.string(json, "roomId"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("roomId", roomId);
    }
  }

  public record CreateRoom(String callerId, String name, List<String> members) {
    public CreateRoom {
      members = List.copyOf(members);
    }

    static CreateRoom read(JsonObject json) {
      return new CreateRoom(
          Fields.string(json, "callerId"), Fields.string(json, "name"),
          Fields.strings(json, "members", "members must be a list of user ids"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("name", name).put("members", Fields.array(members));
    }
  }

  /** The direct room of the caller and {@code userId}, created on first use. */
  public record OpenDirect(String callerId, String userId) {
    static OpenDirect read(JsonObject json) {
      return new OpenDirect(Fields.string(json, "callerId"), Fields.string(json, "userId"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("userId", userId);
    }
  }

  /** The caller adds {@code userId} to a room, or removes them (themselves: leaving). */
  public record MemberChange(String callerId, String roomId, String userId) {
    static MemberChange read(JsonObject json) {
      return new MemberChange(Fields.string(json, "callerId"), Fields.string(json, "roomId"), Fields.string(json, "userId"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("roomId", roomId).put("userId", userId);
    }
  }

  /** The caller renames a group room. */
  public record RenameRoom(String callerId, String roomId, String name) {
    static RenameRoom read(JsonObject json) {
      return new RenameRoom(Fields.string(json, "callerId"), Fields.string(json, "roomId"), Fields.string(json, "name"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("roomId", roomId).put("name", name);
    }
  }

  /** The caller sets {@code userId}'s role in a group room: {@code owner}, {@code moderator} or {@code member}. */
  public record ChangeRole(String callerId, String roomId, String userId, String role) {
    static ChangeRole read(JsonObject json) {
      return new ChangeRole(
          Fields.string(json, "callerId"), Fields.string(json, "roomId"), Fields.string(json, "userId"), Fields.string(json, "role"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("roomId", roomId).put("userId", userId).put("role", role);
    }
  }

  /**
   * A moderation act of the caller in a group room: {@code action} is {@code mute}, {@code unmute},
   * {@code kick}, {@code ban} or {@code unban}; {@code durationSec} (mute only; absent: until
   * unmuted) and {@code reason} are optional.
   */
  public record Moderate(String callerId, String roomId, String action, String userId, Long durationSec, String reason) {
    static Moderate read(JsonObject json) {
      return new Moderate(
          Fields.string(json, "callerId"), Fields.string(json, "roomId"), Fields.string(json, "action"),
          Fields.string(json, "userId"), Fields.optWhole(json, "durationSec"), Fields.optString(json, "reason"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("roomId", roomId).put("action", action).put("userId", userId)
          .put("durationSec", durationSec).put("reason", reason);
    }
  }

  public record RoomIds(List<String> roomIds) {
    public RoomIds {
      roomIds = List.copyOf(roomIds);
    }

    static RoomIds read(JsonObject json) {
      return new RoomIds(Fields.strings(json, "roomIds", "roomIds must be a list"));
    }

    JsonObject write() {
      return new JsonObject().put("roomIds", Fields.array(roomIds));
    }
  }

  public record UserIds(List<String> userIds) {
    public UserIds {
      userIds = List.copyOf(userIds);
    }

    static UserIds read(JsonObject json) {
      return new UserIds(Fields.strings(json, "userIds", "userIds must be a list"));
    }

    JsonObject write() {
      return new JsonObject().put("userIds", Fields.array(userIds));
    }
  }

  /**
   * A stored message and its client JSON, encoded once: the room's {@code message} event
   * (chat-service) and the sender's ack (the gateway) are framed around the same bytes. Inside one
   * JVM it is passed by reference; between cluster members it travels as the message's JSON and is
   * encoded once again on the other side.
   */
  public record Sent(Message message, Buffer clientJson) implements EncodedReply {
    static final Shape<Sent> SHAPE = Shape.of(Sent.class, json -> of(Message.read(json)), sent -> sent.message().write());

    public static Sent of(Message message) {
      return new Sent(message, message.write().toBuffer());
    }
  }

  /** A message from the caller; retried sends carry the same {@code clientMsgId}. */
  public record Send(String callerId, String roomId, String clientMsgId, String text, List<String> attachments, Long replyTo) {
    public Send {
      attachments = List.copyOf(attachments);
    }

    static Send read(JsonObject json) {
      String text = Fields.optString(json, "text");
      return new Send(
          Fields.string(json, "callerId"), Fields.string(json, "roomId"), Fields.string(json, "clientMsgId"),
          text == null ? "" : text,
          Fields.strings(json, "attachments", "attachments must be a list of file ids"),
          replyTo(json));
    }

    private static Long replyTo(JsonObject json) {
      Object raw = json.getValue("replyTo");
      if (raw == null) {
        return null;
      }
      if (!(raw instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 1) {
        throw ServiceException.badRequest("replyTo must be the seq of a message of the room");
      }
      return n.longValue();
    }

    JsonObject write() {
      return new JsonObject()
          .put("callerId", callerId)
          .put("roomId", roomId)
          .put("clientMsgId", clientMsgId)
          .put("text", text)
          .put("attachments", Fields.array(attachments))
          .put("replyTo", replyTo);
    }
  }

  /** A page of a room's messages: before a seq, after one, or the newest. */
  /** {@code chat.edit} / {@code PATCH …/messages/{seq}}: the caller's new text of a message. */
  public record Edit(String callerId, String roomId, Long seq, String text) {
    static Edit read(JsonObject json) {
      return new Edit(Fields.string(json, "callerId"), Fields.string(json, "roomId"), Fields.optWhole(json, "seq"),
          Fields.optString(json, "text"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("roomId", roomId).put("seq", seq).put("text", text);
    }
  }

  /** {@code chat.delete} / {@code DELETE …/messages/{seq}}. */
  public record Delete(String callerId, String roomId, Long seq) {
    static Delete read(JsonObject json) {
      return new Delete(Fields.string(json, "callerId"), Fields.string(json, "roomId"), Fields.optWhole(json, "seq"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("roomId", roomId).put("seq", seq);
    }
  }

  /** {@code changesAfter}: instead of a page, the room's messages changed after that {@code updatedSeq}. */
  /** {@code chat.react} / {@code PUT …/messages/{seq}/reactions}: the caller's reaction, on or off. */
  public record React(String callerId, String roomId, Long seq, String emoji, Boolean on) {
    static React read(JsonObject json) {
      Object on = json.getValue("on");
      if (on != null && !(on instanceof Boolean)) {
        throw ServiceException.badRequest("on must be true or false");
      }
      return new React(Fields.string(json, "callerId"), Fields.string(json, "roomId"), Fields.optWhole(json, "seq"),
          Fields.optString(json, "emoji"), (Boolean) on);
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("roomId", roomId).put("seq", seq).put("emoji", emoji).put("on", on);
    }
  }

  /** {@code around}: instead of a page before or after a seq, the message of that seq and its neighbours (a jump to it). */
  public record PageRequest(String callerId, String roomId, Long before, Long after, Long limit, Long changesAfter, Long around) {
    public PageRequest(String callerId, String roomId, Long before, Long after, Long limit) {
      this(callerId, roomId, before, after, limit, null, null);
    }

    public PageRequest(String callerId, String roomId, Long before, Long after, Long limit, Long changesAfter) {
      this(callerId, roomId, before, after, limit, changesAfter, null);
    }

    static PageRequest read(JsonObject json) {
      return new PageRequest(
          Fields.string(json, "callerId"), Fields.string(json, "roomId"),
          Fields.optWhole(json, "before"), Fields.optWhole(json, "after"), Fields.optWhole(json, "limit"),
          Fields.optWhole(json, "changesAfter"), Fields.optWhole(json, "around"));
    }

    JsonObject write() {
      return new JsonObject()
          .put("callerId", callerId).put("roomId", roomId).put("before", before).put("after", after).put("limit", limit)
          .put("changesAfter", changesAfter).put("around", around);
    }
  }

  /**
   * {@code GET /api/v1/search}: the caller's messages holding every word of {@code q}, in all
   * their rooms or in {@code roomId} only, older than the cursor {@code before}, at most {@code limit}.
   */
  public record SearchRequest(String callerId, String q, String roomId, String before, Long limit) {
    static SearchRequest read(JsonObject json) {
      return new SearchRequest(Fields.string(json, "callerId"), Fields.optString(json, "q"), Fields.optString(json, "roomId"),
          Fields.optString(json, "before"), Fields.optWhole(json, "limit"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("q", q).put("roomId", roomId).put("before", before).put("limit", limit);
    }
  }

  /**
   * One page of the caller's rooms, in the order they joined them: at most {@code limit} (null:
   * the largest page), after the room {@code after} (null: from the first).
   */
  public record RoomListRequest(String callerId, Long limit, String after) {
    static RoomListRequest read(JsonObject json) {
      return new RoomListRequest(Fields.string(json, "callerId"), Fields.optWhole(json, "limit"), Fields.optString(json, "after"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("limit", limit).put("after", after);
    }
  }

  /** roomId → the last seq the caller has of it: what it missed since. */
  /** {@code changes}: per room the {@code updatedSeq} the client holds, for the rooms whose edits and deletes it wants. */
  public record SyncRequest(String callerId, Map<String, Long> rooms, Map<String, Long> changes) {
    public SyncRequest {
      rooms = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rooms));
      changes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(changes));
    }

    public SyncRequest(String callerId, Map<String, Long> rooms) {
      this(callerId, rooms, Map.of());
    }

    static SyncRequest read(JsonObject json) {
      return new SyncRequest(
          Fields.string(json, "callerId"), Fields.wholeNumbers(json, "rooms", "rooms must be an object of roomId: lastSeq"),
          json.getValue("changes") == null ? Map.of()
              : Fields.wholeNumbers(json, "changes", "changes must be an object of roomId: updatedSeq"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("rooms", Fields.object(rooms)).put("changes", Fields.object(changes));
    }
  }

  /** The caller's {@code delivered} or {@code read} watermark in a room moves up to {@code seq}. */
  public record Receipt(String callerId, String roomId, Long seq, String kind) {
    static Receipt read(JsonObject json) {
      return new Receipt(
          Fields.string(json, "callerId"), Fields.string(json, "roomId"), Fields.optWhole(json, "seq"),
          json.getValue("kind") instanceof String k ? k : null);
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("roomId", roomId).put("seq", seq).put("kind", kind);
    }
  }

  /**
   * notification-service asks about a room (trusted: no caller, no membership check) and the
   * usernames of {@code named} only (the batch's last sender): a decision is made per batch, and
   * reading every member's profile for it would cost per member what it never uses. The member
   * list comes only when {@code members} is asked: a decision needs it only when the room's
   * watermark index is out of date (a membership changed since it was built).
   */
  public record PushInfoRequest(String roomId, List<String> named, boolean members) {
    public PushInfoRequest {
      named = List.copyOf(named);
    }

    static PushInfoRequest read(JsonObject json) {
      // Without the field (a sender older than the index): the members, as before.
      return new PushInfoRequest(Fields.string(json, "roomId"), Fields.strings(json, "named", "named must be a list of user ids"),
          json.getBoolean("members", true));
    }

    JsonObject write() {
      return new JsonObject().put("roomId", roomId).put("named", Fields.array(named)).put("members", members);
    }
  }

  /**
   * A room as a push needs it: its type ({@code group}/{@code direct}), name, membership
   * {@code version} (raised by every membership change), members (empty unless asked), and the
   * usernames of the members the request named (by id; a named user who is not a member is left out).
   */
  public record PushRoom(String roomId, String type, String name, long version, List<String> memberIds, Map<String, String> usernames) {
    public PushRoom {
      memberIds = List.copyOf(memberIds);
      usernames = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(usernames));
    }

    static PushRoom read(JsonObject json) {
      Map<String, String> usernames = new LinkedHashMap<>();
      JsonObject named = json.getJsonObject("usernames", new JsonObject());
      named.fieldNames().forEach(id -> usernames.put(id, named.getString(id, "")));
      return new PushRoom(json.getString("roomId"), json.getString("type"), json.getString("name", ""), json.getLong("version", 0L),
          Fields.strings(json, "memberIds", "memberIds must be a list of user ids"), usernames);
    }

    JsonObject write() {
      return new JsonObject().put("roomId", roomId).put("type", type).put("name", name).put("version", version)
          .put("memberIds", Fields.array(memberIds)).put("usernames", Fields.object(usernames));
    }
  }

  /** Published on {@link Addresses.Chat#ROOM_CHANGED}: every chat-service instance drops its copy. */
  public record RoomChanged(String roomId) {
    public static final Shape<RoomChanged> SHAPE = Shape.of(RoomChanged.class,
        json -> new RoomChanged(json.getString("roomId")), c -> new JsonObject().put("roomId", c.roomId));
  }

  private static final Shape<Caller> CALLER = Shape.of(Caller.class, Caller::read, Caller::write);
  private static final Shape<RoomRef> ROOM_REF = Shape.of(RoomRef.class, RoomRef::read, RoomRef::write);
  private static final Shape<UserRef> USER_REF = Shape.of(UserRef.class, UserRef::read, UserRef::write);
  private static final Shape<MemberChange> MEMBER_CHANGE = Shape.of(MemberChange.class, MemberChange::read, MemberChange::write);
  private static final Shape<UserIds> USER_IDS = Shape.of(UserIds.class, UserIds::read, UserIds::write);

  /** Reply: the client-facing profile {@code {userId, username, displayName}}. */
  public static final Endpoint<Register, JsonObject> USER_REGISTER =
      Endpoint.of(Addresses.Chat.USER_REGISTER, Shape.of(Register.class, Register::read, Register::write), Shape.JSON);
  /** Reply: the profile with {@code roles}; any wrong credential is one {@code unauthorized}. */
  public static final Endpoint<Credentials, JsonObject> USER_AUTHENTICATE =
      Endpoint.of(Addresses.Chat.USER_AUTHENTICATE, Shape.of(Credentials.class, Credentials::read, Credentials::write), Shape.JSON);
  /** Reply: the profile with {@code roles}. */
  public static final Endpoint<UserRef, JsonObject> USER_GET = Endpoint.of(Addresses.Chat.USER_GET, USER_REF, Shape.JSON);
  /** Reply: client-facing {@code {users:[profile]}}. */
  public static final Endpoint<UserSearch, JsonObject> USER_SEARCH =
      Endpoint.of(Addresses.Chat.USER_SEARCH, Shape.of(UserSearch.class, UserSearch::read, UserSearch::write), Shape.JSON);
  /** Reply: client-facing {@code {userId, disabled}}. */
  public static final Endpoint<SetDisabled, JsonObject> USER_SET_DISABLED =
      Endpoint.of(Addresses.Chat.USER_SET_DISABLED, Shape.of(SetDisabled.class, SetDisabled::read, SetDisabled::write), Shape.JSON);
  /** Reply: client-facing {@code {userId, admin}}. */
  public static final Endpoint<SetAdmin, JsonObject> USER_SET_ADMIN =
      Endpoint.of(Addresses.Chat.USER_SET_ADMIN, Shape.of(SetAdmin.class, SetAdmin::read, SetAdmin::write), Shape.JSON);
  /** Reply: client-facing {@code {users:[{userId, username, displayName, admin, disabled, createdAt}], next}}. */
  public static final Endpoint<AdminUserList, JsonObject> ADMIN_USERS_LIST =
      Endpoint.of(Addresses.Chat.ADMIN_USERS_LIST, Shape.of(AdminUserList.class, AdminUserList::read, AdminUserList::write), Shape.JSON);
  /** {@code not_found} for a room that does not exist (or no longer: a repeated delete). */
  public static final Endpoint<DeleteRoom, Ack> ADMIN_ROOM_DELETE =
      Endpoint.of(Addresses.Chat.ADMIN_ROOM_DELETE, Shape.of(DeleteRoom.class, DeleteRoom::read, DeleteRoom::write), Ack.SHAPE);
  public static final Endpoint<DeleteRoom, Ack> ROOM_DELETE =
      Endpoint.of(Addresses.Chat.ROOM_DELETE, Shape.of(DeleteRoom.class, DeleteRoom::read, DeleteRoom::write), Ack.SHAPE);
  /** Reply: client-facing {@code {entries:[entry], next}}. */
  public static final Endpoint<AuditQuery, JsonObject> ADMIN_AUDIT_LIST =
      Endpoint.of(Addresses.Chat.ADMIN_AUDIT_LIST, Shape.of(AuditQuery.class, AuditQuery::read, AuditQuery::write), Shape.JSON);
  private static final Shape<RefreshGrant> REFRESH_GRANT = Shape.of(RefreshGrant.class, RefreshGrant::read, RefreshGrant::write);
  /** {@code forbidden} for a disabled account, {@code not_found} for an unknown one. */
  public static final Endpoint<RefreshIssue, RefreshGrant> REFRESH_ISSUE =
      Endpoint.of(Addresses.Chat.REFRESH_ISSUE, Shape.of(RefreshIssue.class, RefreshIssue::read, RefreshIssue::write), REFRESH_GRANT);
  /**
   * {@code unauthorized} for an unknown, expired, revoked or already used token (a used one
   * revokes its family first); {@code forbidden} (family revoked) when the account is disabled.
   */
  public static final Endpoint<RefreshRotate, RefreshGrant> REFRESH_ROTATE =
      Endpoint.of(Addresses.Chat.REFRESH_ROTATE, Shape.of(RefreshRotate.class, RefreshRotate::read, RefreshRotate::write), REFRESH_GRANT);
  /** Idempotent: an unknown or revoked token is answered as a revoked one. */
  public static final Endpoint<RefreshRevoke, Ack> REFRESH_REVOKE =
      Endpoint.of(Addresses.Chat.REFRESH_REVOKE, Shape.of(RefreshRevoke.class, RefreshRevoke::read, RefreshRevoke::write), Ack.SHAPE);
  public static final Endpoint<Ack, UserIds> USERS_DISABLED_LIST =
      Endpoint.of(Addresses.Chat.USERS_DISABLED_LIST, Ack.SHAPE, USER_IDS);
  /** Everyone who shares a room with the user, the user left out. */
  public static final Endpoint<UserRef, UserIds> USER_CONTACTS = Endpoint.of(Addresses.Chat.USER_CONTACTS, USER_REF, USER_IDS);

  /** Reply: the client-facing room. */
  public static final Endpoint<CreateRoom, JsonObject> ROOM_CREATE =
      Endpoint.of(Addresses.Chat.ROOM_CREATE, Shape.of(CreateRoom.class, CreateRoom::read, CreateRoom::write), Shape.JSON);
  /** Reply: the client-facing room. */
  public static final Endpoint<OpenDirect, JsonObject> ROOM_DIRECT =
      Endpoint.of(Addresses.Chat.ROOM_DIRECT, Shape.of(OpenDirect.class, OpenDirect::read, OpenDirect::write), Shape.JSON);
  /** Reply: client-facing {@code {rooms:[room]}}. */
  /** Reply: {@code {rooms: [room view], next: roomId or absent}}. */
  public static final Endpoint<RoomListRequest, JsonObject> ROOM_LIST =
      Endpoint.of(Addresses.Chat.ROOM_LIST, Shape.of(RoomListRequest.class, RoomListRequest::read, RoomListRequest::write), Shape.JSON);
  /** Reply: the client-facing room. */
  public static final Endpoint<RoomRef, JsonObject> ROOM_GET = Endpoint.of(Addresses.Chat.ROOM_GET, ROOM_REF, Shape.JSON);
  public static final Endpoint<MemberChange, Ack> ROOM_MEMBER_ADD =
      Endpoint.of(Addresses.Chat.ROOM_MEMBER_ADD, MEMBER_CHANGE, Ack.SHAPE);
  public static final Endpoint<MemberChange, Ack> ROOM_MEMBER_REMOVE =
      Endpoint.of(Addresses.Chat.ROOM_MEMBER_REMOVE, MEMBER_CHANGE, Ack.SHAPE);
  /** Reply: the room as it now is (the client-facing room object). */
  public static final Endpoint<RenameRoom, JsonObject> ROOM_RENAME =
      Endpoint.of(Addresses.Chat.ROOM_RENAME, Shape.of(RenameRoom.class, RenameRoom::read, RenameRoom::write), Shape.JSON);
  /** Reply: the room as it now is (the client-facing room object). */
  public static final Endpoint<ChangeRole, JsonObject> ROOM_ROLE_SET =
      Endpoint.of(Addresses.Chat.ROOM_ROLE_SET, Shape.of(ChangeRole.class, ChangeRole::read, ChangeRole::write), Shape.JSON);
  /** Reply: the act, as the {@code moderation} event carries it (without {@code type}). */
  public static final Endpoint<Moderate, JsonObject> ROOM_MODERATE =
      Endpoint.of(Addresses.Chat.ROOM_MODERATE, Shape.of(Moderate.class, Moderate::read, Moderate::write), Shape.JSON);
  public static final Endpoint<Caller, RoomIds> ROOM_IDS_OF_USER =
      Endpoint.of(Addresses.Chat.ROOM_IDS_OF_USER, CALLER, Shape.of(RoomIds.class, RoomIds::read, RoomIds::write));
  /** Succeeds when the caller is a member; {@code not_found} otherwise, as for a missing room. */
  public static final Endpoint<RoomRef, Ack> ROOM_CHECK_MEMBER =
      Endpoint.of(Addresses.Chat.ROOM_CHECK_MEMBER, ROOM_REF, Ack.SHAPE);

  /** Reply: the stored message (the same one for a retry), encoded once ({@link Sent}). */
  public static final Endpoint<Send, Sent> MESSAGE_SEND =
      Endpoint.of(Addresses.Chat.MESSAGE_SEND, Shape.of(Send.class, Send::read, Send::write), Sent.SHAPE);
  /** Reply: the message as it now is (also when nothing changed: the same text again). */
  public static final Endpoint<Edit, Message> MESSAGE_EDIT =
      Endpoint.of(Addresses.Chat.MESSAGE_EDIT, Shape.of(Edit.class, Edit::read, Edit::write), Message.SHAPE);
  /** Reply: the tombstone (also when it was deleted before). */
  public static final Endpoint<Delete, Message> MESSAGE_DELETE =
      Endpoint.of(Addresses.Chat.MESSAGE_DELETE, Shape.of(Delete.class, Delete::read, Delete::write), Message.SHAPE);
  /** Reply: the message as it now is, with its reactions (also when nothing changed). */
  public static final Endpoint<React, Message> MESSAGE_REACT =
      Endpoint.of(Addresses.Chat.MESSAGE_REACT, Shape.of(React.class, React::read, React::write), Message.SHAPE);
  public static final Endpoint<PageRequest, MessagePage> MESSAGE_PAGE =
      Endpoint.of(Addresses.Chat.MESSAGE_PAGE, Shape.of(PageRequest.class, PageRequest::read, PageRequest::write), MessagePage.SHAPE);
  /** Reply: {@code {messages, next}}; {@code not_found} for a {@code roomId} the caller is not in. */
  public static final Endpoint<SearchRequest, SearchPage> MESSAGE_SEARCH =
      Endpoint.of(Addresses.Chat.MESSAGE_SEARCH, Shape.of(SearchRequest.class, SearchRequest::read, SearchRequest::write), SearchPage.SHAPE);
  public static final Endpoint<SyncRequest, SyncPages> MESSAGE_SYNC =
      Endpoint.of(Addresses.Chat.MESSAGE_SYNC, Shape.of(SyncRequest.class, SyncRequest::read, SyncRequest::write), SyncPages.SHAPE);

  /** Reply: client-facing {@code {delivered, read}}. */
  public static final Endpoint<Receipt, JsonObject> RECEIPT_MARK =
      Endpoint.of(Addresses.Chat.RECEIPT_MARK, Shape.of(Receipt.class, Receipt::read, Receipt::write), Shape.JSON);
  public static final Endpoint<RoomRef, RoomMarks> RECEIPT_LIST = Endpoint.of(Addresses.Chat.RECEIPT_LIST, ROOM_REF, RoomMarks.SHAPE);

  /** {@code not_found} for a room that no longer exists. */
  public static final Endpoint<PushInfoRequest, PushRoom> ROOM_PUSH_INFO =
      Endpoint.of(Addresses.Chat.ROOM_PUSH_INFO, Shape.of(PushInfoRequest.class, PushInfoRequest::read, PushInfoRequest::write),
          Shape.of(PushRoom.class, PushRoom::read, PushRoom::write));

  public static final List<Endpoint<?, ?>> ALL = List.of(
      USER_REGISTER, USER_AUTHENTICATE, USER_GET, USER_SEARCH, USER_SET_DISABLED, USERS_DISABLED_LIST, USER_CONTACTS,
      USER_SET_ADMIN, ADMIN_USERS_LIST, ADMIN_ROOM_DELETE, ROOM_DELETE, ADMIN_AUDIT_LIST,
      REFRESH_ISSUE, REFRESH_ROTATE, REFRESH_REVOKE,
      ROOM_CREATE, ROOM_DIRECT, ROOM_LIST, ROOM_GET, ROOM_MEMBER_ADD, ROOM_MEMBER_REMOVE, ROOM_RENAME, ROOM_ROLE_SET, ROOM_MODERATE, ROOM_IDS_OF_USER,
      ROOM_CHECK_MEMBER, MESSAGE_SEND, MESSAGE_EDIT, MESSAGE_DELETE, MESSAGE_REACT, MESSAGE_PAGE, MESSAGE_SEARCH, MESSAGE_SYNC, RECEIPT_MARK,
      RECEIPT_LIST, ROOM_PUSH_INFO);

  /** Payloads published rather than requested. */
  public static final List<Shape<?>> PUBLISHED = List.of(AccountDisabled.SHAPE, RoomChanged.SHAPE);
}
