package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API and the audit log through a running platform: listing users, granting and
 * revoking admin, disabling, deleting a room, and the audit entries each act leaves (also a
 * moderator's deletion of another's message). Production limits; the fixture's lifted
 * throughput bursts, as the other end-to-end tests.
 */
@DisplayName("Admin and audit end to end")
class AdminEndToEndTest {
  /** The first admin ({@code ADMIN_USERNAMES}): its name is fixed before the platform starts. */
  static final String ADMIN = "root-" + UUID.randomUUID().toString().substring(0, 8);

  @TempDir static Path dataDir;
  static PlatformFixture fx;
  static Api.User admin;

  @BeforeAll
  static void start() throws Exception {
    fx = new PlatformFixture(dataDir, Map.of("ADMIN_USERNAMES", ADMIN));
    admin = fx.api.register(ADMIN);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static Api.Response put(String path, String token, JsonObject body) {
    return fx.api.call(HttpMethod.PUT, path, token, body);
  }

  static String userPath(Api.User user, String what) {
    return "/api/v1/admin/users/" + user.userId() + "/" + what;
  }

  /** The audit entries the query selects (one page), as the admin reads them. */
  static JsonArray audit(String query) {
    Api.Response page = fx.api.get("/api/v1/admin/audit?" + query, admin.token());
    assertThat(page.status()).isEqualTo(200);
    return page.json().getJsonArray("entries");
  }

  @Test
  @DisplayName("a non-admin gets forbidden from every admin endpoint, and their attempts change nothing")
  void nonAdminsAreForbidden() {
    Api.User mallory = fx.newUser("mallory");
    Api.User bob = fx.newUser("bob");
    String roomId = fx.api.createRoom(bob, "not yours").getString("roomId");
    List<Api.Response> answers = List.of(
        fx.api.get("/api/v1/admin/users", mallory.token()),
        put(userPath(mallory, "admin"), mallory.token(), new JsonObject().put("admin", true)),
        put(userPath(bob, "disabled"), mallory.token(), new JsonObject().put("disabled", true)),
        fx.api.delete("/api/v1/admin/rooms/" + roomId, mallory.token()),
        // The admin console's path, even for the room's owner.
        fx.api.delete("/api/v1/admin/rooms/" + roomId, bob.token()),
        fx.api.get("/api/v1/admin/audit", mallory.token()));
    for (Api.Response answer : answers) {
      assertThat(answer.status()).isEqualTo(403);
      assertThat(answer.errorCode()).isEqualTo("forbidden");
    }
    // Deleting a room as a member is the owners' and admins' (docs/roles.md): to anyone outside it, the room does not exist.
    assertThat(fx.api.delete("/api/v1/rooms/" + roomId, mallory.token()).errorCode()).isEqualTo("not_found");
    assertThat(fx.api.get("/api/v1/rooms/" + roomId, bob.token()).status()).isEqualTo(200);
    assertThat(audit("actor=" + mallory.userId())).isEmpty();
  }

  @Test
  @DisplayName("granting admin works on the grantee's current token, is audited with its reason, and revoking takes it back; an admin cannot revoke themselves")
  void grantAndRevoke() {
    Api.User bob = fx.newUser("bob");
    assertThat(fx.api.get("/api/v1/admin/audit", bob.token()).status()).isEqualTo(403);

    Api.Response granted = put(userPath(bob, "admin"), admin.token(), new JsonObject().put("admin", true).put("reason", "on call"));
    assertThat(granted.status()).isEqualTo(200);
    assertThat(granted.json()).isEqualTo(new JsonObject().put("userId", bob.userId()).put("admin", true));
    // chat-service reads the stored role on every admin request: bob's old token works at once.
    assertThat(fx.api.get("/api/v1/admin/audit", bob.token()).status()).isEqualTo(200);
    assertThat(fx.api.get("/api/v1/me", bob.token()).json().getJsonArray("roles")).contains("admin");

    assertThat(put(userPath(bob, "admin"), bob.token(), new JsonObject().put("admin", false)).errorCode()).isEqualTo("bad_request");
    assertThat(put(userPath(bob, "admin"), admin.token(), new JsonObject().put("admin", false)).status()).isEqualTo(200);
    assertThat(fx.api.get("/api/v1/admin/audit", bob.token()).status()).isEqualTo(403);
    assertThat(put(userPath(bob, "admin"), admin.token(), new JsonObject().put("admin", "yes")).status()).isEqualTo(400);

    JsonArray entries = audit("target=" + bob.userId());
    System.out.println("audit of a grant and a revoke: " + entries.encode());
    assertThat(entries).hasSize(2);
    JsonObject revoke = entries.getJsonObject(0);
    JsonObject grant = entries.getJsonObject(1);
    assertThat(revoke.getString("action")).isEqualTo("admin.revoke");
    assertThat(grant.getString("action")).isEqualTo("admin.grant");
    assertThat(grant.getString("actorId")).isEqualTo(admin.userId());
    assertThat(grant.getString("targetUserId")).isEqualTo(bob.userId());
    assertThat(grant.getString("reason")).isEqualTo("on call");
    assertThat(grant.getLong("at")).isPositive();
    assertThat(revoke.getLong("at")).isGreaterThanOrEqualTo(grant.getLong("at"));
  }

  @Test
  @DisplayName("disabling and enabling are audited; the user list shows the disabled and admin flags, finds by the search terms and pages with after")
  void disableAndListUsers() {
    String tag = "listed" + UUID.randomUUID().toString().substring(0, 6);
    Api.User first = fx.api.register(tag + "-a");
    Api.User second = fx.api.register(tag + "-b");
    Api.User third = fx.api.register(tag + "-c");
    assertThat(put(userPath(second, "disabled"), admin.token(), new JsonObject().put("disabled", true).put("reason", "spam")).status())
        .isEqualTo(200);
    put(userPath(third, "admin"), admin.token(), new JsonObject().put("admin", true));

    JsonObject all = fx.api.get("/api/v1/admin/users?q=" + tag, admin.token()).json();
    System.out.println("admin user list: " + all.encode());
    JsonArray users = all.getJsonArray("users");
    assertThat(users).hasSize(3);
    assertThat(all.containsKey("next")).isFalse();
    assertThat(users.getJsonObject(0).getString("userId")).isEqualTo(first.userId());
    assertThat(users.getJsonObject(1).getBoolean("disabled")).isTrue();
    assertThat(users.getJsonObject(1).getBoolean("admin")).isFalse();
    assertThat(users.getJsonObject(2).getBoolean("admin")).isTrue();
    assertThat(users.getJsonObject(2).getBoolean("disabled")).isFalse();
    assertThat(users.getJsonObject(0).containsKey("passwordHash")).isFalse();

    List<String> paged = new ArrayList<>();
    String after = null;
    do {
      JsonObject page = fx.api.get("/api/v1/admin/users?limit=2&q=" + tag + (after == null ? "" : "&after=" + after), admin.token()).json();
      page.getJsonArray("users").forEach(u -> paged.add(((JsonObject) u).getString("userId")));
      after = page.getString("next");
    } while (after != null);
    assertThat(paged).containsExactly(first.userId(), second.userId(), third.userId());
    assertThat(fx.api.get("/api/v1/admin/users?limit=0", admin.token()).status()).isEqualTo(400);

    put(userPath(second, "disabled"), admin.token(), new JsonObject().put("disabled", false));
    JsonArray entries = audit("target=" + second.userId());
    assertThat(entries).extracting(e -> ((JsonObject) e).getString("action")).containsExactly("user.enable", "user.disable");
    assertThat(entries.getJsonObject(1).getString("reason")).isEqualTo("spam");
    assertThat(audit("target=" + second.userId() + "&action=user.disable")).hasSize(1);
  }

  @Test
  @DisplayName("deleting a room: its members hear left live, it leaves their lists, its messages are unreachable, it is audited; again is not_found; a direct room is refused")
  void deleteRoom() {
    Api.User owner = fx.newUser("owner");
    Api.User bob = fx.newUser("bob");
    String roomId = fx.api.createRoom(owner, "doomed", bob).getString("roomId");
    fx.api.post("/api/v1/rooms/" + roomId + "/messages", owner.token(),
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("text", "soon gone"));
    try (SocketClient bobSocket = fx.socket(bob)) {
      bobSocket.register("user." + bob.userId());
      bobSocket.ask("chat.sync", new JsonObject().put("rooms", new JsonObject()));
      Api.Response deleted = fx.api.call(HttpMethod.DELETE, "/api/v1/admin/rooms/" + roomId + "?reason=abuse", admin.token(), null);
      assertThat(deleted.status()).isEqualTo(204);

      JsonObject left = bobSocket.awaitFrame(f -> f.getString("address", "").startsWith("user.")
          && "room".equals(f.getJsonObject("body").getString("type"))
          && "left".equals(f.getJsonObject("body").getString("event")), Await.TIMEOUT).getJsonObject("body");
      assertThat(left.getJsonObject("room").getString("roomId")).isEqualTo(roomId);
      JsonObject send = bobSocket.request("chat.send", new JsonObject().put("roomId", roomId)
          .put("clientMsgId", UUID.randomUUID().toString()).put("text", "still here?"));
      assertThat(send.getString("type")).isEqualTo("err");
      assertThat(send.getString("body")).isEqualTo("not_found");
    }
    for (Api.User member : List.of(owner, bob)) {
      JsonArray rooms = fx.api.get("/api/v1/rooms", member.token()).json().getJsonArray("rooms");
      assertThat(rooms).noneMatch(r -> roomId.equals(((JsonObject) r).getString("roomId")));
      assertThat(fx.api.get("/api/v1/rooms/" + roomId + "/messages", member.token()).status()).isEqualTo(404);
    }
    assertThat(fx.api.delete("/api/v1/admin/rooms/" + roomId, admin.token()).errorCode()).isEqualTo("not_found");

    JsonArray entries = audit("roomId=" + roomId);
    assertThat(entries).hasSize(1);
    JsonObject entry = entries.getJsonObject(0);
    assertThat(entry.getString("action")).isEqualTo("room.delete");
    assertThat(entry.getString("actorId")).isEqualTo(admin.userId());
    assertThat(entry.getString("reason")).isEqualTo("abuse");

    String direct = fx.api.directRoom(owner, bob).getString("roomId");
    assertThat(fx.api.delete("/api/v1/admin/rooms/" + direct, admin.token()).errorCode()).isEqualTo("bad_request");
  }

  @Test
  @DisplayName("an owner deleting another's message leaves message.delete with room, seq and the sender as target; deleting one's own leaves nothing")
  void othersMessageDeletionIsAudited() {
    Api.User owner = fx.newUser("owner");
    Api.User bob = fx.newUser("bob");
    String roomId = fx.api.createRoom(owner, "moderated", bob).getString("roomId");
    long bobs = fx.api.post("/api/v1/rooms/" + roomId + "/messages", bob.token(),
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("text", "rude")).json().getLong("seq");
    long own = fx.api.post("/api/v1/rooms/" + roomId + "/messages", owner.token(),
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("text", "typo")).json().getLong("seq");
    assertThat(fx.api.delete("/api/v1/rooms/" + roomId + "/messages/" + own, owner.token()).status()).isEqualTo(200);
    assertThat(fx.api.delete("/api/v1/rooms/" + roomId + "/messages/" + bobs, owner.token()).status()).isEqualTo(200);
    // Deleting it again changes nothing and records nothing.
    assertThat(fx.api.delete("/api/v1/rooms/" + roomId + "/messages/" + bobs, owner.token()).status()).isEqualTo(200);

    JsonArray entries = audit("roomId=" + roomId);
    assertThat(entries).hasSize(1);
    JsonObject entry = entries.getJsonObject(0);
    assertThat(entry.getString("action")).isEqualTo("message.delete");
    assertThat(entry.getString("actorId")).isEqualTo(owner.userId());
    assertThat(entry.getString("targetUserId")).isEqualTo(bob.userId());
    assertThat(entry.getLong("seq")).isEqualTo(bobs);
    assertThat(audit("actor=" + owner.userId() + "&action=message.delete")).isEqualTo(entries);
  }

  @Test
  @DisplayName("the audit pages newest first with before, bounds limit, filters by time; no method edits or deletes an entry")
  void auditPagesAndCannotBeChanged() {
    Api.User target = fx.newUser("target");
    for (int i = 0; i < 3; i++) {
      put(userPath(target, "disabled"), admin.token(), new JsonObject().put("disabled", i % 2 == 0).put("reason", "round " + i));
    }
    JsonArray all = audit("target=" + target.userId());
    assertThat(all).extracting(e -> ((JsonObject) e).getString("reason")).containsExactly("round 2", "round 1", "round 0");

    List<JsonObject> paged = new ArrayList<>();
    String before = null;
    do {
      Api.Response page = fx.api.get("/api/v1/admin/audit?limit=1&target=" + target.userId() + (before == null ? "" : "&before=" + before),
          admin.token());
      page.json().getJsonArray("entries").forEach(e -> paged.add((JsonObject) e));
      before = page.json().getString("next");
    } while (before != null);
    assertThat(paged).containsExactlyElementsOf(all.stream().map(e -> (JsonObject) e).toList());

    long newest = all.getJsonObject(0).getLong("at");
    assertThat(audit("target=" + target.userId() + "&from=" + (newest + 1))).isEmpty();
    assertThat(audit("target=" + target.userId() + "&to=" + (newest + 1))).hasSize(3);
    assertThat(fx.api.get("/api/v1/admin/audit?limit=0", admin.token()).status()).isEqualTo(400);
    assertThat(fx.api.get("/api/v1/admin/audit?limit=100000", admin.token()).status()).isEqualTo(400);
    assertThat(fx.api.get("/api/v1/admin/audit?from=yesterday", admin.token()).status()).isEqualTo(400);

    String id = all.getJsonObject(0).getString("id");
    JsonObject forged = new JsonObject().put("reason", "nothing happened");
    for (String path : List.of("/api/v1/admin/audit", "/api/v1/admin/audit/" + id)) {
      for (HttpMethod method : List.of(HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.POST)) {
        Api.Response refused = fx.api.call(method, path, admin.token(), method == HttpMethod.DELETE ? null : forged);
        assertThat(refused.status()).as(method + " " + path).isIn(404, 405);
      }
    }
    assertThat(audit("target=" + target.userId())).isEqualTo(all);
  }
}
