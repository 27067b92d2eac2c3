package io.chatplatform.gateway.auth;

import io.chatplatform.gateway.auth.PinnedKeys.KeyFile;
import io.chatplatform.gateway.auth.PinnedKeys.PinnedKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.codec.BodyCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The external identity provider: its public keys (PEM files read at start, a JWKS fetched at
 * start and then every {@code JWT_EXTERNAL_JWKS_REFRESH_SECONDS}) and the verifier built from
 * them, which checks signature, {@code iss}, {@code aud} and lifetime.
 *
 * <p>Each key verifies only its pinned algorithm (see {@link PinnedKeys}). The verifier is rebuilt
 * whole whenever the keys change and swapped in one write, so a request sees either the old set or
 * the new one. A verifier is never built without keys: vertx-auth treats a key-less JWTAuth as
 * "unsecured" and would accept unsigned tokens, so with no key every external token is refused.
 *
 * <p>Everything runs on the event loop without blocking: files are read and the JWKS is fetched
 * asynchronously. A failed refresh keeps the last good keys. Logs name the JWKS URL without its
 * query string or user info, and never quote a key, a token or a response body.
 */
final class ExternalIssuer {
  private static final Logger LOG = LoggerFactory.getLogger(ExternalIssuer.class);

  /** The keys in use and the verifier built from them. */
  private record KeySet(JWTAuth verifier, Set<String> algorithms, List<String> fingerprints) {}

  private final Vertx vertx;
  private final ExternalTokenConfig config;
  private List<PinnedKey> fileKeys = List.of();
  private List<PinnedKey> jwksKeys = List.of();
  /** Null while no key is loaded: every external token is then refused. */
  private volatile KeySet keys;
  private WebClient client;
  private long refreshTimer = -1;
  private volatile boolean closed;

