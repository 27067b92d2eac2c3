package io.chatplatform.contracts.history;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.Endpoint;
import io.chatplatform.contracts.Fields;
import io.chatplatform.contracts.Shape;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What history-service serves, with its requests and replies. Only chat-service calls it, after
 * checking membership, so requests are trusted to be validated. {@link Message},
 * {@link MessagePage}, {@link SyncPages} and {@link RoomMarks} write the JSON clients get
 * (docs/protocol.md).
 */
public final class HistoryApi {
  private HistoryApi() {}

  /**
   * A message to store: validated, sender authenticated. Idempotent by (room, sender, clientMsgId).
   * A reply ({@code replyTo}) carries the {@code quote} chat-service made of the message it answers.
   */
  public record Append(
      String roomId,
      String senderId,
      String clientMsgId,
      String text,
      List<String> attachments,
      Long replyTo,
      List<String> mentions,
      long ts,
      Quote quote) {
    public Append {
      attachments = List.copyOf(attachments);
      mentions = List.copyOf(mentions);
    }

    /** A message without a quote. */
    public Append(String roomId, String senderId, String clientMsgId, String text, List<String> attachments, Long replyTo,
        List<String> mentions, long ts) {
      this(roomId, senderId, clientMsgId, text, attachments, replyTo, mentions, ts, null);
    }

    static Append read(JsonObject json) {
      return new Append(
          json.getString("roomId"),
          json.getString("senderId"),
          json.getString("clientMsgId"),
          json.getString("text", ""),
          Fields.strings(json, "attachments", "attachments must be a list"),
          json.getLong("replyTo"),
          Fields.strings(json, "mentions", "mentions must be a list"),
          // Stamped by chat-service; a request without one (a tool, a test) is stamped on arrival.
          json.getLong("ts", System.currentTimeMillis()),
          Quote.read(json.getJsonObject("quote")));
    }

    JsonObject write() {
      return new JsonObject()
          .put("quote", quote == null ? null : quote.write())
          .put("roomId", roomId)
          .put("senderId", senderId)
          .put("clientMsgId", clientMsgId)
          .put("text", text)
          .put("attachments", Fields.array(attachments))
          .put("replyTo", replyTo)
          .put("mentions", Fields.array(mentions))
          .put("ts", ts);
    }
  }

  /** The stored message, and whether it had been stored before (a retry with the same clientMsgId). */
  public record Appended(Message message, boolean duplicate) {
    static Appended read(JsonObject json) {
      return new Appended(Message.read(json.getJsonObject("message")), json.getBoolean("duplicate", false));
    }

    JsonObject write() {
      return new JsonObject().put("message", message.write()).put("duplicate", duplicate);
    }
  }

  /**
   * One page of a room: before a seq (newest first when null), or after one; at most {@code limit}
   * (history caps it). Or, with {@code around}, the message of that seq with up to {@code limit / 2}
   * messages on each side.
   */
  public record Page(String roomId, Long before, Long after, int limit, Long around) {
    public Page(String roomId, Long before, Long after, int limit) {
      this(roomId, before, after, limit, null);
    }

    static Page read(JsonObject json) {
      return new Page(json.getString("roomId"), json.getLong("before"), json.getLong("after"), json.getInteger("limit", Integer.MAX_VALUE),
          json.getLong("around"));
    }

    JsonObject write() {
      return new JsonObject().put("roomId", roomId).put("before", before).put("after", after).put("limit", limit).put("around", around);
    }
  }

  /**
   * The messages of {@code roomIds} (the caller's rooms, checked by chat-service) holding every
   * word of {@code q}, newest first, older than the cursor {@code before} (a {@link SearchPage#next}),
   * at most {@code limit} (history caps it). history-service checks {@code q} ({@code bad_request}).
   */
  public record Search(List<String> roomIds, String q, String before, int limit) {
    public Search {
      roomIds = List.copyOf(roomIds);
    }

    static Search read(JsonObject json) {
      return new Search(Fields.strings(json, "roomIds", "roomIds must be a list"), json.getString("q"), json.getString("before"),
          json.getInteger("limit", Integer.MAX_VALUE));
    }

    JsonObject write() {
      return new JsonObject().put("roomIds", Fields.array(roomIds)).put("q", q).put("before", before).put("limit", limit);
    }
  }

