package io.chatplatform.gateway.web;

import io.chatplatform.runtime.Settings;

/**
 * How the gateway's public HTTP servers hold connections, and where its operations endpoints are
 * served; each setting is named after its environment variable (docs/security.md, "Connections
 * and HTTP parsing").
 *
 * @param requestReadTimeoutMs a new connection's first request head, and each request's body once
 *     its head has come, must arrive within this; else the connection is closed
 *     ({@code HTTP_REQUEST_READ_TIMEOUT_MS})
 * @param idleTimeoutMs a kept-alive connection whose next request head has not come this long after
 *     its last response ended is closed ({@code HTTP_IDLE_TIMEOUT_MS})
 * @param maxConnectionsPerAddress connections one client address may hold open at once, over every
 *     public server of this node; the next one is closed at once ({@code MAX_CONNECTIONS_PER_ADDRESS})
 * @param trustedProxies addresses exempt from that cap: the proxies in front of the gateway
 *     ({@code TRUSTED_PROXIES}, comma-separated IPs and CIDRs; none by default)
 * @param clientAddresses where a request's client address is read: from the peer, or from a
 *     trusted proxy's {@code FORWARDED_HEADER} (of which {@code FORWARDED_HEADER_MAX_CHARS} are read)
 * @param opsHost interface of the operations server ({@code OPS_HTTP_HOST})
 * @param opsPort port of the operations server: {@code /health/live}, {@code /health/ready},
 *     {@code /metrics} ({@code OPS_HTTP_PORT}; 0 picks a free port)
 * @param neededServices the services the gateway's readiness pings ({@code GATEWAY_READINESS_SERVICES})
 */
public record HttpEdgeConfig(
    long requestReadTimeoutMs,
    long idleTimeoutMs,
    int maxConnectionsPerAddress,
    TrustedProxies trustedProxies,
    ClientAddresses clientAddresses,
    String opsHost,
    int opsPort,
    NeededServices neededServices) {

  /** The operations port when {@code OPS_HTTP_PORT} is unset and {@code HTTP_PORT} is not 0. */
  public static final int DEFAULT_OPS_PORT = 9090;

  public static HttpEdgeConfig from(Settings settings) {
    // A gateway told to pick its port (HTTP_PORT=0: tests, several nodes on one machine) picks its
    // operations port too, unless told otherwise: two of them must not both want 9090.
    int defaultOpsPort = settings.integer("HTTP_PORT", 8080) == 0 ? 0 : DEFAULT_OPS_PORT;
    TrustedProxies trustedProxies = TrustedProxies.parse(settings.string("TRUSTED_PROXIES", ""));
    return new HttpEdgeConfig(
        positive(settings, "HTTP_REQUEST_READ_TIMEOUT_MS", 10_000),
        positive(settings, "HTTP_IDLE_TIMEOUT_MS", 30_000),
        (int) positive(settings, "MAX_CONNECTIONS_PER_ADDRESS", 200),
        trustedProxies,
        new ClientAddresses(
            trustedProxies,
            ClientAddresses.Header.named(settings.string("FORWARDED_HEADER", "X-Forwarded-For")),
            (int) positive(settings, "FORWARDED_HEADER_MAX_CHARS", 1024)),
        settings.string("OPS_HTTP_HOST", "127.0.0.1"),
        settings.integer("OPS_HTTP_PORT", defaultOpsPort),
        NeededServices.parse(settings.string("GATEWAY_READINESS_SERVICES", NeededServices.DEFAULT)));
  }

  private static long positive(Settings settings, String name, long defaultValue) {
    long value = settings.longValue(name, defaultValue);
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1");
    }
    return value;
  }
}
