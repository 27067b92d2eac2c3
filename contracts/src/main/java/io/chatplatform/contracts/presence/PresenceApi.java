package io.chatplatform.contracts.presence;

import io.chatplatform.contracts.Ack;
import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.Endpoint;
import io.chatplatform.contracts.Fields;
import io.chatplatform.contracts.Shape;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What presence-service serves. Sessions and heartbeats come from gateway nodes (trusted);
 * {@link SetStatus}, {@link Typing} and {@link Query} come from clients through the gateway,
 * which sets the caller fields from the socket or token, never from what the client wrote.
 */
public final class PresenceApi {
  private PresenceApi() {}

  /** A socket of {@code userId} on gateway node {@code nodeId}; {@code device} is the client's label. */
  public record Session(String userId, String sessionId, String nodeId, String device) {
    static Session read(JsonObject json) {
      return new Session(
          Fields.string(json, "userId"), Fields.string(json, "sessionId"), Fields.string(json, "nodeId"),
          json.getValue("device") instanceof String d ? d : "");
    }

    JsonObject write() {
      return new JsonObject().put("userId", userId).put("sessionId", sessionId).put("nodeId", nodeId).put("device", device);
    }
  }

  public record Heartbeat(String nodeId) {
    static Heartbeat read(JsonObject json) {
      return new Heartbeat(Fields.string(json, "nodeId"));
    }

    JsonObject write() {
      return new JsonObject().put("nodeId", nodeId);
    }
  }

  /** {@code known:false}: the node's sessions had been dropped as dead, so it reports them again. */
  public record HeartbeatReply(boolean known) {
    static HeartbeatReply read(JsonObject json) {
      return new HeartbeatReply(json.getBoolean("known", false));
    }

    JsonObject write() {
      return new JsonObject().put("known", known);
    }
  }

  /** The caller chooses a status; checked by presence-service (online, away or dnd). */
  public record SetStatus(String callerId, String status) {
    static SetStatus read(JsonObject json) {
      return new SetStatus(Fields.string(json, "callerId"), json.getValue("status") instanceof String s ? s : null);
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("status", status);
    }
  }

  /** The caller, on one of its sockets, started or stopped typing in a room. */
  public record Typing(String callerId, String callerSessionId, String callerNodeId, String roomId, boolean typing) {
    static Typing read(JsonObject json) {
      boolean typing = Fields.bool(json, "typing", "typing must be true or false");
      return new Typing(
          Fields.string(json, "callerId"), Fields.string(json, "callerSessionId"), Fields.string(json, "callerNodeId"),
          Fields.string(json, "roomId"), typing);
    }

    JsonObject write() {
      return new JsonObject()
          .put("callerId", callerId)
          .put("callerSessionId", callerSessionId)
          .put("callerNodeId", callerNodeId)
          .put("roomId", roomId)
          .put("typing", typing);
    }
  }

  /** The caller asks for some users' presence; the reply is client-facing {@code {presence}}. */
  public record Query(String callerId, List<String> userIds) {
    public Query {
      userIds = List.copyOf(userIds);
    }

    static Query read(JsonObject json) {
      return new Query(Fields.string(json, "callerId"), Fields.strings(json, "userIds", "userIds must be user ids"));
    }

    JsonObject write() {
      return new JsonObject().put("callerId", callerId).put("userIds", Fields.array(userIds));
    }
  }

  /**
   * Which of these users chose {@code dnd}, whether or not a socket of theirs is connected: a push
   * must respect the choice of a user whose phone app went to the background. Answered for
   * services only (no gateway route reaches it), so no contact check.
   */
  public record DoNotDisturb(List<String> userIds) {
    public DoNotDisturb {
      userIds = List.copyOf(userIds);
    }

    static DoNotDisturb read(JsonObject json) {
      return new DoNotDisturb(Fields.strings(json, "userIds", "userIds must be user ids"));
    }

    JsonObject write() {
      return new JsonObject().put("userIds", Fields.array(userIds));
    }
  }

  private static final Shape<DoNotDisturb> USERS = Shape.of(DoNotDisturb.class, DoNotDisturb::read, DoNotDisturb::write);

  private static final Shape<Session> SESSION = Shape.of(Session.class, Session::read, Session::write);

  public static final Endpoint<Session, Ack> CONNECT = Endpoint.of(Addresses.Presence.CONNECT, SESSION, Ack.SHAPE);
  public static final Endpoint<Session, Ack> DISCONNECT = Endpoint.of(Addresses.Presence.DISCONNECT, SESSION, Ack.SHAPE);
  public static final Endpoint<Heartbeat, HeartbeatReply> HEARTBEAT =
      Endpoint.of(Addresses.Presence.HEARTBEAT, Shape.of(Heartbeat.class, Heartbeat::read, Heartbeat::write),
          Shape.of(HeartbeatReply.class, HeartbeatReply::read, HeartbeatReply::write));
  public static final Endpoint<SetStatus, Ack> SET =
      Endpoint.of(Addresses.Presence.SET, Shape.of(SetStatus.class, SetStatus::read, SetStatus::write), Ack.SHAPE);
  public static final Endpoint<Typing, Ack> TYPING =
      Endpoint.of(Addresses.Presence.TYPING, Shape.of(Typing.class, Typing::read, Typing::write), Ack.SHAPE);
  public static final Endpoint<Query, JsonObject> QUERY =
      Endpoint.of(Addresses.Presence.QUERY, Shape.of(Query.class, Query::read, Query::write), Shape.JSON);

  /** The request names users; the answer, those of them in dnd. */
  public static final Endpoint<DoNotDisturb, DoNotDisturb> DO_NOT_DISTURB = Endpoint.of(Addresses.Presence.DO_NOT_DISTURB, USERS, USERS);
  public static final List<Endpoint<?, ?>> ALL = List.of(CONNECT, DISCONNECT, HEARTBEAT, SET, TYPING, QUERY, DO_NOT_DISTURB);
}