  /**
   * What came after the given seq in each room; and, for the rooms named in {@code changes}, the
   * messages changed after the given {@code updatedSeq}.
   */
  public record Sync(Map<String, Long> rooms, Map<String, Long> changes) {
    public Sync {
      rooms = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rooms));
      changes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(changes));
    }

    public Sync(Map<String, Long> rooms) {
      this(rooms, Map.of());
    }

    static Sync read(JsonObject json) {
      return new Sync(Fields.wholeNumbers(json, "rooms", "rooms must be an object"),
          json.getValue("changes") == null ? Map.of() : Fields.wholeNumbers(json, "changes", "changes must be an object"));
    }

    JsonObject write() {
      return new JsonObject().put("rooms", Fields.object(rooms)).put("changes", Fields.object(changes));
    }
  }

  /** One stored message of a room. */
  public record MessageRef(String roomId, long seq) {
    static MessageRef read(JsonObject json) {
      return new MessageRef(Fields.string(json, "roomId"), json.getLong("seq", 0L));
    }

    JsonObject write() {
      return new JsonObject().put("roomId", roomId).put("seq", seq);
    }
  }

  /**
   * An edit ({@code text} and its {@code mentions}) or, when {@code delete}, a delete of one
   * stored message, permitted by chat-service; {@code at} is when it was accepted.
   */
  public record Change(String roomId, long seq, boolean delete, String text, List<String> mentions, long at) {
    public Change {
      mentions = List.copyOf(mentions);
    }

    public static Change edit(String roomId, long seq, String text, List<String> mentions, long at) {
      return new Change(roomId, seq, false, text, mentions, at);
    }

    public static Change deletion(String roomId, long seq, long at) {
      return new Change(roomId, seq, true, null, List.of(), at);
    }

    static Change read(JsonObject json) {
      return new Change(Fields.string(json, "roomId"), json.getLong("seq", 0L), json.getBoolean("delete", false),
          json.getString("text"), Fields.strings(json, "mentions", "mentions must be a list"), json.getLong("at", 0L));
    }

    JsonObject write() {
      return new JsonObject().put("roomId", roomId).put("seq", seq).put("delete", delete).put("text", text)
          .put("mentions", Fields.array(mentions)).put("at", at);
    }
  }

  /**
   * {@code userId}'s reaction with {@code emoji} to one stored message, {@code on} or off, permitted
   * and validated by chat-service: at most {@code maxEmoji} distinct emoji on the message, and the
   * client form shows the first {@code namesShown} user ids of each.
   */
  public record React(String roomId, long seq, String userId, String emoji, boolean on, int maxEmoji, int namesShown) {
    static React read(JsonObject json) {
      return new React(Fields.string(json, "roomId"), json.getLong("seq", 0L), Fields.string(json, "userId"),
          Fields.string(json, "emoji"), json.getBoolean("on", true), json.getInteger("maxEmoji", 0), json.getInteger("namesShown", 0));
    }

    JsonObject write() {
      return new JsonObject().put("roomId", roomId).put("seq", seq).put("userId", userId).put("emoji", emoji).put("on", on)
          .put("maxEmoji", maxEmoji).put("namesShown", namesShown);
    }
  }

  /** The message as it is after the change, and whether this call changed it (false: it already was so). */
  public record Changed(Message message, boolean changed) {
    static Changed read(JsonObject json) {
      return new Changed(Message.read(json.getJsonObject("message")), json.getBoolean("changed", false));
    }

    JsonObject write() {
      return new JsonObject().put("message", message.write()).put("changed", changed);
    }
  }

  /** Per room its last seq, and the unread count of {@code userId} (0 when userId is null). */
  public record RoomStatesQuery(String userId, List<String> roomIds) {
    public RoomStatesQuery {
      roomIds = List.copyOf(roomIds);
    }

    static RoomStatesQuery read(JsonObject json) {
      return new RoomStatesQuery(json.getString("userId"), Fields.strings(json, "roomIds", "roomIds must be a list"));
    }

    JsonObject write() {
      return new JsonObject().put("userId", userId).put("roomIds", Fields.array(roomIds));
    }
  }

  public record RoomState(long lastSeq, long unread) {
    public static final RoomState EMPTY = new RoomState(0, 0);
  }

  public record RoomStates(Map<String, RoomState> rooms) {
    public RoomStates {
      rooms = Map.copyOf(rooms);
    }

    public RoomState of(String roomId) {
      return rooms.getOrDefault(roomId, RoomState.EMPTY);
    }

    static RoomStates read(JsonObject json) {
      Map<String, RoomState> states = new LinkedHashMap<>();
      JsonObject rooms = json.getJsonObject("rooms", new JsonObject());
      for (String roomId : rooms.fieldNames()) {
        JsonObject state = rooms.getJsonObject(roomId);
        states.put(roomId, new RoomState(state.getLong("lastSeq", 0L), state.getLong("unread", 0L)));
      }
      return new RoomStates(states);
    }

    JsonObject write() {
      JsonObject rooms = new JsonObject();
      this.rooms.forEach((id, s) -> rooms.put(id, new JsonObject().put("lastSeq", s.lastSeq()).put("unread", s.unread())));
      return new JsonObject().put("rooms", rooms);
    }
  }

  /** A member's watermark of {@code kind} ({@code delivered} or {@code read}) moves up to seq. */
  public record MarkReceipt(String roomId, String userId, long seq, String kind) {
    static MarkReceipt read(JsonObject json) {
      return new MarkReceipt(json.getString("roomId"), json.getString("userId"), json.getLong("seq"), json.getString("kind"));
    }

    JsonObject write() {
      return new JsonObject().put("roomId", roomId).put("userId", userId).put("seq", seq).put("kind", kind);
    }
  }

  /** The member's watermarks after the mark, and which of them moved (null when none did). */
  public record ReceiptMarked(long delivered, long read, String moved) {
    public long seqOf(String kind) {
      return "read".equals(kind) ? read : delivered;
    }

    static ReceiptMarked read(JsonObject json) {
      return new ReceiptMarked(json.getLong("delivered", 0L), json.getLong("read", 0L), json.getString("moved"));
    }

    JsonObject write() {
      return new JsonObject().put("delivered", delivered).put("read", read).put("moved", moved);
    }
  }

  /** Every listed member's watermarks. */
  public record ListReceipts(String roomId, List<String> userIds) {
    public ListReceipts {
      userIds = List.copyOf(userIds);
    }

    static ListReceipts read(JsonObject json) {
      return new ListReceipts(json.getString("roomId"), Fields.strings(json, "userIds", "userIds must be a list"));
    }

    JsonObject write() {
      return new JsonObject().put("roomId", roomId).put("userIds", Fields.array(userIds));
    }
  }

  /**
   * Who in a room has not acknowledged up to {@code seq} (notification-service's push decision).
   * Answered from the room's watermark index when it was built at membership {@code version};
   * otherwise {@link Behind#current} is false and the caller asks again with every member in
   * {@code memberIds}, which rebuilds the index at {@code version}. A {@code version} of 0 (not
   * known) never matches an index.
   */
  public record BehindQuery(String roomId, long seq, long version, List<String> memberIds) {
    public BehindQuery {
      memberIds = List.copyOf(memberIds);
    }

    static BehindQuery read(JsonObject json) {
      return new BehindQuery(json.getString("roomId"), json.getLong("seq", 0L), json.getLong("version", 0L),
          Fields.strings(json, "memberIds", "memberIds must be a list"));
    }

    JsonObject write() {
      return new JsonObject().put("roomId", roomId).put("seq", seq).put("version", version).put("memberIds", Fields.array(memberIds));
    }
  }

  /**
   * {@code {current, members}}: when {@code current}, the members below the seq asked, with their
   * watermarks as MongoDB holds them (the index only names the candidates); when not, nothing: the
   * index was not built at the version asked.
   */
  public record Behind(boolean current, List<MemberMarks> members) {
    public Behind {
      members = List.copyOf(members);
    }

    public static final Behind OUT_OF_DATE = new Behind(false, List.of());

    static Behind read(JsonObject json) {
      return new Behind(json.getBoolean("current", false), RoomMarks.read(json).members());
    }

    JsonObject write() {
      return new RoomMarks(members).write().put("current", current);
    }
  }

  /** roomId → what came after the seq asked for: {@code {rooms: {roomId: {messages, hasMore}}}}. */
  public record SyncPages(Map<String, MessagePage> rooms) {
    public SyncPages {
      rooms = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rooms));
    }

    public static final Shape<SyncPages> SHAPE = Shape.of(SyncPages.class, SyncPages::read, SyncPages::write);

    static SyncPages read(JsonObject json) {
      Map<String, MessagePage> rooms = new LinkedHashMap<>();
      JsonObject all = json.getJsonObject("rooms", new JsonObject());
      all.fieldNames().forEach(id -> rooms.put(id, MessagePage.read(all.getJsonObject(id))));
      return new SyncPages(rooms);
    }

    JsonObject write() {
      JsonObject all = new JsonObject();
      rooms.forEach((id, page) -> all.put(id, page.write()));
      return new JsonObject().put("rooms", all);
    }
  }

  /** One member's watermarks in a room. */
  public record MemberMarks(String userId, long delivered, long read) {}

  /** {@code {members: [{userId, delivered, read}]}}, in the order asked. */
  public record RoomMarks(List<MemberMarks> members) {
    public RoomMarks {
      members = List.copyOf(members);
    }

    public static final Shape<RoomMarks> SHAPE = Shape.of(RoomMarks.class, RoomMarks::read, RoomMarks::write);

    static RoomMarks read(JsonObject json) {
      return new RoomMarks(json.getJsonArray("members", new JsonArray()).stream()
          .map(o -> (JsonObject) o)
          .map(m -> new MemberMarks(m.getString("userId"), m.getLong("delivered", 0L), m.getLong("read", 0L)))
          .toList());
    }

    JsonObject write() {
      JsonArray list = new JsonArray();
      members.forEach(m -> list.add(new JsonObject().put("userId", m.userId()).put("delivered", m.delivered()).put("read", m.read())));
      return new JsonObject().put("members", list);
    }
  }

  /**
   * The gateway asks to stream one upload of {@code userId} into {@code roomId}.
   *
   * @param declaredBytes the client's {@code Content-Length} (the whole multipart body, so an upper
   *     bound of the file's size), or null when it sent none: what the upload reserves of the quota
   */
  public record UploadGrantRequest(String userId, String roomId, Long declaredBytes) {
    static UploadGrantRequest read(JsonObject json) {
      return new UploadGrantRequest(Fields.string(json, "userId"), Fields.string(json, "roomId"), Fields.optWhole(json, "declaredBytes"));
    }

    JsonObject write() {
      return new JsonObject().put("userId", userId).put("roomId", roomId).put("declaredBytes", declaredBytes);
    }
  }

  /**
   * One use of the files endpoint of the history-service instance that issued it, within
   * {@code FILE_GRANT_TTL_MS}: send the bytes to {@code url} with the grant (see {@link FileTransfer}).
   *
   * @param maxBytes the most the upload may carry, its quota and {@code MAX_UPLOAD_BYTES} counted
   */
  public record UploadGrant(String grantId, String url, long maxBytes) {
    static UploadGrant read(JsonObject json) {
      return new UploadGrant(json.getString("grantId"), json.getString("url"), json.getLong("maxBytes", 0L));
    }

    JsonObject write() {
      return new JsonObject().put("grantId", grantId).put("url", url).put("maxBytes", maxBytes);
    }
  }

  /** The gateway asks to stream a file (or its thumbnail) to {@code userId}. */
  public record DownloadGrantRequest(String userId, String fileId, boolean thumbnail) {
    static DownloadGrantRequest read(JsonObject json) {
      return new DownloadGrantRequest(
          Fields.string(json, "userId"), Fields.string(json, "fileId"), Fields.bool(json, "thumbnail", "thumbnail must be true or false"));
    }

    JsonObject write() {
      return new JsonObject().put("userId", userId).put("fileId", fileId).put("thumbnail", thumbnail);
    }
  }

  /** One download from the files endpoint at {@code url}, within {@code FILE_GRANT_TTL_MS}. */
  public record DownloadGrant(String grantId, String url) {
    static DownloadGrant read(JsonObject json) {
      return new DownloadGrant(json.getString("grantId"), json.getString("url"));
    }

    JsonObject write() {
      return new JsonObject().put("grantId", grantId).put("url", url);
    }
  }

  public static final Endpoint<Append, Appended> APPEND =
      Endpoint.of(Addresses.History.APPEND, Shape.of(Append.class, Append::read, Append::write),
          Shape.of(Appended.class, Appended::read, Appended::write));
  public static final Endpoint<Page, MessagePage> PAGE =
      Endpoint.of(Addresses.History.PAGE, Shape.of(Page.class, Page::read, Page::write), MessagePage.SHAPE);
  public static final Endpoint<Search, SearchPage> SEARCH =
      Endpoint.of(Addresses.History.SEARCH, Shape.of(Search.class, Search::read, Search::write), SearchPage.SHAPE);
  public static final Endpoint<Sync, SyncPages> SYNC =
      Endpoint.of(Addresses.History.SYNC, Shape.of(Sync.class, Sync::read, Sync::write), SyncPages.SHAPE);
  public static final Endpoint<MessageRef, Message> MESSAGE_GET =
      Endpoint.of(Addresses.History.MESSAGE_GET, Shape.of(MessageRef.class, MessageRef::read, MessageRef::write), Message.SHAPE);
  public static final Endpoint<Change, Changed> MESSAGE_CHANGE =
      Endpoint.of(Addresses.History.MESSAGE_CHANGE, Shape.of(Change.class, Change::read, Change::write),
          Shape.of(Changed.class, Changed::read, Changed::write));
  public static final Endpoint<React, Changed> MESSAGE_REACT =
      Endpoint.of(Addresses.History.MESSAGE_REACT, Shape.of(React.class, React::read, React::write),
          Shape.of(Changed.class, Changed::read, Changed::write));
  public static final Endpoint<RoomStatesQuery, RoomStates> ROOM_STATES =
      Endpoint.of(Addresses.History.ROOM_STATES,
          Shape.of(RoomStatesQuery.class, RoomStatesQuery::read, RoomStatesQuery::write),
          Shape.of(RoomStates.class, RoomStates::read, RoomStates::write));
  public static final Endpoint<MarkReceipt, ReceiptMarked> RECEIPT_MARK =
      Endpoint.of(Addresses.History.RECEIPT_MARK, Shape.of(MarkReceipt.class, MarkReceipt::read, MarkReceipt::write),
          Shape.of(ReceiptMarked.class, ReceiptMarked::read, ReceiptMarked::write));
  public static final Endpoint<ListReceipts, RoomMarks> RECEIPT_LIST =
      Endpoint.of(Addresses.History.RECEIPT_LIST, Shape.of(ListReceipts.class, ListReceipts::read, ListReceipts::write),
          RoomMarks.SHAPE);

  public static final Endpoint<BehindQuery, Behind> RECEIPT_BEHIND =
      Endpoint.of(Addresses.History.RECEIPT_BEHIND, Shape.of(BehindQuery.class, BehindQuery::read, BehindQuery::write),
          Shape.of(Behind.class, Behind::read, Behind::write));

  public static final Endpoint<UploadGrantRequest, UploadGrant> FILE_UPLOAD_GRANT =
      Endpoint.of(Addresses.History.FILE_UPLOAD_GRANT,
          Shape.of(UploadGrantRequest.class, UploadGrantRequest::read, UploadGrantRequest::write),
          Shape.of(UploadGrant.class, UploadGrant::read, UploadGrant::write));
  public static final Endpoint<DownloadGrantRequest, DownloadGrant> FILE_DOWNLOAD_GRANT =
      Endpoint.of(Addresses.History.FILE_DOWNLOAD_GRANT,
          Shape.of(DownloadGrantRequest.class, DownloadGrantRequest::read, DownloadGrantRequest::write),
          Shape.of(DownloadGrant.class, DownloadGrant::read, DownloadGrant::write));

  public static final List<Endpoint<?, ?>> ALL =
      List.of(APPEND, PAGE, SEARCH, SYNC, MESSAGE_GET, MESSAGE_CHANGE, MESSAGE_REACT, ROOM_STATES, RECEIPT_MARK, RECEIPT_LIST,
          RECEIPT_BEHIND, FILE_UPLOAD_GRANT, FILE_DOWNLOAD_GRANT);
}
