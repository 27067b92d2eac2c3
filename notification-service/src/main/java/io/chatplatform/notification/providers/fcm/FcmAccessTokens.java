package io.chatplatform.notification.providers.fcm;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * OAuth2 access tokens for FCM, from the service account's key: google-auth signs the RS256
 * JWT-bearer assertion and exchanges it at the token endpoint. That exchange is blocking HTTP, so
 * it runs on a worker thread, never on an event loop. A token is reused until
 * {@code refreshMarginMs} before it expires, and concurrent sends share one fetch.
 */
public final class FcmAccessTokens {
  static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

  private final Vertx vertx;
  private final GoogleCredentials credentials;
  private final Clock clock;
  private final long refreshMarginMs;
  private AccessToken cached;
  private Future<String> inFlight;

  public FcmAccessTokens(Vertx vertx, GoogleCredentials credentials, Clock clock, long refreshMarginMs) {
    this.vertx = vertx;
    this.credentials = credentials;
    this.clock = clock;
    this.refreshMarginMs = refreshMarginMs;
  }

  /** The service account named by the config, its token endpoint replaced when FCM_TOKEN_URI is set. */
  public static GoogleCredentials credentials(FcmConfig config) {
    try (InputStream key = Files.newInputStream(Path.of(config.serviceAccountFile()))) {
      ServiceAccountCredentials.Builder account = ServiceAccountCredentials.fromStream(key).toBuilder();
      if (config.tokenUri() != null) {
        account.setTokenServerUri(URI.create(config.tokenUri()));
      }
      return account.build().createScoped(List.of(SCOPE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read FCM_SERVICE_ACCOUNT_FILE " + config.serviceAccountFile(), e);
    }
  }

  /** A token valid for at least the margin: the cached one, or a fresh one fetched on a worker. */
  public synchronized Future<String> current() {
    if (cached != null && clock.millis() < cached.getExpirationTime().getTime() - refreshMarginMs) {
      return Future.succeededFuture(cached.getTokenValue());
    }
    if (inFlight == null) {
      inFlight =
          vertx
              .executeBlocking(credentials::refreshAccessToken, false)
              .andThen(fetched -> store(fetched.succeeded() ? fetched.result() : null))
              .map(AccessToken::getTokenValue);
    }
    return inFlight;
  }

  /** Drops {@code token} when FCM refused it (revoked early), so the next send fetches another. */
  public synchronized void reject(String token) {
    if (cached != null && cached.getTokenValue().equals(token)) {
      cached = null;
    }
  }

  private synchronized void store(AccessToken token) {
    inFlight = null;
    // A token without an expiry cannot be judged fresh: it serves the sends waiting for it only.
    cached = token != null && token.getExpirationTime() != null ? token : null;
  }
}