  ExternalIssuer(Vertx vertx, ExternalTokenConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  String issuer() {
    return config.issuer();
  }

  String userClaim() {
    return config.userClaim();
  }

  /**
   * Reads the PEM files (any problem fails the start: it is a configuration error), then fetches
   * the JWKS once. A failed first fetch does not fail the start: the gateway still serves its own
   * tokens, logs the failure, and retries every {@code JWT_EXTERNAL_JWKS_RETRY_SECONDS}.
   */
  Future<Void> start() {
    return loadFiles()
        .compose(
            loaded -> {
              fileKeys = loaded;
              install();
              if (config.jwksUrl() == null) {
                return Future.succeededFuture();
              }
              if ("http".equalsIgnoreCase(URI.create(config.jwksUrl()).getScheme())) {
                LOG.warn("JWT_EXTERNAL_JWKS_URL {} is plain http: anyone on the path can replace the keys; use https"
                    + " outside a private network", config.jwksUrlForLogs());
              }
              client = WebClient.create(vertx);
              return refresh()
                  .transform(
                      first -> {
                        scheduleRefresh(first.succeeded());
                        return Future.<Void>succeededFuture();
                      });
            });
  }

  /**
   * The claims of a token of this issuer: signed by one of its keys pinned to {@code algorithm},
   * with its {@code iss}, an {@code aud} naming {@code JWT_EXTERNAL_AUDIENCE}, and within its
   * lifetime ({@code JWT_EXTERNAL_LEEWAY_SECONDS} of clock skew allowed).
   */
  Future<JsonObject> verify(String token, String algorithm) {
    KeySet current = keys;
    if (current == null) {
      return Future.failedFuture("no key of the external issuer is loaded");
    }
    if (!current.algorithms().contains(algorithm)) {
      return Future.failedFuture("no key of the external issuer is pinned to the token's algorithm");
    }
    return Tokens.authenticate(current.verifier(), token)
        .transform(
            result ->
                result.succeeded()
                    ? Future.succeededFuture(result.result().attributes().getJsonObject("accessToken", new JsonObject()))
                    : Future.failedFuture("signature, issuer, audience or lifetime check failed"));
  }

  /**
   * Fetches the JWKS once and, if it holds at least one usable key, makes its keys (with those of
   * the PEM files) the ones in use. On any failure the keys in use stay as they are.
   *
   * @return how many keys the JWKS gave
   */
  Future<Integer> refresh() {
    if (client == null || closed) {
      return Future.failedFuture("no JWKS is being fetched");
    }
    BoundedBody body = new BoundedBody(config.jwksMaxBytes());
    return client
        .getAbs(config.jwksUrl())
        .putHeader("Accept", "application/jwk-set+json, application/json")
        .followRedirects(false)
        .connectTimeout(config.jwksTimeoutMs())
        .idleTimeout(config.jwksTimeoutMs())
        .as(BodyCodec.pipe(body))
        .send()
        .timeout(config.jwksTimeoutMs(), TimeUnit.MILLISECONDS)
        .transform(
            sent -> {
              if (body.exceeded()) {
                return Future.failedFuture("the answer is larger than JWT_EXTERNAL_JWKS_MAX_BYTES (" + config.jwksMaxBytes() + ")");
              }
              if (sent.failed()) {
                return Future.failedFuture(describe(sent.cause()));
              }
              if (sent.result().statusCode() != 200) {
                return Future.failedFuture("HTTP status " + sent.result().statusCode());
              }
              try {
                return Future.succeededFuture(parse(body.data()));
              } catch (IllegalArgumentException e) {
                return Future.failedFuture(e.getMessage());
              }
            })
        .onSuccess(
            loaded -> {
              jwksKeys = loaded;
              install();
            })
        .onFailure(
            e ->
                LOG.warn(
                    "JWKS fetch from {} failed: {}; {}",
                    config.jwksUrlForLogs(),
                    e.getMessage(),
                    keys == null
                        ? "external tokens are refused until a fetch succeeds"
                        : "the keys loaded before stay in use"))
        .map(List::size);
  }

  void close() {
    closed = true;
    if (refreshTimer >= 0) {
      vertx.cancelTimer(refreshTimer);
    }
    if (client != null) {
      client.close();
    }
  }

  private void scheduleRefresh(boolean lastSucceeded) {
    if (closed) {
      return;
    }
    long delayMs = 1000L * (lastSucceeded ? config.jwksRefreshSeconds() : config.jwksRetrySeconds());
    refreshTimer = vertx.setTimer(delayMs, id -> refresh().onComplete(result -> scheduleRefresh(result.succeeded())));
  }

  private Future<List<PinnedKey>> loadFiles() {
    List<Future<PinnedKey>> loading = new ArrayList<>();
    for (String entry : config.publicKeyFiles()) {
      KeyFile file = KeyFile.parse(entry);
      String name = ExternalTokenConfig.PUBLIC_KEY_FILES + " entry " + file.path();
      loading.add(
          vertx.fileSystem()
              .readFile(file.path())
              .transform(
                  read -> {
                    if (read.failed()) {
                      return Future.failedFuture(new IllegalArgumentException("cannot read " + name + ": " + read.cause().getMessage()));
                    }
                    try {
                      String pem = read.result().toString(StandardCharsets.US_ASCII);
                      return Future.succeededFuture(PinnedKeys.fromPem(pem, file.algorithm(), config.rsaMinBits(), file.path()));
                    } catch (IllegalArgumentException e) {
                      return Future.failedFuture(new IllegalArgumentException(name + " " + e.getMessage()));
                    }
                  }));
    }
    return Future.all(loading).map(all -> all.<PinnedKey>list());
  }

  private List<PinnedKey> parse(Buffer body) {
    JsonArray entries;
    try {
      entries = new JsonObject(body).getJsonArray("keys");
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the answer is not a JWKS (a JSON object with a keys array)");
    }
    if (entries == null) {
      throw new IllegalArgumentException("the answer is not a JWKS (a JSON object with a keys array)");
    }
    List<PinnedKey> loaded = new ArrayList<>();
    for (Object entry : entries) {
      if (!(entry instanceof JsonObject jwk)) {
        LOG.warn("JWKS entry skipped: not a JSON object");
        continue;
      }
      String label = label(jwk);
      Object use = jwk.getValue("use");
      if (use != null && !"sig".equals(use)) {
        LOG.debug("JWKS key {} skipped: not a signature key", label);
        continue;
      }
      try {
        loaded.add(PinnedKeys.fromJwk(jwk, config.rsaMinBits()));
      } catch (IllegalArgumentException e) {
        LOG.warn("JWKS key {} skipped: {}", label, e.getMessage());
      }
    }
    if (loaded.isEmpty()) {
      throw new IllegalArgumentException("the JWKS holds no usable RS256 or ES256 key");
    }
    return loaded;
  }

  /** Builds the verifier from the keys in use, or clears it when there is none. */
  private void install() {
    List<PinnedKey> all = Stream.concat(fileKeys.stream(), jwksKeys.stream()).toList();
    if (all.isEmpty()) {
      keys = null;
      return;
    }
    JWTOptions checks =
        new JWTOptions()
            .setIssuer(config.issuer())
            .setAudience(List.of(config.audience()))
            .setLeeway(config.leewaySeconds());
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(checks);
    fileKeys.forEach(key -> options.addPubSecKey(key.pubSecKey()));
    jwksKeys.forEach(key -> options.addJwk(key.jwk()));
    Set<String> algorithms = all.stream().map(PinnedKey::algorithm).collect(Collectors.toCollection(TreeSet::new));
    List<String> fingerprints = all.stream().map(ExternalIssuer::fingerprint).sorted().toList();
    KeySet previous = keys;
    keys = new KeySet(JWTAuth.create(vertx, options), Set.copyOf(algorithms), fingerprints);
    if (previous == null || !previous.fingerprints().equals(fingerprints)) {
      LOG.info(
          "external issuer {}: {} key(s) in use ({} from files, {} from the JWKS), algorithms {}",
          config.issuer(), all.size(), fileKeys.size(), jwksKeys.size(), algorithms);
    }
  }

  private static String fingerprint(PinnedKey key) {
    return key.algorithm() + "/" + key.kid() + "/" + Base64.getEncoder().encodeToString(key.key().getEncoded());
  }

  /** kid, kty and alg of a JWK, made safe to log (they come from the network). */
  private static String label(JsonObject jwk) {
    return "kid=" + PinnedKeys.shown(jwk.getValue("kid")) + " kty=" + PinnedKeys.shown(jwk.getValue("kty"))
        + " alg=" + PinnedKeys.shown(jwk.getValue("alg"));
  }

  /**
   * A fetch failure as text without the URL's query string or user info, which may carry
   * credentials and which some exception messages repeat.
   */
  private String describe(Throwable cause) {
    if (cause instanceof TimeoutException) {
      return "no answer within JWT_EXTERNAL_JWKS_TIMEOUT_MS (" + config.jwksTimeoutMs() + ")";
    }
    String message = cause.getMessage() == null ? "" : cause.getMessage();
    URI uri = URI.create(config.jwksUrl());
    for (String secret : new String[] {uri.getRawQuery(), uri.getQuery(), uri.getRawUserInfo(), uri.getUserInfo()}) {
      if (secret != null && !secret.isEmpty()) {
        message = message.replace(secret, "(hidden)");
      }
    }
    return cause.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
  }
}
