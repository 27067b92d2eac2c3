package io.chatplatform.chat.domain;

import static io.chatplatform.chat.domain.ChatDomain.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.SetDisabled;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Refresh tokens over the in-memory store; the hashes stand for tokens the gateway minted. */
@DisplayName("Refresh tokens")
class RefreshTokensTest {
  final ChatDomain chat = new ChatDomain();
  final RefreshTokens refresh = chat.refreshTokens;

  /** A token hash as the gateway sends it: base64url SHA-256, here of a name. */
  static String hash(String name) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void refused(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  RefreshToken stored(String name) {
    return chat.refreshStore.byHash.get(hash(name));
  }

  @Test
  @DisplayName("a login's token is exchanged once for its successor in the same family, which lives the full lifetime from then")
  void rotation() {
    String bob = chat.user("bob");
    RefreshTokens.Grant login = result(refresh.issue(bob, hash("t1")));
    assertThat(login.user().userId()).isEqualTo(bob);
    assertThat(login.expiresIn()).isEqualTo(ChatDomain.REFRESH_TTL_SECONDS);

    chat.now.addAndGet(60_000);
    RefreshTokens.Grant exchanged = result(refresh.rotate(hash("t1"), hash("t2")));
    assertThat(exchanged.user().username()).isEqualTo("bob");
    assertThat(exchanged.user().roles()).containsExactly(User.ROLE_USER);
    assertThat(stored("t1").used()).isTrue();
    assertThat(stored("t1").replacedBy()).isEqualTo(hash("t2"));
    assertThat(stored("t2").familyId()).isEqualTo(stored("t1").familyId());
    assertThat(stored("t2").expiresAt()).as("sliding: from the exchange").isEqualTo(chat.now.get() + ChatDomain.REFRESH_TTL_SECONDS * 1000);
    assertThat(chat.refreshStore.byHash).as("hashes only: no token is stored").containsOnlyKeys(hash("t1"), hash("t2"));

    result(refresh.rotate(hash("t2"), hash("t3")));
    assertThat(stored("t3").liveAt(chat.now.get())).isTrue();
  }

  @Test
  @DisplayName("presenting a used token revokes its whole family, the newest token included; another login of the user lives on")
  void reuseRevokesTheFamily() {
    String bob = chat.user("bob");
    result(refresh.issue(bob, hash("laptop-1")));
    result(refresh.issue(bob, hash("phone-1")));
    result(refresh.rotate(hash("laptop-1"), hash("laptop-2")));
    result(refresh.rotate(hash("laptop-2"), hash("laptop-3")));

    // laptop-1 was stolen and is replayed (or the thief used it first, and bob's client replays it).
    assertThatThrownBy(() -> result(refresh.rotate(hash("laptop-1"), hash("thief-2"))))
        .isInstanceOfSatisfying(ServiceException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
          assertThat(e.getMessage()).isEqualTo("refresh token already used: this login is revoked, log in again");
        });
    assertThat(chat.refreshStore.byHash).doesNotContainKey(hash("thief-2"));
    assertThat(stored("laptop-3").revoked()).isTrue();
    refused(() -> result(refresh.rotate(hash("laptop-3"), hash("laptop-4"))), ErrorCode.UNAUTHORIZED);

    assertThat(result(refresh.rotate(hash("phone-1"), hash("phone-2"))).user().userId()).isEqualTo(bob);
  }

  @Test
  @DisplayName("an expired token is refused, a token refreshed before its expiry slides on, an unknown one is refused")
  void expiry() {
    String bob = chat.user("bob");
    result(refresh.issue(bob, hash("a1")));
    result(refresh.issue(bob, hash("b1")));
    long lifetime = ChatDomain.REFRESH_TTL_SECONDS * 1000;

    chat.now.addAndGet(lifetime - 1);
    result(refresh.rotate(hash("a1"), hash("a2")));
    chat.now.addAndGet(1);
    refused(() -> result(refresh.rotate(hash("b1"), hash("b2"))), ErrorCode.UNAUTHORIZED);
    chat.now.addAndGet(lifetime - 2);
    result(refresh.rotate(hash("a2"), hash("a3")));

    refused(() -> result(refresh.rotate(hash("never-issued"), hash("x"))), ErrorCode.UNAUTHORIZED);
  }

  @Test
  @DisplayName("the user's expired tokens are deleted at their next login (the embedded store has no TTL index)")
  void expiredTokensCleaned() {
    String bob = chat.user("bob");
    String carol = chat.user("carol");
    result(refresh.issue(bob, hash("old")));
    result(refresh.issue(carol, hash("carol-old")));
    chat.now.addAndGet(ChatDomain.REFRESH_TTL_SECONDS * 1000);
    result(refresh.issue(bob, hash("new")));
    assertThat(chat.refreshStore.byHash).containsOnlyKeys(hash("carol-old"), hash("new"));
  }

  @Test
  @DisplayName("logout revokes the token's family and is idempotent: again, with an old token of it, or with an unknown one")
  void logout() {
    String bob = chat.user("bob");
    result(refresh.issue(bob, hash("l1")));
    result(refresh.issue(bob, hash("other-1")));
    result(refresh.rotate(hash("l1"), hash("l2")));

    result(refresh.revoke(hash("l2")));
    refused(() -> result(refresh.rotate(hash("l2"), hash("l3"))), ErrorCode.UNAUTHORIZED);
    result(refresh.revoke(hash("l2")));
    result(refresh.revoke(hash("l1")));
    result(refresh.revoke(hash("unknown")));
    assertThat(stored("l1").revoked()).isTrue();
    result(refresh.rotate(hash("other-1"), hash("other-2")));
  }

