package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The room caps under attack: concurrent adds, a user in very many rooms, the room list paged.
 * The production limits are kept except three, lowered so the attacks reach them within a test:
 * {@code ROOM_MAX_MEMBERS} 3 (production 1,000), {@code ROOMS_PER_USER_MAX} 6 (1,000) and
 * {@code ROOM_LIST_PAGE_MAX} 4 (100); what is checked is that each holds, not its size.
 */
@DisplayName("Security: room caps hold under concurrency, and the room list is paged")
class RoomLimitsAttackTest {
  static final int MAX_MEMBERS = 3;
  static final int ROOMS_PER_USER = 6;
  static final int PAGE = 4;

  @TempDir static Path dataDir;
  static PlatformFixture fx;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> settings = new java.util.HashMap<>(PlatformFixture.PRODUCTION_BURSTS);
    settings.put("ROOM_MAX_MEMBERS", String.valueOf(MAX_MEMBERS));
    settings.put("ROOMS_PER_USER_MAX", String.valueOf(ROOMS_PER_USER));
    settings.put("ROOM_LIST_PAGE_MAX", String.valueOf(PAGE));
    fx = new PlatformFixture(dataDir, settings);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @Test
  @DisplayName("12 concurrent adds to a room capped at 3 leave it with 3 members, the rest refused 409")
  void concurrentAdds() {
    Api.User owner = fx.newUser("owner");
    String roomId = fx.api.createRoom(owner, "Capped").getString("roomId");
    List<Api.User> joiners = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      joiners.add(fx.newUser("joiner"));
    }
    List<Future<HttpResponse<Buffer>>> adds = joiners.stream()
        .map(j -> fx.api.client.post("/api/v1/rooms/" + roomId + "/members").bearerTokenAuthentication(owner.token())
            .sendJson(new JsonObject().put("userId", j.userId())))
        .toList();
    Await.result(Future.join(adds).otherwiseEmpty());
    List<Integer> statuses = adds.stream().map(f -> f.result().statusCode()).toList();
    assertThat(statuses.stream().filter(s -> s == 204).count()).isEqualTo(MAX_MEMBERS - 1);
    assertThat(statuses.stream().filter(s -> s == 409).count()).isEqualTo(12 - (MAX_MEMBERS - 1));
    assertThat(fx.api.get("/api/v1/rooms/" + roomId, owner.token()).json().getJsonArray("members")).hasSize(MAX_MEMBERS);
  }

  @Test
  @DisplayName("a user in ROOMS_PER_USER_MAX rooms cannot create or be added to another; the list comes in pages, each room once")
  void roomsPerUserAndPages() {
    Api.User busy = fx.newUser("busy");
    Set<String> created = new HashSet<>();
    for (int i = 0; i < ROOMS_PER_USER; i++) {
      created.add(fx.api.createRoom(busy, "Room " + i).getString("roomId"));
    }
    Api.Response more = fx.api.post("/api/v1/rooms", busy.token(), new JsonObject().put("name", "One more").put("members", new JsonArray()));
    assertThat(more.status()).isEqualTo(409);
    assertThat(more.json().getJsonObject("error").getString("message")).contains("the most allowed");
    Api.User other = fx.newUser("other");
    String othersRoom = fx.api.createRoom(other, "Other's").getString("roomId");
    assertThat(fx.api.post("/api/v1/rooms/" + othersRoom + "/members", other.token(), new JsonObject().put("userId", busy.userId())).status())
        .isEqualTo(409);
    assertThat(fx.api.post("/api/v1/rooms/direct", other.token(), new JsonObject().put("userId", busy.userId())).status())
        .isEqualTo(409);

    List<String> listed = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      Api.Response page = fx.api.get("/api/v1/rooms" + (next == null ? "" : "?after=" + next), busy.token());
      assertThat(page.status()).isEqualTo(200);
      JsonArray rooms = page.json().getJsonArray("rooms");
      assertThat(rooms.size()).isLessThanOrEqualTo(PAGE);
      rooms.forEach(r -> listed.add(((JsonObject) r).getString("roomId")));
      next = page.json().getString("next");
      pages++;
    } while (next != null);
    assertThat(listed).containsExactlyInAnyOrderElementsOf(created);
    assertThat(pages).isEqualTo(2);
    assertThat(fx.api.get("/api/v1/rooms?limit=" + (PAGE + 1), busy.token()).status()).isEqualTo(400);
    assertThat(fx.api.get("/api/v1/rooms?limit=x", busy.token()).status()).isEqualTo(400);
    assertThat(fx.api.get("/api/v1/rooms?limit=2", busy.token()).json().getJsonArray("rooms")).hasSize(2);
  }
}
