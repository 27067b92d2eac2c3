package io.chatplatform.chat.domain;

import static io.chatplatform.chat.domain.RefreshTokensTest.hash;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.chat.store.MongoRefreshTokenStore;
import io.chatplatform.chat.store.MongoUserStore;
import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.Register;
import io.chatplatform.contracts.chat.ChatApi.SetDisabled;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Refresh tokens over the MongoDB store, on the embedded MongoDB-wire server. */
@DisplayName("Refresh tokens over MongoDB")
class RefreshTokensOnMongoTest {
  private static final Logger LOG = LoggerFactory.getLogger(RefreshTokensOnMongoTest.class);
  static final String COLLECTION = "refresh_tokens";

  final OnEmbeddedMongo db = new OnEmbeddedMongo();
  final MongoClient mongo = db.mongo;
  final MongoUserStore users = new MongoUserStore(mongo);
  final MongoRefreshTokenStore store = new MongoRefreshTokenStore(mongo);
  final ChatDomain memory = new ChatDomain();
  final RefreshTokens refresh =
      new RefreshTokens(store, users, ChatDomain.REFRESH_TTL_SECONDS, ChatDomain.REFRESH_FAMILIES_MAX, memory.now::get);
  final Accounts accounts =
      new Accounts(users, new PasswordHasher(ChatDomain.HASH_ITERATIONS), memory.inline, memory.events, refresh, Set.of("root"), 5,
          memory.now::get);

  @BeforeEach
  void prepare() {
    Await.result(users.createIndexes());
    Await.result(store.createIndexes());
  }

  @AfterEach
  void close() {
    db.close();
  }

  String user(String name) {
    return Await.result(accounts.register(new Register(name, "password-" + name, null))).userId();
  }

  JsonObject document(String name) {
    return Await.result(mongo.findOne(COLLECTION, new JsonObject().put("_id", hash(name)), null));
  }

  static ErrorCode code(Throwable failure) {
    return ((ServiceException) failure).code();
  }

  @Test
  @DisplayName("a token is stored as its hash with a BSON date for the TTL index, which the embedded server accepts")
  void storedForm() {
    String bob = user("bob");
    Await.result(refresh.issue(bob, hash("t1")));
    Await.result(refresh.rotate(hash("t1"), hash("t2")));

    JsonObject used = document("t1");
    assertThat(used.getString("userId")).isEqualTo(bob);
    assertThat(used.getString("replacedBy")).isEqualTo(hash("t2"));
    assertThat(used.getLong("usedAt")).isEqualTo(memory.now.get());
    assertThat(used.getJsonObject("expiresAt").getString("$date")).as("a date, as a TTL index needs").isNotBlank();
    assertThat(document("t2").getString("familyId")).isEqualTo(used.getString("familyId"));
    assertThat(document("t2").containsKey("usedAt")).isFalse();

    List<JsonObject> indexes = Await.result(mongo.listIndexes(COLLECTION)).stream().map(JsonObject.class::cast).toList();
    LOG.info("indexes of refresh_tokens on the embedded server: {}", indexes);
    assertThat(indexes).anySatisfy(index -> assertThat(index.getString("name")).isEqualTo("expiresAt_ttl"));
  }

  @Test
  @DisplayName("reuse of a used token revokes the family; logout revokes; disabling revokes every family")
  void reuseLogoutDisable() {
    String root = user("root");
    String bob = user("bob");
    Await.result(refresh.issue(bob, hash("a1")));
    Await.result(refresh.rotate(hash("a1"), hash("a2")));
    assertThat(code(Await.failure(refresh.rotate(hash("a1"), hash("x"))))).isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(document("a2").getBoolean("revoked")).isTrue();

    Await.result(refresh.issue(bob, hash("b1")));
    Await.result(refresh.revoke(hash("b1")));
    assertThat(code(Await.failure(refresh.rotate(hash("b1"), hash("y"))))).isEqualTo(ErrorCode.UNAUTHORIZED);

    Await.result(refresh.issue(bob, hash("c1")));
    Await.result(refresh.issue(bob, hash("d1")));
    Await.result(accounts.setDisabled(new SetDisabled(root, bob, true)));
    assertThat(document("c1").getBoolean("revoked")).isTrue();
    assertThat(document("d1").getBoolean("revoked")).isTrue();
  }

  @Test
  @DisplayName("twenty concurrent claims of one token: exactly one marks it used")
  void concurrentClaims() {
    String bob = user("bob");
    Await.result(refresh.issue(bob, hash("c1")));
    List<Future<Boolean>> claims = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      claims.add(store.claim(hash("c1"), hash("next-" + i), memory.now.get()));
    }
    Await.result(Future.all(claims));
    assertThat(claims.stream().filter(Future::result).count()).isEqualTo(1);
  }

  @Test
  @DisplayName("ten concurrent exchanges of one token: one is answered, the rest are reuses, and the family ends revoked")
  void concurrentRotations() {
    String bob = user("bob");
    Await.result(refresh.issue(bob, hash("r1")));
    List<Future<RefreshTokens.Grant>> exchanges = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      exchanges.add(refresh.rotate(hash("r1"), hash("tab-" + i)));
    }
    Await.result(Future.join(exchanges).otherwiseEmpty());
    assertThat(exchanges.stream().filter(Future::succeeded).count()).isEqualTo(1);
    assertThat(exchanges.stream().filter(Future::failed).map(f -> code(f.cause())).distinct()).containsExactly(ErrorCode.UNAUTHORIZED);
    List<JsonObject> family = Await.result(mongo.find(COLLECTION, new JsonObject().put("userId", bob)));
    assertThat(family).allSatisfy(doc -> assertThat(doc.getBoolean("revoked")).as(doc.getString("_id")).isTrue());
  }

  @Test
  @DisplayName("expired tokens are refused on read and deleted at the user's next login; the live ones stay")
  void expiry() {
    String bob = user("bob");
    Await.result(refresh.issue(bob, hash("old")));
    memory.now.addAndGet(ChatDomain.REFRESH_TTL_SECONDS * 1000 - 1);
    Await.result(refresh.issue(bob, hash("young")));
    memory.now.addAndGet(1);
    assertThat(code(Await.failure(refresh.rotate(hash("old"), hash("x"))))).isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(document("old")).as("refused, still stored").isNotNull();

    Await.result(refresh.issue(bob, hash("newest")));
    assertThat(document("old")).as("deleted at the next login").isNull();
    assertThat(Await.result(store.liveOf(bob, memory.now.get())).stream().map(RefreshToken::tokenHash))
        .containsExactlyInAnyOrder(hash("young"), hash("newest"));
  }

  @Test
  @DisplayName("beyond REFRESH_FAMILIES_PER_USER_MAX live logins, the least recently refreshed is revoked")
  void familiesCap() {
    String bob = user("bob");
    for (int i = 1; i <= ChatDomain.REFRESH_FAMILIES_MAX + 1; i++) {
      Await.result(refresh.issue(bob, hash("login-" + i)));
      memory.now.addAndGet(1_000);
    }
    assertThat(document("login-1").getBoolean("revoked")).isTrue();
    assertThat(Await.result(store.liveOf(bob, memory.now.get()))).hasSize(ChatDomain.REFRESH_FAMILIES_MAX);
  }
}
