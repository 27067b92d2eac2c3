package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Room roles and moderation through a running platform, over REST and the socket: the
 * permission table (docs/roles.md) role by role and action by action, a mute that runs out, a ban
 * that outlasts leaving and re-adding, a kick that takes the member's live socket out of the room,
 * and the audit entry of every act, read from the store (the listing API is another change's).
 * One platform; its users and their sockets are made once and reused, each case gets a room of
 * its own. Production limits but the fixture's lifted throughput bursts
 * ({@code RATE_LIMIT_*_BURST}): the table alone makes a few hundred requests from one address.
 */
@DisplayName("Roles and moderation end to end")
class RolesModerationEndToEndTest {
  static final String ADMIN = "admin-" + UUID.randomUUID().toString().substring(0, 8);

  @TempDir static Path dataDir;
  static PlatformFixture fx;
  static MongoClient mongo;
  /** The actors, by the column of the table they act as; the admin is a plain member of each room. */
  static Api.User admin;
  static Api.User owner;
  static Api.User moderator;
  static Api.User member;
  /** Who the actions are done to: a member, and a second owner. */
  static Api.User target;
  static Api.User owner2;
  /** Never in a room until added to one. */
  static Api.User outsider;
  static final List<SocketClient> sockets = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    fx = new PlatformFixture(dataDir, Map.of("ADMIN_USERNAMES", ADMIN));
    mongo = MongoClient.create(fx.clientVertx, new JsonObject().put("connection_string", fx.platform.mongoUri()).put("db_name", "chat"));
    admin = fx.api.register(ADMIN);
    owner = fx.newUser("owner");
    moderator = fx.newUser("moderator");
    member = fx.newUser("member");
    target = fx.newUser("target");
    owner2 = fx.newUser("owner2");
    outsider = fx.newUser("outsider");
  }

  @AfterAll
  static void stop() {
    sockets.forEach(SocketClient::close);
    Await.result(mongo.close());
    fx.close();
  }

  enum Role { ADMIN, OWNER, MODERATOR, MEMBER }

  enum Transport { REST, SOCKET }

  enum Action { ADD_MEMBER, REMOVE_MEMBER, MUTE, BAN, DELETE_OTHERS_MESSAGES, CHANGE_ROLE, RENAME, ROOM_DELETE }

  /**
   * docs/roles.md, written out again here: per action, what admin, owner, moderator, member may
   * do ("-" nothing, "all" on anyone, "!own" on anyone but an owner).
   */
  static final Map<Action, String[]> TABLE = Map.of(
      Action.ADD_MEMBER, new String[] {"all", "all", "all", "-"},
      Action.REMOVE_MEMBER, new String[] {"all", "all", "!own", "-"},
      Action.MUTE, new String[] {"all", "all", "!own", "-"},
      Action.BAN, new String[] {"all", "all", "!own", "-"},
      Action.DELETE_OTHERS_MESSAGES, new String[] {"all", "all", "!own", "-"},
      Action.CHANGE_ROLE, new String[] {"all", "all", "-", "-"},
      Action.RENAME, new String[] {"all", "all", "all", "-"},
      Action.ROOM_DELETE, new String[] {"all", "all", "-", "-"});

  static boolean targeted(Action action) {
    return action != Action.ADD_MEMBER && action != Action.RENAME && action != Action.ROOM_DELETE;
  }

  /** The socket has no address to add a member, rename or delete a room: those are REST only. */
  static boolean onSocket(Action action) {
    return targeted(action);
  }

  static Stream<Arguments> cells() {
    List<Arguments> cells = new ArrayList<>();
    for (Transport transport : Transport.values()) {
      for (Action action : Action.values()) {
        if (transport == Transport.SOCKET && !onSocket(action)) {
          continue;
        }
        for (Role role : Role.values()) {
          String reach = TABLE.get(action)[role.ordinal()];
          cells.add(Arguments.of(transport, role, action, "a member", !reach.equals("-")));
          if (targeted(action)) {
            cells.add(Arguments.of(transport, role, action, "an owner", reach.equals("all")));
          }
        }
      }
    }
    return cells.stream();
  }

  static Api.User actor(Role role) {
    return switch (role) {
      case ADMIN -> admin;
      case OWNER -> owner;
      case MODERATOR -> moderator;
      case MEMBER -> member;
    };
  }

  /** Each actor's one socket, opened when first needed and reused. */
  static final Map<Role, SocketClient> SOCKETS = new java.util.EnumMap<>(Role.class);

  static SocketClient socketOf(Role role) {
    return SOCKETS.computeIfAbsent(role, r -> {
      SocketClient socket = fx.readySocket(actor(r));
      sockets.add(socket);
      return socket;
    });
  }

  /** A room of the owner, with owner2 made owner and the moderator made moderator. */
  static String room() {
    String roomId = fx.api.createRoom(owner, "table", admin, moderator, member, target, owner2).getString("roomId");
    setRole(owner, roomId, owner2, "owner");
    setRole(owner, roomId, moderator, "moderator");
    return roomId;
  }

  static Api.Response setRole(Api.User caller, String roomId, Api.User user, String role) {
    Api.Response r = fx.api.call(HttpMethod.PUT, "/api/v1/rooms/" + roomId + "/members/" + user.userId() + "/role", caller.token(),
        new JsonObject().put("role", role));
    return r;
  }

  static JsonObject moderation(String action, Api.User user) {
    JsonObject body = new JsonObject().put("action", action).put("userId", user.userId());
    return action.equals("mute") ? body.put("durationSec", 600) : body;
  }

  static long sent(Api.User sender, String roomId) {
    Api.Response r = fx.api.post("/api/v1/rooms/" + roomId + "/messages", sender.token(),
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("text", "hello"));
    assertThat(r.status()).as("send: " + r.json()).isEqualTo(201);
    return r.json().getLong("seq");
  }

  /** The outcome of a REST call or a socket request: null for success, else the error word. */
  static String rest(Api.Response r) {
    return r.status() < 300 ? null : r.errorCode();
  }

  static String socket(Role role, String address, JsonObject body) {
    JsonObject frame = socketOf(role).request(address, body);
    return "rec".equals(frame.getString("type")) ? null : frame.getString("body");
  }

  @ParameterizedTest(name = "{0}: {1} → {2} on {3}: allowed {4}")
  @MethodSource("cells")
  @DisplayName("each role may do each action, on members and on owners, exactly as docs/roles.md says, over REST and the socket")
  void permissionTable(Transport transport, Role role, Action action, String targetKind, boolean allowed) {
    boolean onOwner = targetKind.equals("an owner");
    String roomId = room();
    Api.User actor = actor(role);
    Api.User on = onOwner ? owner2 : target;
    boolean rest = transport == Transport.REST;
    String path = "/api/v1/rooms/" + roomId;
    String outcome = switch (action) {
      case ADD_MEMBER -> rest(fx.api.post(path + "/members", actor.token(), new JsonObject().put("userId", outsider.userId())));
      case RENAME -> rest(fx.api.call(HttpMethod.PATCH, path, actor.token(), new JsonObject().put("name", "renamed")));
      case ROOM_DELETE -> rest(fx.api.delete(path, actor.token()));
      case REMOVE_MEMBER -> rest
          ? rest(fx.api.delete(path + "/members/" + on.userId(), actor.token()))
          : socket(role, "room.moderation", moderation("kick", on).put("roomId", roomId));
      case MUTE -> rest
          ? rest(fx.api.post(path + "/moderation", actor.token(), moderation("mute", on)))
          : socket(role, "room.moderation", moderation("mute", on).put("roomId", roomId));
      case BAN -> rest
          ? rest(fx.api.post(path + "/moderation", actor.token(), moderation("ban", on)))
          : socket(role, "room.moderation", moderation("ban", on).put("roomId", roomId));
      case DELETE_OTHERS_MESSAGES -> {
        long seq = sent(on, roomId);
        yield rest
            ? rest(fx.api.delete(path + "/messages/" + seq, actor.token()))
            : socket(role, "chat.delete", new JsonObject().put("roomId", roomId).put("seq", seq));
      }
      case CHANGE_ROLE -> {
        // An owner is made member (another owner stays); a member is made moderator.
        String role2 = onOwner ? "member" : "moderator";
        yield rest
            ? rest(setRole(actor, roomId, on, role2))
            : socket(role, "room.role", new JsonObject().put("roomId", roomId).put("userId", on.userId()).put("role", role2));
      }
    };
    assertThat(outcome).isEqualTo(allowed ? null : "forbidden");
  }

  /** The next {@code moderation} event of the socket. */
  static JsonObject moderationEvent(SocketClient socket) {
    return socket.awaitEvent("moderation");
  }

  static List<JsonObject> auditOf(String roomId) {
    return Await.result(mongo.findWithOptions("audit", new JsonObject().put("roomId", roomId),
        new FindOptions().setSort(new JsonObject().put("_id", 1))));
  }

  @Test
  @DisplayName("a muted member's sends, edits and reactions are forbidden with the mute's end; the room hears the mute; once it has run out the member sends again")
  void muteRunsOut() {
    String roomId = fx.api.createRoom(owner, "mute", moderator, member).getString("roomId");
    setRole(owner, roomId, moderator, "moderator");
    long earlier = sent(member, roomId);
    try (SocketClient memberSocket = fx.readySocket(member); SocketClient ownerSocket = fx.readySocket(owner)) {
      memberSocket.register("user." + member.userId());
      ownerSocket.register("user." + owner.userId());
      JsonObject act = fx.api.post("/api/v1/rooms/" + roomId + "/moderation", moderator.token(),
          new JsonObject().put("action", "mute").put("userId", member.userId()).put("durationSec", 1).put("reason", "cool down")).json();
      long until = act.getLong("mutedUntil");
      assertThat(act.getString("reason")).isEqualTo("cool down");

      for (SocketClient socket : List.of(memberSocket, ownerSocket)) {
        JsonObject event = moderationEvent(socket);
        assertThat(event.getString("action")).isEqualTo("mute");
        assertThat(event.getString("userId")).isEqualTo(member.userId());
        assertThat(event.getString("actorId")).isEqualTo(moderator.userId());
        assertThat(event.getLong("mutedUntil")).isEqualTo(until);
      }

      // Answered before the mute's end (same clock), a request must have been refused; a slower
      // machine may see the second pass first, and then there is nothing to check.
      JsonObject refused = memberSocket.request("chat.send", new JsonObject().put("roomId", roomId)
          .put("clientMsgId", UUID.randomUUID().toString()).put("text", "let me speak"));
      if (System.currentTimeMillis() < until) {
        assertThat(refused.getString("body")).isEqualTo("forbidden");
        assertThat(refused.getString("message")).contains("mutedUntil " + until);
      }
      JsonObject edit = memberSocket.request("chat.edit", new JsonObject().put("roomId", roomId).put("seq", earlier).put("text", "x"));
      if (System.currentTimeMillis() < until) {
        assertThat(edit.getString("body")).isEqualTo("forbidden");
      }
      long started = System.nanoTime();
      Await.until("the mute has run out", Await.TIMEOUT, () -> "rec".equals(memberSocket.request("chat.send",
          new JsonObject().put("roomId", roomId).put("clientMsgId", UUID.randomUUID().toString()).put("text", "back")).getString("type")));
      System.out.printf("mute of 1 s: the member sent again %d ms after the first refusal%n", (System.nanoTime() - started) / 1_000_000);
      assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(until);
    }
    assertThat(auditOf(roomId)).extracting(e -> e.getString("action")).containsExactly("role.change", "moderation.mute");
  }

  @Test
  @DisplayName("a mute until unmuted refuses the member's send over REST, its end named; an unmute lets them send at once")
  void muteUntilUnmuted() {
    String roomId = fx.api.createRoom(owner, "unmute", member).getString("roomId");
    fx.api.post("/api/v1/rooms/" + roomId + "/moderation", owner.token(), new JsonObject().put("action", "mute").put("userId", member.userId()));
    Api.Response refused = fx.api.post("/api/v1/rooms/" + roomId + "/messages", member.token(),
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("text", "hi"));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().getJsonObject("error").getString("message")).contains("until a moderator unmutes you");
    JsonObject room = fx.api.get("/api/v1/rooms/" + roomId, owner.token()).json();
    assertThat(room.getJsonArray("members").stream().map(JsonObject.class::cast)
        .filter(m -> m.getString("userId").equals(member.userId())).findFirst().orElseThrow().getBoolean("muted")).isTrue();
    fx.api.post("/api/v1/rooms/" + roomId + "/moderation", owner.token(), new JsonObject().put("action", "unmute").put("userId", member.userId()));
    sent(member, roomId);
    assertThat(auditOf(roomId)).extracting(e -> e.getString("action")).containsExactly("moderation.mute", "moderation.unmute");
  }

  @Test
  @DisplayName("a kick takes the member's live socket out of the room at once, tells them and the room; the member may be added again")
  void kickIsLive() {
    String roomId = fx.api.createRoom(owner, "kick", member, target).getString("roomId");
    try (SocketClient kicked = fx.readySocket(target); SocketClient stays = fx.readySocket(member)) {
      kicked.register("user." + target.userId());
      stays.register("user." + member.userId());
      Api.Response kick = fx.api.post("/api/v1/rooms/" + roomId + "/moderation", owner.token(),
          new JsonObject().put("action", "kick").put("userId", target.userId()).put("reason", "off topic"));
      assertThat(kick.status()).isEqualTo(200);
      JsonObject left = kicked.awaitFrame(f -> f.getJsonObject("body", new JsonObject()).getString("type", "").equals("room")
          && "left".equals(f.getJsonObject("body").getString("event")), Await.TIMEOUT).getJsonObject("body");
      assertThat(left.getJsonObject("room").getString("roomId")).isEqualTo(roomId);
      assertThat(moderationEvent(kicked).getString("reason")).isEqualTo("off topic");
      assertThat(moderationEvent(stays).getString("action")).isEqualTo("kick");

      JsonObject refused = kicked.request("chat.send", new JsonObject().put("roomId", roomId)
          .put("clientMsgId", UUID.randomUUID().toString()).put("text", "still here?"));
      assertThat(refused.getString("body")).isEqualTo("not_found");
      // Nothing more of the room reaches the kicked socket: the next message goes to the member only.
      sent(owner, roomId);
      stays.awaitEvent("message");
      assertThat(kicked.drain()).noneMatch(f -> "message".equals(f.getJsonObject("body", new JsonObject()).getString("type")));
    }
    assertThat(fx.api.post("/api/v1/rooms/" + roomId + "/members", owner.token(), new JsonObject().put("userId", target.userId())).status())
        .isEqualTo(204);
    assertThat(auditOf(roomId)).singleElement().satisfies(e -> {
      assertThat(e.getString("action")).isEqualTo("moderation.kick");
      assertThat(e.getString("actorId")).isEqualTo(owner.userId());
      assertThat(e.getString("targetUserId")).isEqualTo(target.userId());
      assertThat(e.getString("reason")).isEqualTo("off topic");
    });
  }

  @Test
  @DisplayName("a ban removes, and survives leaving and every re-add (by owner, moderator, admin) until unbanned; every act is audited")
  void banSurvives() {
    String roomId = fx.api.createRoom(owner, "ban", admin, moderator, target, member).getString("roomId");
    setRole(owner, roomId, moderator, "moderator");
    String members = "/api/v1/rooms/" + roomId + "/members";
    String moderate = "/api/v1/rooms/" + roomId + "/moderation";

    assertThat(fx.api.post(moderate, moderator.token(), new JsonObject().put("action", "ban").put("userId", target.userId())).status())
        .isEqualTo(200);
    for (Api.User adder : List.of(owner, moderator, admin)) {
      Api.Response again = fx.api.post(members, adder.token(), new JsonObject().put("userId", target.userId()));
      assertThat(again.status()).as(adder.username()).isEqualTo(403);
      assertThat(again.errorCode()).isEqualTo("forbidden");
    }

    // Leaving first does not escape a ban: the member leaves, is banned, and stays out.
    assertThat(fx.api.delete(members + "/" + member.userId(), member.token()).status()).isEqualTo(204);
    fx.api.post(moderate, owner.token(), new JsonObject().put("action", "ban").put("userId", member.userId()));
    assertThat(fx.api.post(members, owner.token(), new JsonObject().put("userId", member.userId())).status()).isEqualTo(403);

    fx.api.post(moderate, moderator.token(), new JsonObject().put("action", "unban").put("userId", target.userId()));
    assertThat(fx.api.post(members, owner.token(), new JsonObject().put("userId", target.userId())).status()).isEqualTo(204);
    assertThat(fx.api.post(members, owner.token(), new JsonObject().put("userId", member.userId())).status()).isEqualTo(403);

    List<JsonObject> entries = auditOf(roomId);
    assertThat(entries).extracting(e -> e.getString("action"))
        .containsExactly("role.change", "moderation.ban", "moderation.ban", "moderation.unban");
    assertThat(entries.get(1).getString("actorId")).isEqualTo(moderator.userId());
    assertThat(entries.get(1).getString("targetUserId")).isEqualTo(target.userId());
  }

  @Test
  @DisplayName("a role change raises the version, reaches every member as room updated, keeps an owner, and is audited; bad bodies are bad_request")
  void roleChange() {
    String roomId = fx.api.createRoom(owner, "roles", member).getString("roomId");
    try (SocketClient memberSocket = fx.readySocket(member)) {
      memberSocket.register("user." + member.userId());
      long before = fx.api.get("/api/v1/rooms/" + roomId, owner.token()).json().getLong("version");
      Api.Response promoted = setRole(owner, roomId, member, "moderator");
      assertThat(promoted.status()).isEqualTo(200);
      assertThat(promoted.json().getLong("version")).isEqualTo(before + 1);
      JsonObject updated = memberSocket.awaitFrame(f -> f.getJsonObject("body", new JsonObject()).getString("type", "").equals("room")
          && "updated".equals(f.getJsonObject("body").getString("event"))
          && f.getJsonObject("body").getJsonObject("room").getLong("version") == before + 1, Await.TIMEOUT).getJsonObject("body");
      assertThat(updated.getJsonObject("room").getJsonArray("members").stream().map(JsonObject.class::cast)
          .filter(m -> m.getString("userId").equals(member.userId())).findFirst().orElseThrow().getString("role")).isEqualTo("moderator");
    }
    Api.Response lastOwner = setRole(owner, roomId, owner, "member");
    assertThat(lastOwner.status()).isEqualTo(409);
    assertThat(setRole(owner, roomId, member, "admin").errorCode()).isEqualTo("bad_request");
    assertThat(fx.api.call(HttpMethod.PUT, "/api/v1/rooms/" + roomId + "/members/" + member.userId() + "/role", owner.token(),
        new JsonObject().put("role", "owner").put("extra", 1)).errorCode()).isEqualTo("bad_request");
    assertThat(fx.api.post("/api/v1/rooms/" + roomId + "/moderation", owner.token(),
        new JsonObject().put("action", "mute").put("userId", member.userId()).put("durationSec", 31L * 24 * 3600)).errorCode())
        .isEqualTo("bad_request");
    assertThat(auditOf(roomId)).singleElement().satisfies(e -> {
      assertThat(e.getString("action")).isEqualTo("role.change");
      assertThat(e.getString("details")).isEqualTo("moderator");
      assertThat(e.getString("targetUserId")).isEqualTo(member.userId());
    });
  }
}
