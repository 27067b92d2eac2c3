package io.chatplatform.gateway.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.gateway.socket.SockJsSessionBindings.Admission;
import io.chatplatform.gateway.socket.SockJsSessionBindings.Binding;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("What proves a request belongs to a SockJS session, and how its path is logged")
class SockJsSessionBindingsTest {
  static final String TOKEN = "access_token:eyJhbGciOiJIUzI1NiJ9.alice.signature";
  final Binding opened = new Binding(TOKEN, "203.0.113.7");

  @Test
  @DisplayName("the opening credential from the opening address proves it; another credential, none, or the same value as another kind does not")
  void credential() {
    assertThat(opened.provenBy(new Binding(TOKEN, "203.0.113.7"), true)).isTrue();
    assertThat(opened.provenBy(new Binding("access_token:eyJhbGciOiJIUzI1NiJ9.bob.signature", "203.0.113.7"), true)).isFalse();
    assertThat(opened.provenBy(new Binding(null, "203.0.113.7"), true)).isFalse();
    assertThat(opened.provenBy(new Binding("ticket:" + TOKEN.substring("access_token:".length()), "203.0.113.7"), true)).isFalse();
  }

  @Test
  @DisplayName("another address does not prove it, unless addresses are not bound (SOCKJS_SESSION_BIND_ADDRESS=false)")
  void address() {
    Binding elsewhere = new Binding(TOKEN, "198.51.100.9");
    assertThat(opened.provenBy(elsewhere, true)).isFalse();
    assertThat(opened.provenBy(elsewhere, false)).isTrue();
  }

  @Test
  @DisplayName("a session opened without a credential answers only requests without one: its client may read why it was refused")
  void noCredential() {
    Binding anonymous = new Binding(null, "203.0.113.7");
    assertThat(anonymous.provenBy(new Binding(null, "203.0.113.7"), true)).isTrue();
    assertThat(anonymous.provenBy(new Binding(TOKEN, "203.0.113.7"), true)).isFalse();
  }

  @Test
  @DisplayName("a request opening a session claims its id before vertx-web runs: the opener's send is proven at once (on any loop), a stranger's is not, and a send never claims")
  void claimBeforeOpen() {
    SockJsSessionBindings bindings = new SockJsSessionBindings("/eventbus", true, null);
    Binding stranger = new Binding("access_token:eyJhbGciOiJIUzI1NiJ9.mallory.signature", "203.0.113.7");
    assertThat(bindings.admit("s1", true, opened)).as("a send to an id nobody holds").isEqualTo(Admission.REFUSED);
    assertThat(bindings.size()).as("a refused send claims nothing").isZero();
    assertThat(bindings.admit("s1", false, opened)).as("the opening poll").isEqualTo(Admission.CLAIMED);
    // vertx-web has answered the open frame but not yet handed the session over (bind): the
    // opener's next request, on another connection and maybe another loop, already finds the claim.
    assertThat(bindings.admit("s1", true, new Binding(TOKEN, "203.0.113.7"))).as("the opener's send").isEqualTo(Admission.PROVEN);
    assertThat(bindings.admit("s1", true, stranger)).as("a stranger's send").isEqualTo(Admission.REFUSED);
    assertThat(bindings.admit("s1", false, stranger)).as("a stranger's poll").isEqualTo(Admission.REFUSED);
  }

  @Test
  @DisplayName("a claim a session confirmed stays when its request ends; one no session confirmed is dropped")
  void claimsConfirmedOrDropped() {
    SockJsSessionBindings bindings = new SockJsSessionBindings("/eventbus", true, null);
    Binding claim = new Binding(TOKEN, "203.0.113.7");
    assertThat(bindings.admit("kept", false, claim)).isEqualTo(Admission.CLAIMED);
    assertThat(bindings.confirm("kept", new Binding(TOKEN, "203.0.113.7"))).as("the claim itself is the session's binding").isSameAs(claim);
    bindings.dropUnconfirmed("kept", claim);
    Binding unused = new Binding(TOKEN, "203.0.113.7");
    assertThat(bindings.admit("dropped", false, unused)).isEqualTo(Admission.CLAIMED);
    bindings.dropUnconfirmed("dropped", unused);
    assertThat(bindings.size()).as("bindings left: the confirmed one").isEqualTo(1);
    assertThat(bindings.admit("kept", true, new Binding(TOKEN, "203.0.113.7"))).isEqualTo(Admission.PROVEN);
    assertThat(bindings.admit("dropped", true, new Binding(TOKEN, "203.0.113.7"))).isEqualTo(Admission.REFUSED);
  }

