package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attacks on a running platform, each asserting its refusal (docs/security.md lists them). The
 * platform runs with the production rate limits, not the lifted ones other tests use, except that
 * the send limit does not refill within a test (see {@link #start}).
 */
@DisplayName("Security: attacks on a running platform are refused")
class SecurityAttackTest {
  private static final Logger LOG = LoggerFactory.getLogger(SecurityAttackTest.class);

  static final String ADMIN = "security-admin";

  @TempDir static Path dataDir;
  static PlatformFixture fx;
  static String secret;
  static final String IDP = "https://idp.example.test/";
  static KeyPair idpKeys;

  @BeforeAll
  static void start() throws Exception {
    // Put the defaults back (the fixture lifts them for the other tests); sign-ups per address
    // stay lifted, as every test user comes from 127.0.0.1, and have their own attack below.
    Map<String, String> production = new HashMap<>(PlatformFixture.PRODUCTION_BURSTS);
    // Lowered from 5 a second to one token per 1,000 s, which no test here lives to see: a user's
    // sends are then exactly the burst of 30, however fast or slow a flood runs (messageFlood).
    production.put("RATE_LIMIT_SEND_PER_SECOND", "0.001");
    production.put("ADMIN_USERNAMES", ADMIN);
    // An external identity provider's RS256 key, as a team with its own IdP configures it.
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    idpKeys = rsa.generateKeyPair();
    Path pem = dataDir.resolve("idp-public.pem");
    Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(idpKeys.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n");
    production.put("JWT_EXTERNAL_ISSUER", IDP);
    production.put("JWT_EXTERNAL_AUDIENCE", "chat-platform");
    production.put("JWT_EXTERNAL_PUBLIC_KEY_FILES", "RS256:" + pem);
    fx = new PlatformFixture(dataDir, production);
    secret = Files.readString(dataDir.resolve(EmbeddedPlatform.SECRET_FILE)).trim();
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  // ---- tokens ---------------------------------------------------------------------------------

  static String base64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static String hs256(String header, JsonObject claims, String key) throws Exception {
    String signingInput = base64(header) + "." + base64(claims.encode());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  static JsonObject claims(Api.User user) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("sub", user.userId()).put("username", user.username()).put("roles", new JsonArray().add("user"))
        .put("iss", "chat-platform").put("iat", now).put("exp", now + 600);
  }

  /** The token is refused over REST (401) and at the socket (4401). */
  static void refused(String token, String why) {
    assertThat(fx.api.get("/api/v1/me", token).status()).as(why + " over REST").isEqualTo(401);
    try (SocketClient socket = SocketClient.connect(fx.clientVertx, fx.port(), "access_token=" + token)) {
      assertThat(socket.awaitClose()).as(why + " at the socket").isEqualTo((short) 4401);
    }
  }

  @Test
  @DisplayName("forged tokens are refused: alg none, tampered claims, expired, wrong issuer, wrong key")
  void forgedTokens() throws Exception {
    Api.User mallory = fx.newUser("mallory");
    Api.User victim = fx.newUser("victim");
    String hs = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    String genuine = hs256(hs, claims(mallory), secret);
    assertThat(fx.api.get("/api/v1/me", genuine).status()).as("a correctly made token works, so the refusals below can fail").isEqualTo(200);

    refused(base64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + base64(claims(victim).encode()) + ".", "alg none");
    String[] parts = genuine.split("\\.");
    refused(parts[0] + "." + base64(claims(mallory).put("sub", victim.userId()).encode()) + "." + parts[2], "claims swapped under a valid signature");
    refused(parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 2) + (parts[2].endsWith("AA") ? "BB" : "AA"), "tampered signature");
    refused(hs256(hs, claims(mallory).put("exp", System.currentTimeMillis() / 1000 - 60), secret), "expired");
    refused(hs256(hs, claims(mallory).put("iss", "someone-else"), secret), "wrong issuer");
    refused(hs256(hs, claims(mallory), "a-guess-at-the-secret-a-guess-at-the-secret"), "signed with another key");
    refused(hs256("{\"alg\":\"HS512\",\"typ\":\"JWT\"}", claims(mallory), secret), "another algorithm than the pinned one");
  }

  @Test
  @DisplayName("disabling an account closes its live socket and refuses its token, tickets and logins; only admins may")
  void disabledAccount() {
    Api.User admin = fx.api.register(ADMIN);
    Api.User victim = fx.newUser("disabled");
    Api.User peer = fx.newUser("peer");
    String ticket = fx.api.ticket(victim);
    try (SocketClient live = fx.readySocket(victim)) {
      Api.Response notAdmin = fx.api.call(io.vertx.core.http.HttpMethod.PUT, "/api/v1/admin/users/" + victim.userId() + "/disabled",
          peer.token(), new JsonObject().put("disabled", true));
      assertThat(notAdmin.status()).isEqualTo(403);

      Api.Response disabled = fx.api.call(io.vertx.core.http.HttpMethod.PUT, "/api/v1/admin/users/" + victim.userId() + "/disabled",
          admin.token(), new JsonObject().put("disabled", true));
      assertThat(disabled.status()).isEqualTo(200);
      assertThat(live.awaitClose()).isEqualTo((short) 4403);
      assertThat(live.closeReason()).contains("disabled");
    }
    assertThat(fx.api.get("/api/v1/me", victim.token()).status()).isEqualTo(401);
    try (SocketClient again = SocketClient.connect(fx.clientVertx, fx.port(), "ticket=" + ticket)) {
      assertThat(again.awaitClose()).isEqualTo((short) 4401);
    }
    // One answer whatever the password: a disabled account is no oracle for its password.
    assertThat(login(fx.api, victim.username(), "correct-horse").status()).isEqualTo(403);
    assertThat(login(fx.api, victim.username(), "a-wrong-guess").status()).isEqualTo(403);

    fx.api.call(io.vertx.core.http.HttpMethod.PUT, "/api/v1/admin/users/" + victim.userId() + "/disabled",
        admin.token(), new JsonObject().put("disabled", false));
    Await.until("the gateway to hear of the re-enabled account", java.time.Duration.ofSeconds(10),
        () -> fx.api.get("/api/v1/me", victim.token()).status() == 200);
    assertThat(fx.api.login(victim.username()).token()).isNotEmpty();
  }

  static String rs256(JsonObject claims, PrivateKey key) throws Exception {
    String signingInput = base64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + base64(claims.encode());
    Signature signature = Signature.getInstance("SHA256withRSA");
    signature.initSign(key);
    signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
  }

  @Test
  @DisplayName("external tokens: the IdP's RS256 token works; HS256 keyed with its public key, a wrong audience or issuer are refused")
  void externalTokens() throws Exception {
    Api.User user = fx.newUser("idp");
    long now = System.currentTimeMillis() / 1000;
    JsonObject idp = new JsonObject().put("sub", user.userId()).put("iss", IDP).put("aud", "chat-platform").put("iat", now).put("exp", now + 600);
    assertThat(fx.api.get("/api/v1/me", rs256(idp, idpKeys.getPrivate())).status()).as("the genuine external token works").isEqualTo(200);

    String publicPem = Files.readString(dataDir.resolve("idp-public.pem"));
    refused(hs256("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", idp, publicPem), "HS256 signed with the RS256 public key (key confusion)");
    refused(rs256(idp.copy().put("aud", "another-service"), idpKeys.getPrivate()), "wrong audience");
    refused(rs256(idp.copy().put("iss", "https://evil.example/"), idpKeys.getPrivate()), "wrong issuer");
    refused(rs256(idp.copy().put("exp", now - 60), idpKeys.getPrivate()), "expired");
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    refused(rs256(idp, rsa.generateKeyPair().getPrivate()), "signed by another key");
  }

  @Test
  @DisplayName("a ticket works once; the cluster map holds no redeemable ticket, and an entry written into it is refused")
  void reusedTicket() {
    Api.User user = fx.newUser("ticket");
    Api.User victim = fx.newUser("forged");
    String ticket = fx.api.ticket(user);
    io.vertx.core.shareddata.AsyncMap<String, String> map =
        Await.result(fx.platform.node().vertx().sharedData().<String, String>getAsyncMap("gateway.tickets"));
    assertThat(Await.result(map.get(ticket))).as("the map is not keyed by the ticket itself").isNull();
    // A member of the cluster writes its own "ticket" for the victim, in the stored form.
    String forged = "forged-ticket-0123456789abcdef0123456789";
    String content = new JsonObject().put("userId", victim.userId()).put("username", victim.username())
        .put("roles", new JsonArray().add("user")).put("expiresAt", System.currentTimeMillis() + 60_000).encode();
    Await.result(map.put(forged, content));
    Await.result(map.put(forged, content + "\n" + "not-a-valid-mac"));
    try (SocketClient forgery = SocketClient.connect(fx.clientVertx, fx.port(), "ticket=" + forged)) {
      assertThat(forgery.awaitClose()).isEqualTo((short) 4401);
    }
    try (SocketClient first = SocketClient.connect(fx.clientVertx, fx.port(), "ticket=" + ticket)) {
      assertThat(first.ask("chat.sync", new JsonObject().put("rooms", new JsonObject())).containsKey("rooms")).isTrue();
      try (SocketClient again = SocketClient.connect(fx.clientVertx, fx.port(), "ticket=" + ticket)) {
        assertThat(again.awaitClose()).isEqualTo((short) 4401);
      }
    }
  }

  // ---- the socket's allow-list ----------------------------------------------------------------

  @Test
  @DisplayName("a socket cannot register another user's inbox, reach an internal address, or aim its replies elsewhere")
  void socketAllowList() {
    Api.User alice = fx.newUser("al");
    Api.User bob = fx.newUser("bo");
    JsonObject room = fx.api.post("/api/v1/rooms/direct", alice.token(), new JsonObject().put("userId", bob.userId())).json();
    try (SocketClient a = fx.readySocket(alice); SocketClient b = fx.readySocket(bob)) {
      a.register("user." + bob.userId());
      JsonObject refused = a.awaitErr();
      assertThat(refused.getString("message")).startsWith("access_denied: you may register only your own inbox");

      for (String internal : List.of("svc.chat.messages.send", "svc.history.append", "svc.presence.connect", "fanout.users", "user." + bob.userId())) {
        JsonObject err = a.request(internal, new JsonObject().put("roomId", room.getString("roomId")));
        assertThat(err.getString("type")).as(internal).isEqualTo("err");
        assertThat(err.getString("message")).as(internal).startsWith("access_denied: address not allowed");
      }

      // A reply address naming bob's inbox: the reply still goes to alice's socket only.
      a.write(new JsonObject().put("type", "send").put("address", "chat.sync").put("replyAddress", "user." + bob.userId())
          .put("body", new JsonObject().put("rooms", new JsonObject())));
      JsonObject reply = a.awaitFrame(f -> "rec".equals(f.getString("type")) && f.getJsonObject("body").containsKey("rooms"), Await.TIMEOUT);
      assertThat(reply.getString("address")).isEqualTo("user." + bob.userId());
      // A message after it proves bob's socket saw everything meant for him by then, and nothing more.
      a.ask("chat.send", PlatformEndToEndTest.send(room, "marker", "marker"));
      b.awaitEvent("message");
      assertThat(b.drain()).noneMatch(f -> f.getJsonObject("body") != null && f.getJsonObject("body").containsKey("rooms"));

      JsonObject badReply = a.request("chat.sync", new JsonObject().put("rooms", new JsonObject()));
      assertThat(badReply.getString("type")).isEqualTo("rec");
      a.write(new JsonObject().put("type", "send").put("address", "chat.sync").put("replyAddress", new JsonObject().put("$gt", ""))
          .put("body", new JsonObject().put("rooms", new JsonObject())));
      assertThat(a.awaitErr().getString("message")).startsWith("bad_request: replyAddress");
    }
  }

  // ---- other rooms ----------------------------------------------------------------------------

  @Test
  @DisplayName("another room's history, members and receipts answer 404, exactly like a missing room")
  void otherRooms() {
    Api.User owner = fx.newUser("own");
    Api.User eve = fx.newUser("eve");
    JsonObject room = fx.api.createRoom(owner, "private");
    String id = room.getString("roomId");
    fx.api.post("/api/v1/rooms/" + id + "/messages", owner.token(), new JsonObject().put("clientMsgId", "s1").put("text", "secret"));
    for (String path : List.of("/api/v1/rooms/" + id, "/api/v1/rooms/" + id + "/messages", "/api/v1/rooms/" + id + "/receipts")) {
      Api.Response theirs = fx.api.get(path, eve.token());
      Api.Response missing = fx.api.get(path.replace(id, "r_doesnotexist"), eve.token());
      assertThat(theirs.status()).as(path).isEqualTo(404);
      assertThat(theirs.json()).as(path + " tells nothing more than a missing room").isEqualTo(missing.json());
    }
    assertThat(fx.api.post("/api/v1/rooms/" + id + "/members", eve.token(), new JsonObject().put("userId", eve.userId())).status()).isEqualTo(404);
    try (SocketClient e = fx.readySocket(eve)) {
      JsonObject sync = e.ask("chat.sync", new JsonObject().put("rooms", new JsonObject().put(id, 0)));
      assertThat(sync.getJsonObject("rooms")).isEmpty();
      assertThat(e.request("chat.send", PlatformEndToEndTest.send(room, "x", "hi")).getInteger("failureCode")).isEqualTo(404);
      assertThat(e.request("chat.receipt", new JsonObject().put("roomId", id).put("seq", 1).put("kind", "read")).getInteger("failureCode")).isEqualTo(404);
      assertThat(e.request("chat.typing", new JsonObject().put("roomId", id).put("typing", true)).getInteger("failureCode")).isEqualTo(404);
    }
  }

  // ---- malformed and oversized input ----------------------------------------------------------

  @Test
  @DisplayName("an oversized frame closes the socket with 1009 and the platform serves on")
  void oversizedFrame() {
    Api.User user = fx.newUser("big");
    try (SocketClient socket = fx.readySocket(user)) {
      socket.writeBinary(Buffer.buffer(new byte[70 * 1024]));
      assertThat(socket.awaitClose()).isEqualTo((short) 1009);
      assertThat(socket.drain()).anySatisfy(f -> assertThat(f.getString("message", "")).startsWith("payload_too_large"));
    }
    try (SocketClient socket = fx.readySocket(user)) {
      socket.writeBinary(Buffer.buffer(new byte[1024 * 1024]));
      assertThat(socket.awaitClose()).as("far over the limit, cut off by the WebSocket decoder").isEqualTo((short) 1009);
    }
    try (SocketClient next = fx.readySocket(user)) {
      assertThat(next.ask("chat.sync", new JsonObject().put("rooms", new JsonObject())).containsKey("rooms")).isTrue();
    }
  }

  /** Frames the production limits let through on a fresh socket before refusing: the frame burst. */
  static final int FRAME_BURST = 100;
  /** Refusals a socket collects before it is closed as a flooder: the refusal burst. */
  static final int REFUSAL_BURST = 50;

  @Test
  @DisplayName("10,000 malformed frames on one socket: answered until the frame limit, refused, the flooder closed and forgotten, the platform serving on")
  void malformedFrameFlood() {
    Api.User user = fx.newUser("junk");
    awaitNoOpenSockets("the earlier tests' sockets to be forgotten");
    int sent = 0;
    try (SocketClient socket = fx.readySocket(user)) {
      while (sent < 10_000 && socket.tryWrite(sent % 3 == 0 ? "{not json" : sent % 3 == 1 ? "[1,2,3]" : "{\"type\":42}")) {
        sent++;
      }
      LOG.info("malformed frames written before the server closed the socket: {}", sent);
      assertThat(socket.awaitClose()).as("closed as a flooder").isEqualTo((short) 1008);
      List<String> answers = socket.drain().stream().map(f -> f.getString("type") + " " + f.getString("message", "")).toList();
      // What the socket may cost is bounded by its limits, not by how much it sends: each frame is
      // answered at most once, the answers stop at the refusal limit, and then the socket is closed.
      assertThat(answers.size()).as("answers, at most one per frame sent").isLessThanOrEqualTo(sent);
      // readySocket spent 2 of the frame burst (register, sync); refills only add to it.
      assertThat(answers.subList(0, FRAME_BURST - 2)).as("the frame burst, each answered")
          .allSatisfy(a -> assertThat(a).startsWith("err bad_request: a frame"));
      assertThat(answers).as("every answer a bad_request, a frame-rate refusal or, last, the close's reason")
          .allSatisfy(a -> assertThat(a).matches("err (bad_request: a frame|rate_limited: too many frames on this socket|rate_limited: flooding).*"));
      assertThat(answers).filteredOn(a -> a.startsWith("err rate_limited: too many frames")).as("refusals before the close")
          .hasSizeGreaterThanOrEqualTo(REFUSAL_BURST);
      assertThat(answers).filteredOn(a -> a.startsWith("err rate_limited: flooding")).hasSize(1);
      assertThat(answers).last().asString().startsWith("err rate_limited: flooding");
    }
    awaitNoOpenSockets("the gateway to forget the flooder's socket");
    try (SocketClient next = fx.readySocket(user)) {
      assertThat(next.ask("chat.sync", new JsonObject().put("rooms", new JsonObject())).containsKey("rooms")).isTrue();
    }
  }

  /** Waits until the gateway holds no socket: every test here closes the sockets it opens. */
  static void awaitNoOpenSockets(String what) {
    Await.until(what, Await.TIMEOUT, () -> fx.platform.gateway().openSessions() == 0);
  }

  // ---- floods and guessing --------------------------------------------------------------------

  @Test
  @DisplayName("a message flood stores exactly the send burst, the rest refused with rate_limited, then the socket is closed; other users are unaffected")
  void messageFlood() {
    int sendBurst = 30;
    Api.User flooder = fx.newUser("flood");
    Api.User bystander = fx.newUser("calm");
    JsonObject room = fx.api.post("/api/v1/rooms/direct", flooder.token(), new JsonObject().put("userId", bystander.userId())).json();
    String roomId = room.getString("roomId");
    int sent = 0;
    try (SocketClient socket = fx.readySocket(flooder)) {
      while (sent < 500) {
        String frame = new JsonObject().put("type", "send").put("address", "chat.send").put("replyAddress", "r" + sent)
            .put("body", PlatformEndToEndTest.send(room, "f" + sent, "spam " + sent)).encode();
        if (!socket.tryWrite(frame)) {
          break;
        }
        sent++;
      }
      assertThat(socket.awaitClose()).isEqualTo((short) 1008);
      List<JsonObject> frames = socket.drain();
      // The first 30 sends take the burst; every later one is refused (the limit does not refill
      // here), and the refusals close the socket once they pass the refusal burst.
      // Replies and refusals go to the frames' reply addresses; the socket's inbox also hears the
      // stored messages as events.
      List<JsonObject> replies = frames.stream().filter(f -> "rec".equals(f.getString("type")) && !f.getString("address").startsWith("user.")).toList();
      assertThat(replies).as("replies to stored sends (those still in flight at the close are not written)")
          .allSatisfy(f -> assertThat(index(f.getString("address"))).isLessThan(sendBurst));
      List<JsonObject> refusals = frames.stream().filter(f -> f.getString("address") != null && "err".equals(f.getString("type"))).toList();
      assertThat(refusals).as("refusals of sends").hasSizeGreaterThanOrEqualTo(REFUSAL_BURST)
          .allSatisfy(f -> {
            assertThat(f.getString("message")).startsWith("rate_limited: too many chat.send");
            assertThat(index(f.getString("address"))).isGreaterThanOrEqualTo(sendBurst);
          });
      assertThat(frames).as("the close's reason, last").last()
          .satisfies(f -> assertThat(f.getString("message")).startsWith("rate_limited: flooding"));
      assertThat(replies.size() + refusals.size() + 1).as("answers, at most one per frame sent").isLessThanOrEqualTo(sent);
    }
    Await.until("the admitted sends to be stored", Await.TIMEOUT,
        () -> fx.api.get("/api/v1/rooms/" + roomId, bystander.token()).json().getLong("lastSeq") >= sendBurst);
    try (SocketClient calm = fx.readySocket(bystander)) {
      assertThat(calm.ask("chat.send", PlatformEndToEndTest.send(room, "ok", "still fine")).getLong("seq"))
          .as("the bystander's message follows exactly the burst").isEqualTo(sendBurst + 1L);
    }
    JsonArray stored = fx.api.get("/api/v1/rooms/" + roomId + "/messages?limit=100", bystander.token()).json().getJsonArray("messages");
    List<String> flood = new ArrayList<>();
    for (int i = 0; i < sendBurst; i++) {
      flood.add("f" + i);
    }
    flood.add("ok");
    assertThat(stored.stream().map(m -> ((JsonObject) m).getString("clientMsgId")).toList())
        .as("stored: the first 30 of the flood and the bystander's").containsExactlyInAnyOrderElementsOf(flood);
  }

  /** The number in a flood frame's reply address, {@code r<n>}. */
  static int index(String replyAddress) {
    assertThat(replyAddress).matches("r[0-9]+");
    return Integer.parseInt(replyAddress.substring(1));
  }

  @Test
  @DisplayName("REST writes over the limit get 429 with Retry-After")
  void restWriteFlood() {
    Api.User writer = fx.newUser("writer");
    Api.Response last = null;
    // Burst 30, refilling 3/s: however slow the machine, 200 writes outrun the refill.
    for (int i = 0; i < 200; i++) {
      last = fx.api.post("/api/v1/rooms", writer.token(), new JsonObject().put("name", "r" + i));
      if (last.status() == 429) {
        break;
      }
    }
    assertThat(last.status()).isEqualTo(429);
    assertThat(last.errorCode()).isEqualTo("rate_limited");
    assertThat(Integer.parseInt(last.raw().getHeader("Retry-After"))).isPositive();
  }

  static Api.Response login(Api from, String username, String password) {
    return from.post("/api/v1/auth/login", null, new JsonObject().put("username", username).put("password", password));
  }

  @Test
  @DisplayName("wrong passwords lock the guessing address out, not the owner elsewhere; guesses from many addresses slow the username down")
  void passwordGuessing() {
    Api.User target = fx.newUser("target");
    Api.User other = fx.newUser("other");
    int unauthorized = 0;
    int limited = 0;
    for (int i = 0; i < 50; i++) {
      int status = login(fx.api, target.username(), "guess-" + i).status();
      unauthorized += status == 401 ? 1 : 0;
      limited += status == 429 ? 1 : 0;
    }
    assertThat(unauthorized).as("guesses checked before the lock-out").isEqualTo(10);
    assertThat(limited).isEqualTo(40);
    Api.Response right = login(fx.api, target.username(), "correct-horse");
    assertThat(right.status()).as("the guessing address is locked out even with the right password").isEqualTo(429);
    assertThat(right.raw().getHeader("Retry-After")).isNotNull();
    assertThat(login(fx.api, other.username(), "correct-horse").status()).as("another user is unaffected").isEqualTo(200);

    // The owner, from another address, is not locked out by someone else's guesses.
    try (Api owner = new Api(fx.clientVertx, fx.port(), "127.0.0.2")) {
      assertThat(login(owner, target.username(), "correct-horse").status()).as("the owner from another address").isEqualTo(200);
    }

    // Guesses spread over addresses: each address has its own 10 before it is locked out; once
    // the username's 50 from anywhere are spent, every login of it is slowed, not refused.
    int spread = 0;
    for (int address = 3; spread < 40; address++) {
      try (Api guesser = new Api(fx.clientVertx, fx.port(), "127.0.0." + address)) {
        for (int i = 0; i < 10; i++) {
          assertThat(login(guesser, target.username(), "spread-" + i).status()).isEqualTo(401);
          spread++;
        }
      }
    }
    try (Api owner = new Api(fx.clientVertx, fx.port(), "127.0.0.2")) {
      long start = System.nanoTime();
      Api.Response slowed = login(owner, target.username(), "correct-horse");
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      LOG.info("login of a username under a spread attack took {} ms (LOGIN_SLOWDOWN_MS default 2000)", tookMs);
      assertThat(slowed.status()).as("the right password still works under a spread attack").isEqualTo(200);
      assertThat(tookMs).as("but only after the slow-down (a lower bound: a timer cannot fire early)").isGreaterThanOrEqualTo(2_000);
    }
  }

  // ---- names and text that hide, reorder or pass for something else --------------------------

  static Api.Response registerAs(String username, String displayName) {
    return fx.api.post("/api/v1/auth/register", null,
        new JsonObject().put("username", username).put("password", "correct-horse").put("displayName", displayName));
  }

  @Test
  @DisplayName("names with bidi overrides, zero-width or only invisible characters, and copies of another's name, are refused")
  void deceptiveNames() {
    Api.User victim = fx.newUser("victim");
    int n = 0;
    for (String hidden : new String[] {"admin\u202Egnp.exe", "ali\u200Bce", "\u3164", "\u200B\u200B", "\u2066x\u2069"}) {
      Api.Response r = registerAs("deceiver-" + ProcessHandle.current().pid() % 1000 + "-" + n++, hidden);
      assertThat(r.status()).as(hidden).isEqualTo(400);
      assertThat(r.json().getJsonObject("error").getString("message")).startsWith("displayName must");
    }
    // Direct rooms are titled by display name: another's username, in any case or script, is taken.
    String copy = victim.username().toUpperCase().replace('A', '\u0410'); // Cyrillic capital A
    Api.Response impostor = registerAs("impostor-" + ProcessHandle.current().pid() % 1000, copy);
    assertThat(impostor.status()).isEqualTo(409);
    assertThat(impostor.errorCode()).isEqualTo("conflict");

    Api.User owner = fx.newUser("namer");
    for (String hidden : new String[] {"\u200B", "Team\u202E", "\u2800\u2800"}) {
      Api.Response r = fx.api.post("/api/v1/rooms", owner.token(), new JsonObject().put("name", hidden).put("members", new JsonArray()));
      assertThat(r.status()).as(hidden).isEqualTo(400);
    }
    assertThat(fx.api.post("/api/v1/rooms", owner.token(), new JsonObject().put("name", "Zoë's 👨\u200D👩\u200D👧 room")
        .put("members", new JsonArray())).status()).as("emoji joiners and accents pass").isEqualTo(201);
  }

  @Test
  @DisplayName("a message of invisible characters only, or with a lone surrogate, is refused and nothing is stored")
  void invisibleAndBrokenText() {
    Api.User alice = fx.newUser("texter");
    String roomId = fx.api.createRoom(alice, "Text").getString("roomId");
    try (SocketClient socket = fx.readySocket(alice)) {
      for (String bad : new String[] {"\u200B\u2060\uFEFF", "\u3164", "\u2800 \u2800"}) {
        JsonObject reply = socket.request("chat.send", new JsonObject().put("roomId", roomId).put("clientMsgId", "inv-" + bad.length()).put("text", bad));
        assertThat(reply.getString("type")).as(bad).isEqualTo("err");
        assertThat(reply.getString("message")).startsWith("bad_request");
      }
      // The JSON escape of a lone high surrogate, as a client would write it.
      String replyAddress = "reply.lone";
      socket.write("{\"type\":\"send\",\"address\":\"chat.send\",\"replyAddress\":\"" + replyAddress
          + "\",\"body\":{\"roomId\":\"" + roomId + "\",\"clientMsgId\":\"lone-1\",\"text\":\"x\\uD800y\"}}");
      JsonObject lone = socket.awaitFrame(f -> replyAddress.equals(f.getString("address")), Await.TIMEOUT);
      assertThat(lone.getString("type")).isEqualTo("err");
      assertThat(lone.getString("message")).contains("surrogate");
    }
    Api.Response rest = fx.api.call(io.vertx.core.http.HttpMethod.POST, "/api/v1/rooms/" + roomId + "/messages", alice.token(),
        Buffer.buffer("{\"clientMsgId\":\"lone-2\",\"text\":\"\\uDC00\"}"));
    assertThat(rest.status()).isEqualTo(400);
    assertThat(fx.api.get("/api/v1/rooms/" + roomId + "/messages", alice.token()).json().getJsonArray("messages")).isEmpty();
  }

  // ---- operator injection ---------------------------------------------------------------------

  @Test
  @DisplayName("a MongoDB operator in any body field that reaches a query is refused with 400 before any service sees it")
  void operatorInjection() {
    Api.User user = fx.newUser("inj");
    Api.User peer = fx.newUser("peer");
    JsonObject room = fx.api.post("/api/v1/rooms/direct", user.token(), new JsonObject().put("userId", peer.userId())).json();
    String roomId = room.getString("roomId");
    JsonObject gt = new JsonObject().put("$gt", "");
    JsonObject where = new JsonObject().put("$where", "sleep(1000)");

    Map<String, Object[]> rest = new HashMap<>();
    rest.put("/api/v1/auth/register username", new Object[] {"/api/v1/auth/register", null, new JsonObject().put("username", gt).put("password", "long-enough-pw")});
    rest.put("/api/v1/auth/login username", new Object[] {"/api/v1/auth/login", null, new JsonObject().put("username", new JsonObject().put("$ne", "x")).put("password", "correct-horse")});
    rest.put("/api/v1/auth/login password", new Object[] {"/api/v1/auth/login", null, new JsonObject().put("username", user.username()).put("password", gt)});
    rest.put("/api/v1/rooms/direct userId", new Object[] {"/api/v1/rooms/direct", user.token(), new JsonObject().put("userId", gt)});
    rest.put("/api/v1/rooms members", new Object[] {"/api/v1/rooms", user.token(), new JsonObject().put("name", "x").put("members", new JsonArray().add(gt))});
    rest.put("/api/v1/rooms name", new Object[] {"/api/v1/rooms", user.token(), new JsonObject().put("name", where)});
    rest.put("members userId", new Object[] {"/api/v1/rooms/" + roomId + "/members", user.token(), new JsonObject().put("userId", gt)});
    rest.put("messages clientMsgId", new Object[] {"/api/v1/rooms/" + roomId + "/messages", user.token(), new JsonObject().put("clientMsgId", gt).put("text", "x")});
    rest.put("messages replyTo", new Object[] {"/api/v1/rooms/" + roomId + "/messages", user.token(), new JsonObject().put("clientMsgId", "c1").put("text", "x").put("replyTo", gt)});
    rest.put("messages attachments", new Object[] {"/api/v1/rooms/" + roomId + "/messages", user.token(), new JsonObject().put("clientMsgId", "c2").put("text", "x").put("attachments", new JsonArray().add(where))});
    rest.put("rooms/direct id with $", new Object[] {"/api/v1/rooms/direct", user.token(), new JsonObject().put("userId", "$where")});
    rest.forEach((what, call) -> {
      Api.Response r = fx.api.post((String) call[0], (String) call[1], call[2]);
      assertThat(r.status()).as(what).isEqualTo(400);
      assertThat(r.errorCode()).as(what).isEqualTo("bad_request");
    });

    for (String query : List.of(
        "/api/v1/rooms/" + roomId + "/messages?before=%7B%22%24gt%22%3A0%7D", "/api/v1/presence?userIds=%24gt")) {
      assertThat(fx.api.get(query, user.token()).status()).as(query).isEqualTo(400);
    }
    // The user search takes any text, quoted into its pattern: a regex or an operator finds only
    // users whose names start with those very characters (none here), never everyone.
    for (String query : List.of("/api/v1/users?query=.*", "/api/v1/users?query=%24where", "/api/v1/users?query=%5E")) {
      Api.Response r = fx.api.get(query, user.token());
      assertThat(r.status()).as(query).isEqualTo(200);
      assertThat(r.json().getJsonArray("users")).as(query).isEmpty();
    }

    try (SocketClient socket = fx.readySocket(user)) {
      Map<String, JsonObject> bodies = new HashMap<>();
      bodies.put("chat.send roomId", new JsonObject().put("roomId", gt).put("clientMsgId", "s1").put("text", "x"));
      bodies.put("chat.send clientMsgId", new JsonObject().put("roomId", roomId).put("clientMsgId", gt).put("text", "x"));
      bodies.put("chat.sync key", new JsonObject().put("rooms", new JsonObject().put("$where", 0)));
      bodies.put("chat.sync value", new JsonObject().put("rooms", new JsonObject().put(roomId, gt)));
      bodies.put("chat.receipt roomId", new JsonObject().put("roomId", gt).put("seq", 1).put("kind", "read"));
      bodies.put("chat.receipt seq", new JsonObject().put("roomId", roomId).put("seq", gt).put("kind", "read"));
      bodies.put("chat.typing roomId", new JsonObject().put("roomId", where).put("typing", true));
      bodies.put("presence.set status", new JsonObject().put("status", gt));
      bodies.forEach((what, body) -> {
        JsonObject err = socket.request(what.substring(0, what.indexOf(' ')), body);
        assertThat(err.getString("type")).as(what).isEqualTo("err");
        assertThat(err.getInteger("failureCode")).as(what).isEqualTo(400);
      });
    }
    assertThat(fx.api.get("/api/v1/rooms/" + roomId, user.token()).json().getLong("lastSeq")).as("nothing was stored").isZero();
  }
}
