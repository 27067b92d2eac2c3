package io.chatplatform.gateway.socket;

import io.chatplatform.gateway.web.ClientAddresses;
import io.vertx.core.Context;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds each session of SockJS's HTTP transports (XHR polling and streaming, EventSource, all
 * served by vertx-web at {@code <prefix>/<server>/<session>/<transport>}) to the credential and
 * the peer address of the request that opened it. vertx-web knows a session by its id alone, so
 * anyone who learnt an id (from a proxy's log, say) could send as its user ({@code xhr_send}) and
 * take its frames (a poll) until it closed. Here every later request of a session must present the
 * same credential (SHA-256 digests compared in constant time; a ticket is not redeemed again, its
 * possession is what is proven) from the same address; any other is answered 404, as a send to an
 * unknown session is, before vertx-web sees it: it sends nothing, takes no frame, and does not
 * detach the session's own request.
 *
 * <p>A request for an id without a binding is let through unless it sends, and claims the id for
 * its credential and address first ({@link #admit}): vertx-web then opens a new session, or answers
 * for a closed one, which has nothing left to give. The claim is made before vertx-web runs because
 * vertx-web answers a new session's open frame before it hands the session to the socket handler:
 * with several event loops ({@code GATEWAY_EVENT_LOOPS}) the client's next request, on another
 * connection, may reach another loop in between, and must find the binding there (a send found
 * none and was refused 404 on a clean clone). The socket handler confirms the claim ({@link #bind});
 * a claim no session confirmed is dropped when its request ends, and a binding when its session
 * closes: there are never more bindings than sessions and requests opening one. Thread safe: one
 * instance serves every event loop of the node ({@link NodeSockets}), as a session's requests may
 * arrive on any of them.
 */
final class SockJsSessionBindings {
  private final String prefix;
  /** Where a session's id is in the path, as vertx-web reads it: the normalized path, in full. */
  private final Pattern sessionPath;
  /** False: only the credential is checked ({@code SOCKJS_SESSION_BIND_ADDRESS}). */
  private final boolean bindAddress;
  /** A session's address is its client's: behind a proxy, the forwarded one (its proxies may differ). */
  private final ClientAddresses clientAddresses;
  private final Map<String, Binding> bindings = new ConcurrentHashMap<>();
  /** Set when the node drains: from then on a session the server closes is followed until its client has fetched the close frame. */
  private volatile boolean draining;
  /**
   * Sessions the server closed while the node drains whose close frame no request has carried yet: vertx-web
   * writes it to the session's next request (a poll that comes after the close), so the node's
   * servers must stay open until that request has been answered. Completed and removed then.
   */
  private final Map<String, CompletableFuture<Void>> closesUnfetched = new ConcurrentHashMap<>();

  SockJsSessionBindings(String prefix, boolean bindAddress, ClientAddresses clientAddresses) {
    this.prefix = prefix;
    this.clientAddresses = clientAddresses;
    this.sessionPath = Pattern.compile(Pattern.quote(prefix) + "/([^/.]+)/([^/.]+)/([^/.]+)");
    this.bindAddress = bindAddress;
  }

  /**
   * What opened a session, or what a later request presents. Never logged. No credential is
   * bound as the empty one: such a session is refused at authentication, and its client may still
   * poll for the reason ({@code unauthorized}) before it closes.
   */
  static final class Binding {
    private final byte[] credentialDigest;
    private final String address;
    /** Set once vertx-web made a session of the claim ({@link #bind}); read on other loops. */
    private volatile boolean confirmed;
    /**
     * Completed once the request that put this binding has left vertx-web's opening of the session
     * (in the turn after it, on that request's loop): see {@link #guard}.
     */
    private final CompletableFuture<Void> opened = new CompletableFuture<>();

    Binding(String credential, String address) {
      this.credentialDigest = sha256(credential == null ? "" : credential);
      this.address = address;
    }

    /** Whether {@code request} presents this credential and, if {@code withAddress}, from this address. */
    boolean provenBy(Binding request, boolean withAddress) {
      return MessageDigest.isEqual(credentialDigest, request.credentialDigest) && (!withAddress || address.equals(request.address));
    }
  }

  /** The request's credential (as the socket is authenticated: a ticket, else an access token) and peer address. */
  Binding of(HttpServerRequest request) {
    return new Binding(ConnectParams.parse(request.uri()).credential(), clientAddresses.of(request));
  }

  /**
   * In front of vertx-web's SockJS handler, right before it (nothing asynchronous in between, so
   * that a session cannot be created between the check and its binding): lets a request of a
   * session through only with the binding's proof, and a send only to a bound session; refuses
   * anything else with 404. Other requests ({@code info}, CORS preflights, which touch no
   * session) pass.
   */
  void guard(RoutingContext ctx) {
    Matcher path = sessionPath.matcher(ctx.normalizedPath());
    if (ctx.request().method() == HttpMethod.OPTIONS || !path.matches()) {
      ctx.next();
      return;
    }
    String id = path.group(2);
    Binding request = of(ctx.request());
    boolean send = path.group(3).endsWith("_send");
    Admission admission = admit(id, send, request);
    if (admission == Admission.REFUSED) {
      ctx.response().setStatusCode(404).end();
      return;
    }
    CompletableFuture<Void> opening = opened(id);
    if (admission == Admission.PROVEN && !opening.isDone()) {
      // vertx-web sends a new session's open frame, then marks it open and hands it to the socket
      // handler, all in one turn of the opener's loop. The client's next request, on another
      // connection, may reach another loop inside that turn: vertx-web, whose session is not
      // thread safe, would then open it a second time (a second 'o', the socket handler called
      // twice). It is guarded again once that turn is over: the binding that proved it may be gone
      // by then (the opener's request ended without a session), and its proof with it.
      Context here = ctx.vertx().getOrCreateContext();
      opening.whenComplete((v, e) -> here.runOnContext(x -> {
        if (!ctx.response().closed()) {
          guard(ctx);
        }
      }));
      return;
    }
    if (!send) {
      // A request that receives (a poll, a stream): once it ends, it carried the close frame of a session closed before.
      ctx.addEndHandler(ended -> closeFetched(id));
    }
    if (admission == Admission.CLAIMED) {
      // In the next turn of this loop: vertx-web may end a polling request (its open frame) in the
      // very turn in which it then hands the new session to the socket handler, which confirms.
      ctx.addEndHandler(ended -> ctx.vertx().runOnContext(v -> dropUnconfirmed(id, request)));
    }
    ctx.next();
  }

  /** Completes when the request that opened or claimed session {@code id} is out of vertx-web's opening; at once without one. */
  CompletableFuture<Void> opened(String id) {
    Binding bound = bindings.get(id);
    return bound == null ? CompletableFuture.completedFuture(null) : bound.opened;
  }

  /** What {@link #admit} decided of a request of a session. */
  enum Admission {
    /** Proven by the session's binding: on to vertx-web. */
    PROVEN,
    /** The id had no binding; this request now holds it (until a session confirms it or the request ends). */
    CLAIMED,
    /** Answered 404 without vertx-web seeing it. */
    REFUSED
  }

  /**
   * A request of session {@code id} presenting {@code request}: proven by the id's binding, or
   * claiming the id when it has none (a send never claims: it would reach no session), else refused.
   */
  Admission admit(String id, boolean send, Binding request) {
    Binding bound = send ? bindings.get(id) : bindings.putIfAbsent(id, request);
    if (bound == null) {
      return send ? Admission.REFUSED : Admission.CLAIMED;
    }
    return bound.provenBy(request, bindAddress) ? Admission.PROVEN : Admission.REFUSED;
  }

  /** A session's close: its own binding goes, none that a later session of the id holds; true when it went. */
  boolean unbind(String id, Binding binding) {
    return bindings.remove(id, binding);
  }

  /** The claim of a request that ended: kept if a session was made of it, dropped otherwise. */
  void dropUnconfirmed(String id, Binding claim) {
    if (!claim.confirmed) {
      bindings.remove(id, claim);
    }
    openingOver(claim);
  }

  /** The request that put {@code binding} is out of vertx-web's opening of its session: requests held for it go on. */
  void openingOver(Binding binding) {
    binding.opened.complete(null);
  }

  /**
   * Binds a session vertx-web has just created to the request that created it (its routing
   * context is that request's), until the session closes. False when its id cannot be read from
   * that request: the caller then closes it, as an unbound session would answer anyone.
   */
  boolean bind(SockJSSocket socket) {
    Matcher path = sessionPath.matcher(socket.routingContext().normalizedPath());
    if (!path.matches()) {
      return false;
    }
    String id = path.group(2);
    Binding binding = confirm(id, of(socket.routingContext().request()));
    // Called from inside vertx-web's opening of the session: it is over in the next turn of this loop.
    socket.routingContext().vertx().runOnContext(v -> openingOver(binding));
    // The end handler, which nothing else of a SockJS socket uses, runs when the session closes
    // (closed by the server, timed out, or its client gone). Only this binding is removed: a new
    // session of the same id may have been bound since.
    socket.endHandler(v -> unbind(id, binding));
    return true;
  }

  /** The node drains: each session the server closes from now on is followed until its client fetched the close frame. */
  void drain() {
    draining = true;
  }

  /**
   * The server is about to close {@code socket}: while the node drains, its close frame is awaited
   * ({@link #closesFetched}). Called before the close, so that the end of the request that carries
   * the frame (a poll waiting now, on any loop) cannot come first; a request that ended before
   * (the one that carried the {@code reconnect}) does not count.
   */
  void closing(SockJSSocket socket) {
    closing(socket.routingContext().normalizedPath());
  }

  /** {@link #closing(SockJSSocket)} of the session at {@code normalizedPath} (the path of the request that opened it). */
  void closing(String normalizedPath) {
    Matcher path = sessionPath.matcher(normalizedPath);
    if (draining && path.matches()) {
      closesUnfetched.putIfAbsent(path.group(2), new CompletableFuture<>());
    }
  }

  /** A receiving request of session {@code id} ended: it carried the close frame, if the session had closed. */
  void closeFetched(String id) {
    CompletableFuture<Void> unfetched = closesUnfetched.remove(id);
    if (unfetched != null) {
      unfetched.complete(null);
    }
  }

  /** Completes when every session closed while draining has had its close frame fetched by its client (on no particular thread). */
  CompletableFuture<Void> closesFetched() {
    return CompletableFuture.allOf(closesUnfetched.values().toArray(CompletableFuture[]::new));
  }

  /**
   * The binding of a session vertx-web just made for {@code opener}: the claim its request made
   * (the guard runs right before vertx-web), confirmed; a binding of its own otherwise, also when
   * the id's binding is an earlier session's whose close has not run yet: each session must have
   * its own, or that close would remove the new session's.
   */
  Binding confirm(String id, Binding opener) {
    Binding binding = bindings.compute(id,
        (key, claimed) -> claimed != null && !claimed.confirmed && claimed.provenBy(opener, bindAddress) ? claimed : opener);
    binding.confirmed = true;
    return binding;
  }

  /** Sessions bound now. */
  int size() {
    return bindings.size();
  }

  /**
   * A path under the socket's prefix, fit for a log: a session's with its id replaced, any other
   * as the prefix alone (it may hold an id in a shape vertx-web does not serve).
   */
  String forLog(String normalizedPath) {
    Matcher m = sessionPath.matcher(normalizedPath);
    return m.matches() ? normalizedPath.substring(0, m.start(2)) + "<session>" + normalizedPath.substring(m.end(2)) : prefix + "/…";
  }

  private static byte[] sha256(String credential) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(credential.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
