package io.chatplatform.gateway;

import io.chatplatform.gateway.auth.ExternalTokenConfig;
import io.chatplatform.gateway.files.FilesConfig;
import io.chatplatform.gateway.overload.OverloadConfig;
import io.chatplatform.gateway.ratelimit.RateLimitConfig;
import io.chatplatform.gateway.web.HttpEdgeConfig;
import io.chatplatform.gateway.web.OriginPolicy;
import io.chatplatform.runtime.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Settings of the gateway; each is named after its environment variable.
 *
 * @param httpHost interface to listen on ({@code HTTP_HOST})
 * @param httpPort port of the page, REST and the socket ({@code HTTP_PORT}); the operations endpoints
 *     have their own ({@link HttpEdgeConfig#opsPort})
 * @param jwtSecret HS256 key of the access tokens this platform issues; required ({@code JWT_SECRET})
 * @param jwtIssuer {@code iss} of issued tokens, checked on every token ({@code JWT_ISSUER})
 * @param accessTokenTtlSeconds access token lifetime ({@code ACCESS_TOKEN_TTL_SECONDS})
 * @param ticketTtlSeconds socket ticket lifetime, at most 60 ({@code TICKET_TTL_SECONDS})
 * @param serviceTimeoutMs how long the gateway waits for a service's answer ({@code SERVICE_TIMEOUT_MS})
 * @param maxBodyBytes largest REST request body ({@code HTTP_MAX_BODY_BYTES})
 * @param maxFrameBytes largest socket frame; larger closes the socket ({@code SOCKET_MAX_FRAME_BYTES})
 * @param socketIdleTimeoutMs a socket that sends nothing (not even a ping) this long is closed ({@code SOCKET_IDLE_TIMEOUT_MS})
 * @param socketWriteQueueMaxBytes bytes that may wait to be sent to one socket; a client that
 *     lets more pile up is closed as too slow (4429), and a reply frame larger than this is
 *     answered {@code payload_too_large} instead of written ({@code SOCKET_WRITE_QUEUE_MAX_BYTES})
 * @param socketSendQueueMax {@code chat.send} frames one socket may have waiting or unanswered; sends
 *     to one room are forwarded one after the other, so a socket that pipelines more is refused
 *     {@code rate_limited} for the excess ({@code SOCKET_SEND_QUEUE_MAX})
 * @param maxSocketsPerUser sockets one user may hold open on this gateway node (not across
 *     nodes); one more is closed at connect with 4409 ({@code MAX_SOCKETS_PER_USER})
 * @param rateLimits every rate limit (see {@link RateLimitConfig})
 * @param presenceHeartbeatMs how often this node tells presence-service it is alive; keep it well
 *     under presence-service's {@code PRESENCE_NODE_TTL_MS} ({@code PRESENCE_HEARTBEAT_MS})
 * @param externalTokens the external identity provider whose RS256/ES256 tokens are also accepted;
 *     null when {@code JWT_EXTERNAL_ISSUER} is unset
 * @param allowedOrigins web origins allowed to use REST and the socket from a browser, canonical
 *     {@code scheme://host[:port]}; empty means the gateway's own origin only ({@code ALLOWED_ORIGINS})
 * @param corsMaxAgeSeconds how long a browser may cache a CORS preflight answer ({@code CORS_MAX_AGE_SECONDS})
 * @param tlsCertFile PEM certificate chain; with {@code tlsKeyFile}, the gateway serves HTTPS/WSS ({@code TLS_CERT_FILE})
 * @param tlsKeyFile PEM private key of {@code tlsCertFile} ({@code TLS_KEY_FILE})
 * @param httpRedirectPort port of a plain-HTTP server that only redirects to https; null for none,
 *     and only with TLS ({@code HTTP_REDIRECT_PORT})
 * @param hstsMaxAgeSeconds {@code Strict-Transport-Security} max-age sent with TLS; 0 sends none ({@code HSTS_MAX_AGE_SECONDS})
 * @param webSocketCompression accept the {@code permessage-deflate} WebSocket extension when a
 *     client offers it (browsers always do); off by default: each socket would then compress
 *     every event with a zlib context of its own, so a room message is deflated once per member
 *     and each connection holds the contexts' memory ({@code WEBSOCKET_COMPRESSION})
 * @param drainTimeoutMs when the gateway stops: the longest it waits for a socket's requests in
 *     flight to be answered before closing it (1012), and then for the sockets' closes ({@code DRAIN_TIMEOUT_MS})
 * @param socketCloseTimeoutMs how long a WebSocket the server closes waits for the client's close
 *     frame before its connection is cut: a client that stopped reading never sends one
 *     ({@code SOCKET_CLOSE_TIMEOUT_MS})
 * @param edge how the public servers hold connections, and the operations server (see {@link HttpEdgeConfig})
 * @param sockJsSessionBindAddress a request of a SockJS HTTP session must come from the address
 *     that opened the session, besides carrying its credential; off for clients whose address
 *     changes between requests (a pool of proxies) ({@code SOCKJS_SESSION_BIND_ADDRESS})
 * @param files the file routes: signed links, the files endpoints' timeouts (see {@link FilesConfig})
 * @param eventLoops instances of the public server, each on an event loop of its own with its own
 *     sockets and fan-out index, sharing the port; per-user limits and gauges count over all of them
 *     ({@code GATEWAY_EVENT_LOOPS}, default the number of cores)
 * @param overload when an event loop that runs behind refuses new work (see {@link OverloadConfig})
 */
public record GatewayConfig(
    String httpHost,
    int httpPort,
    String jwtSecret,
    String jwtIssuer,
    int accessTokenTtlSeconds,
    int ticketTtlSeconds,
    long serviceTimeoutMs,
    int maxBodyBytes,
    int maxFrameBytes,
    long socketIdleTimeoutMs,
    long presenceHeartbeatMs,
    int socketWriteQueueMaxBytes,
    int socketSendQueueMax,
    int maxSocketsPerUser,
    RateLimitConfig rateLimits,
    ExternalTokenConfig externalTokens,
    List<String> allowedOrigins,
    int corsMaxAgeSeconds,
    String tlsCertFile,
    String tlsKeyFile,
    Integer httpRedirectPort,
    long hstsMaxAgeSeconds,
    boolean webSocketCompression,
    long drainTimeoutMs,
    long socketCloseTimeoutMs,
    HttpEdgeConfig edge,
    boolean sockJsSessionBindAddress,
    FilesConfig files,
    int eventLoops,
    OverloadConfig overload) {

  /** The longest a ticket may live, by protocol v1. */
  public static final int MAX_TICKET_TTL_SECONDS = 60;

  /** Every setting but the secret, which must never reach a log. */
  @Override
  public String toString() {
    return "GatewayConfig[httpHost=" + httpHost + ", httpPort=" + httpPort + ", jwtSecret=(hidden), jwtIssuer=" + jwtIssuer
        + ", accessTokenTtlSeconds=" + accessTokenTtlSeconds + ", ticketTtlSeconds=" + ticketTtlSeconds
        + ", serviceTimeoutMs=" + serviceTimeoutMs + ", maxBodyBytes=" + maxBodyBytes + ", maxFrameBytes=" + maxFrameBytes
        + ", socketIdleTimeoutMs=" + socketIdleTimeoutMs + ", presenceHeartbeatMs=" + presenceHeartbeatMs
        + ", socketWriteQueueMaxBytes=" + socketWriteQueueMaxBytes + ", socketSendQueueMax=" + socketSendQueueMax
        + ", maxSocketsPerUser=" + maxSocketsPerUser + ", rateLimits=" + rateLimits
        + ", externalTokens=" + externalTokens + ", webSocketCompression=" + webSocketCompression
        + ", drainTimeoutMs=" + drainTimeoutMs + ", socketCloseTimeoutMs=" + socketCloseTimeoutMs + ", edge=" + edge + ", sockJsSessionBindAddress=" + sockJsSessionBindAddress
        + ", files=" + files + ", eventLoops=" + eventLoops + ", overload=" + overload + "]";
  }

  /**
   * The longest one event loop's drain may take: {@code DRAIN_TIMEOUT_MS} for its sockets' answers,
   * then as long again for their closes (or their close frames' fetching). The node's drain barrier
   * waits as long, so that no loop closes its server while another may still be draining.
   */
  public long longestLoopDrainMs() {
    return 2 * drainTimeoutMs;
  }

  public static GatewayConfig from(Settings settings) {
    String secret = settings.optional("JWT_SECRET");
    if (secret == null || secret.length() < 32) {
      throw new IllegalArgumentException("JWT_SECRET must be set to at least 32 characters");
    }
    int ticketTtl = settings.integer("TICKET_TTL_SECONDS", 30);
    if (ticketTtl < 1 || ticketTtl > MAX_TICKET_TTL_SECONDS) {
      throw new IllegalArgumentException("TICKET_TTL_SECONDS must be 1-" + MAX_TICKET_TTL_SECONDS);
    }
    String issuer = settings.string("JWT_ISSUER", "chat-platform");
    String certFile = settings.optional("TLS_CERT_FILE");
    String keyFile = settings.optional("TLS_KEY_FILE");
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException("TLS_CERT_FILE and TLS_KEY_FILE must be set together");
    }
    for (String file : new String[] {certFile, keyFile}) {
      if (file != null && !Files.isReadable(Path.of(file))) {
        throw new IllegalArgumentException("cannot read TLS file " + file);
      }
    }
    String redirect = settings.optional("HTTP_REDIRECT_PORT");
    Integer redirectPort = redirect == null ? null : settings.integer("HTTP_REDIRECT_PORT", 0);
    if (redirectPort != null && certFile == null) {
      throw new IllegalArgumentException("HTTP_REDIRECT_PORT redirects to https: it needs TLS_CERT_FILE and TLS_KEY_FILE");
    }
    List<String> origins =
        Arrays.stream(settings.string("ALLOWED_ORIGINS", "").split(","))
            .map(String::trim)
            .filter(o -> !o.isEmpty())
            .map(OriginPolicy::normalize)
            .distinct()
            .toList();
    return new GatewayConfig(
        settings.string("HTTP_HOST", "0.0.0.0"),
        settings.integer("HTTP_PORT", 8080),
        secret,
        issuer,
        settings.integer("ACCESS_TOKEN_TTL_SECONDS", 3600),
        ticketTtl,
        settings.longValue("SERVICE_TIMEOUT_MS", 5000),
        settings.integer("HTTP_MAX_BODY_BYTES", 64 * 1024),
        settings.integer("SOCKET_MAX_FRAME_BYTES", 64 * 1024),
        settings.longValue("SOCKET_IDLE_TIMEOUT_MS", 60_000),
        settings.longValue("PRESENCE_HEARTBEAT_MS", 3_000),
        settings.integer("SOCKET_WRITE_QUEUE_MAX_BYTES", 512 * 1024),
        positive(settings, "SOCKET_SEND_QUEUE_MAX", 50),
        positive(settings, "MAX_SOCKETS_PER_USER", 20),
        RateLimitConfig.from(settings),
        ExternalTokenConfig.from(settings, issuer),
        origins,
        settings.integer("CORS_MAX_AGE_SECONDS", 600),
        certFile,
        keyFile,
        redirectPort,
        settings.longValue("HSTS_MAX_AGE_SECONDS", 31_536_000),
        settings.bool("WEBSOCKET_COMPRESSION", false),
        positive(settings, "DRAIN_TIMEOUT_MS", 10_000),
        positive(settings, "SOCKET_CLOSE_TIMEOUT_MS", 10_000),
        HttpEdgeConfig.from(settings),
        settings.bool("SOCKJS_SESSION_BIND_ADDRESS", true),
        FilesConfig.from(settings),
        positive(settings, "GATEWAY_EVENT_LOOPS", Runtime.getRuntime().availableProcessors()),
        OverloadConfig.from(settings));
  }

  private static int positive(Settings settings, String name, int defaultValue) {
    int value = settings.integer(name, defaultValue);
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1");
    }
    return value;
  }

  /** Whether the gateway serves HTTPS and WSS itself. */
  public boolean tls() {
    return tlsCertFile != null;
  }
}