  @Test
  @DisplayName("the session's other requests are held while the request that opened it is inside vertx-web's opening, and go on once it is out")
  void heldWhileTheOpenerIsInsideTheOpening() {
    SockJsSessionBindings bindings = new SockJsSessionBindings("/eventbus", true, null);
    assertThat(bindings.opened("none")).as("an id nobody holds").isDone();
    Binding claim = new Binding(TOKEN, "203.0.113.7");
    assertThat(bindings.admit("s", false, claim)).isEqualTo(Admission.CLAIMED);
    assertThat(bindings.opened("s")).as("claimed: vertx-web is opening the session").isNotDone();
    assertThat(bindings.confirm("s", new Binding(TOKEN, "203.0.113.7"))).isSameAs(claim);
    // The socket handler confirmed it from inside vertx-web, which still has the opening to finish in this turn.
    assertThat(bindings.opened("s")).as("confirmed, in the opener's turn").isNotDone();
    bindings.openingOver(claim);
    assertThat(bindings.opened("s")).as("in the turn after").isDone();

    Binding unused = new Binding(TOKEN, "203.0.113.7");
    assertThat(bindings.admit("no-session", false, unused)).isEqualTo(Admission.CLAIMED);
    CompletableFuture<Void> held = bindings.opened("no-session");
    bindings.dropUnconfirmed("no-session", unused);
    assertThat(held).as("a claim no session confirmed releases what it held when its request ends").isDone();
  }

  @Test
  @DisplayName("a new session of an id whose earlier session's close has not run yet gets a binding of its own, which that close leaves alone")
  void newSessionOfTheSameId() {
    SockJsSessionBindings bindings = new SockJsSessionBindings("/eventbus", true, null);
    Binding first = new Binding(TOKEN, "203.0.113.7");
    assertThat(bindings.admit("s", false, first)).isEqualTo(Admission.CLAIMED);
    assertThat(bindings.confirm("s", first)).isSameAs(first);
    // vertx-web dropped the first session; a poll of the same id, proven by its binding, makes a new one.
    Binding second = new Binding(TOKEN, "203.0.113.7");
    assertThat(bindings.admit("s", false, second)).isEqualTo(Admission.PROVEN);
    assertThat(bindings.confirm("s", second)).as("the new session's binding").isSameAs(second);
    assertThat(bindings.unbind("s", first)).as("the first session's close").isFalse();
    assertThat(bindings.admit("s", true, new Binding(TOKEN, "203.0.113.7"))).as("the owner's send to the new session").isEqualTo(Admission.PROVEN);
  }

  @Test
  @DisplayName("a session's path is logged without its id, and any other path under the socket as the prefix alone")
  void pathForLog() {
    SockJsSessionBindings bindings = new SockJsSessionBindings("/eventbus", true, null);
    assertThat(bindings.forLog("/eventbus/123/0a1b2c3d4e5f/xhr_send")).isEqualTo("/eventbus/123/<session>/xhr_send");
    assertThat(bindings.forLog("/eventbus/123/0a1b2c3d4e5f/xhr/more")).isEqualTo("/eventbus/…");
    assertThat(bindings.forLog("/eventbus/info")).isEqualTo("/eventbus/…");
  }

  @Test
  @DisplayName("while the node drains, a session the server closes is awaited until a receiving request of it ends after the close")
  void closeFrameAwaitedWhileDraining() {
    SockJsSessionBindings bindings = new SockJsSessionBindings("/eventbus", true, null);
    bindings.closing("/eventbus/123/before/xhr");
    assertThat(bindings.closesFetched()).as("a close before the drain is not awaited").isDone();
    bindings.drain();
    bindings.closeFetched("s1"); // the poll that carried the reconnect, before the close
    bindings.closing("/eventbus/123/s1/xhr");
    CompletableFuture<Void> waiting = bindings.closesFetched();
    assertThat(waiting).as("closed, its close frame not fetched yet").isNotDone();
    bindings.closeFetched("other");
    assertThat(waiting).as("another session's request").isNotDone();
    bindings.closeFetched("s1");
    assertThat(waiting).as("the next poll of the session ended").isDone();
    assertThat(bindings.closesFetched()).as("nothing left to await").isDone();
  }
}