  @Test
  @DisplayName("an admin disabling the account revokes all its families; a disabled account cannot start one, and its exchange revokes the family")
  void disabling() {
    String root = chat.user("root");
    String bob = chat.user("bob");
    result(refresh.issue(bob, hash("d1")));
    result(refresh.issue(bob, hash("e1")));
    result(refresh.rotate(hash("e1"), hash("e2")));

    result(chat.accounts.setDisabled(new SetDisabled(root, bob, true)));
    assertThat(chat.refreshStore.byHash.values()).allMatch(RefreshToken::revoked);
    // Revoked, and answered as the disabled account it is: the client can say so rather than "log in again".
    refused(() -> result(refresh.rotate(hash("e2"), hash("e3"))), ErrorCode.FORBIDDEN);
    refused(() -> result(refresh.issue(bob, hash("f1"))), ErrorCode.FORBIDDEN);

    // A family started just before the mark (the revocation ran before its token was stored).
    result(chat.accounts.setDisabled(new SetDisabled(root, bob, false)));
    refused(() -> result(refresh.rotate(hash("e2"), hash("e3"))), ErrorCode.UNAUTHORIZED);
    result(refresh.issue(bob, hash("g1")));
    result(chat.users.setDisabled(bob, true));
    refused(() -> result(refresh.rotate(hash("g1"), hash("g2"))), ErrorCode.FORBIDDEN);
    assertThat(stored("g1").revoked()).isTrue();
    assertThat(chat.refreshStore.byHash).doesNotContainKey(hash("g2"));
  }

  @Test
  @DisplayName("two concurrent exchanges of one token: one wins, the other is a reuse, and the family is revoked, the winner's token too")
  void concurrentRotation() {
    String bob = chat.user("bob");
    result(refresh.issue(bob, hash("c1")));
    Promise<Void> claims = Promise.promise();
    chat.refreshStore.claimsHeld = claims.future();
    Future<RefreshTokens.Grant> tabA = refresh.rotate(hash("c1"), hash("tab-a"));
    Future<RefreshTokens.Grant> tabB = refresh.rotate(hash("c1"), hash("tab-b"));
    assertThat(tabA.isComplete() || tabB.isComplete()).as("both read c1 unused and wait to claim it").isFalse();
    claims.complete();

    assertThat(List.of(tabA, tabB)).filteredOn(Future::succeeded).hasSize(1);
    Future<RefreshTokens.Grant> loser = tabA.failed() ? tabA : tabB;
    assertThat(((ServiceException) loser.cause()).code()).isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(stored("tab-a").revoked()).isTrue();
    assertThat(stored("tab-b").revoked()).isTrue();
    refused(() -> result(refresh.rotate(hash(tabA.succeeded() ? "tab-a" : "tab-b"), hash("next"))), ErrorCode.UNAUTHORIZED);
  }

  @Test
  @DisplayName("a failure between storing the successor and claiming the token: the retry with the same token succeeds")
  void failureBetweenWrites() {
    String bob = chat.user("bob");
    result(refresh.issue(bob, hash("r1")));
    chat.refreshStore.claimFailures = 1;
    assertThatThrownBy(() -> result(refresh.rotate(hash("r1"), hash("lost"))));
    assertThat(stored("r1").used()).isFalse();

    assertThat(result(refresh.rotate(hash("r1"), hash("retried"))).user().userId()).isEqualTo(bob);
    assertThat(stored("r1").replacedBy()).isEqualTo(hash("retried"));
    result(refresh.rotate(hash("retried"), hash("r3")));
  }

  @Test
  @DisplayName("a user holds at most REFRESH_FAMILIES_PER_USER_MAX live logins: a new one revokes the least recently refreshed")
  void familiesPerUserCap() {
    String bob = chat.user("bob");
    String carol = chat.user("carol");
    result(refresh.issue(carol, hash("carol")));
    for (String device : new String[] {"one", "two", "three"}) {
      result(refresh.issue(bob, hash(device + "-1")));
      chat.now.addAndGet(1_000);
    }
    result(refresh.rotate(hash("one-1"), hash("one-2")));
    chat.now.addAndGet(1_000);

    result(refresh.issue(bob, hash("four-1")));
    assertThat(stored("two-1").revoked()).as("refreshed least recently").isTrue();
    for (String live : new String[] {"one-2", "three-1", "four-1", "carol"}) {
      assertThat(stored(live).liveAt(chat.now.get())).as(live).isTrue();
    }
    assertThat(result(refresh.issue(bob, hash("five-1"))).user().userId()).isEqualTo(bob);
    assertThat(stored("three-1").revoked()).isTrue();
  }

  @Test
  @DisplayName("anything but a 43-character base64url hash is refused before any read")
  void malformedHashes() {
    String bob = chat.user("bob");
    refused(() -> result(refresh.issue(bob, "short")), ErrorCode.BAD_REQUEST);
    refused(() -> result(refresh.rotate(hash("x"), hash("y") + "=")), ErrorCode.BAD_REQUEST);
    refused(() -> result(refresh.revoke("{\"$gt\":\"\"}")), ErrorCode.BAD_REQUEST);
    assertThat(chat.refreshStore.byHash).isEmpty();
  }
}
