package io.chatplatform.notification.providers.webpush;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application server's identity towards push services (RFC 8292): a P-256 key pair whose
 * public key browsers bind their subscriptions to, and the ES256 tokens that prove it.
 */
public final class Vapid {
  private static final Logger LOG = LoggerFactory.getLogger(Vapid.class);
  /** RFC 8292 caps a token's life at 24 h; a shorter one leaves room for clock skew. */
  static final long TOKEN_LIFETIME_MS = TimeUnit.HOURS.toMillis(12);
  /** A cached token is signed again when less than this is left of its life. */
  private static final long RENEW_BEFORE_MS = TimeUnit.HOURS.toMillis(1);
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER = B64URL.encodeToString(
      "{\"typ\":\"JWT\",\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8));

  private final ECPrivateKey privateKey;
  private final String publicKey;
  private final String subject;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  private record Token(String jwt, long expiresAtMs) {}

  Vapid(ECPrivateKey privateKey, String subject) {
    this.privateKey = privateKey;
    this.publicKey = B64URL.encodeToString(P256.uncompressed(P256.publicKeyOf(privateKey)));
    this.subject = subject;
  }

  /**
   * The key in {@code file}, or a new one written there (readable by the owner only) when the file
   * is missing, so subscriptions survive restarts. Blocking: call it off the event loop.
   */
  static Vapid loadOrCreate(Path file, String subject) {
    try {
      if (Files.exists(file)) {
        return new Vapid(read(Files.readString(file)), subject);
      }
      ECPrivateKey key = (ECPrivateKey) P256.generate().getPrivate();
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path temporary = Files.createTempFile(parent, ".webpush-vapid", ".tmp");
      try {
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        LOG.warn("cannot restrict permissions of {}", file);
      }
      Files.writeString(temporary, pem(key));
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
      LOG.info("created a VAPID key in {}", file);
      return new Vapid(key, subject);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the VAPID key " + file, e);
    }
  }

  /** The public key as browsers want it for {@code applicationServerKey}: base64url of the uncompressed point. */
  public String publicKey() {
    return publicKey;
  }

  /** The {@code Authorization} header value for a push service at {@code audience} (its origin). */
  String authorization(String audience, long nowMs) {
    Token token = tokens.get(audience);
    if (token == null || token.expiresAtMs() - nowMs < RENEW_BEFORE_MS) {
      token = sign(audience, nowMs + TOKEN_LIFETIME_MS);
      tokens.put(audience, token);
    }
    return "vapid t=" + token.jwt() + ", k=" + publicKey;
  }

  private Token sign(String audience, long expiresAtMs) {
    String claims = new JsonObject()
        .put("aud", audience)
        .put("exp", TimeUnit.MILLISECONDS.toSeconds(expiresAtMs))
        .put("sub", subject)
        .encode();
    String signingInput = HEADER + "." + B64URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    try {
      // P1363 gives JOSE's R || S (64 bytes) directly, instead of DER.
      Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
      signature.initSign(privateKey);
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return new Token(signingInput + "." + B64URL.encodeToString(signature.sign()), expiresAtMs);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a VAPID token", e);
    }
  }

  /** A P-256 private key from PEM: PKCS#8 ("PRIVATE KEY") or SEC 1 ("EC PRIVATE KEY", as openssl ecparam writes). */
  static ECPrivateKey read(String pem) throws IOException {
    try (Reader reader = new StringReader(pem); PEMParser parser = new PEMParser(reader)) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      PrivateKey key;
      if (object instanceof PEMKeyPair pair) {
        key = converter.getPrivateKey(pair.getPrivateKeyInfo());
      } else if (object instanceof PrivateKeyInfo info) {
        key = converter.getPrivateKey(info);
      } else {
        throw new IOException("the VAPID key file holds no private key");
      }
      if (!(key instanceof ECPrivateKey ec) || !P256.isP256(ec.getParams())) {
        throw new IOException("the VAPID key must be a P-256 (prime256v1) key");
      }
      // Through P256 so the key is the JDK's own, whatever provider parsed it.
      return P256.privateKey(P256.scalar(ec));
    }
  }

  static String pem(ECPrivateKey key) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }
}
