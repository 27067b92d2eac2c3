package io.chatplatform.notification.providers.apns;

import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.MockApnsServerListener;
import com.eatthepath.pushy.apns.server.PushNotificationHandler;
import com.eatthepath.pushy.apns.server.PushNotificationHandlerFactory;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.ValidatingPushNotificationHandlerFactory;
import io.chatplatform.notification.providers.TestKeys;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Apple's stand-in: Pushy's MockApnsServer over TLS + HTTP/2, validating the ES256 provider token
 * against the team's public key, the topic, the device token and the headers like APNs does.
 */
public final class ApnsStandIn {
  /** A request the server saw: its headers (lower-case names) and payload, and the rejection (Pushy's RejectionReason name) if any. */
  public record Seen(Map<String, String> headers, String payload, String rejection) {}

  public final List<Seen> seen = new CopyOnWriteArrayList<>();
  public final Path trustFile;
  public final int port;
  private final MockApnsServer server;

  public ApnsStandIn(Path dir, ECPublicKey teamKey, String keyId, String teamId, String topic, Set<String> devices, Map<String, Instant> unregistered)
      throws Exception {
    KeyPair tls = TestKeys.p256();
    X509Certificate certificate = TestKeys.localhostCertificate(tls);
    trustFile = TestKeys.writePem(dir.resolve("apns-stand-in-ca.pem"), certificate);
    ApnsVerificationKey verification = new ApnsVerificationKey(keyId, teamId, teamKey);
    server =
        new MockApnsServerBuilder()
            .setServerCredentials(new X509Certificate[] {certificate}, tls.getPrivate(), null)
            // Apple negotiates h2 by ALPN; Pushy's mock does not unless asked (Pushy's own client skips ALPN).
            .setUseAlpn(true)
            .setHandlerFactory(
                joseToDer(
                    new ValidatingPushNotificationHandlerFactory(
                        Map.of(topic, devices), unregistered, Map.of(keyId, verification), Map.of(verification, Set.of(topic)))))
            .setListener(
                new MockApnsServerListener() {
                  @Override
                  public void handlePushNotificationAccepted(Http2Headers headers, ByteBuf payload) {
                    seen.add(new Seen(names(headers), text(payload), null));
                  }

                  @Override
                  public void handlePushNotificationRejected(
                      Http2Headers headers, ByteBuf payload, RejectionReason reason, Instant deviceTokenExpiration) {
                    seen.add(new Seen(names(headers), text(payload), reason.name()));
                  }
                })
            .build();
    port = server.start(0).get(20, TimeUnit.SECONDS);
  }

  public void close() throws Exception {
    server.shutdown().get(20, TimeUnit.SECONDS);
  }

  /**
   * Pushy's verifier reads the token's signature as DER (Pushy signs that way, and Apple tolerates
   * it); RFC 7518 ES256, which we send, is r || s. Re-encode it, then let Pushy's handler check
   * everything (key, team, signature, age, topic, device, headers) as before.
   */
  private static PushNotificationHandlerFactory joseToDer(PushNotificationHandlerFactory pushy) {
    return session -> {
      PushNotificationHandler validating = pushy.buildHandler(session);
      return (headers, payload) -> {
        Http2Headers copy = new DefaultHttp2Headers().add(headers);
        CharSequence authorization = headers.get("authorization");
        if (authorization != null && authorization.toString().startsWith("bearer ")) {
          String[] jwt = authorization.toString().substring(7).split("\\.");
          if (jwt.length == 3) {
            byte[] rs = Base64.getUrlDecoder().decode(jwt[2]);
            if (rs.length == 64) {
              String der = Base64.getUrlEncoder().withoutPadding().encodeToString(der(rs));
              copy.set("authorization", "bearer " + jwt[0] + "." + jwt[1] + "." + der);
            }
          }
        }
        validating.handlePushNotification(copy, payload);
      };
    };
  }

  private static byte[] der(byte[] rs) {
    byte[] r = new BigInteger(1, Arrays.copyOfRange(rs, 0, 32)).toByteArray();
    byte[] s = new BigInteger(1, Arrays.copyOfRange(rs, 32, 64)).toByteArray();
    byte[] out = new byte[6 + r.length + s.length];
    out[0] = 0x30;
    out[1] = (byte) (4 + r.length + s.length);
    out[2] = 0x02;
    out[3] = (byte) r.length;
    System.arraycopy(r, 0, out, 4, r.length);
    out[4 + r.length] = 0x02;
    out[5 + r.length] = (byte) s.length;
    System.arraycopy(s, 0, out, 6 + r.length, s.length);
    return out;
  }

  private static Map<String, String> names(Http2Headers headers) {
    Map<String, String> out = new TreeMap<>();
    headers.forEach(header -> out.put(header.getKey().toString().toLowerCase(), header.getValue().toString()));
    return out;
  }

  private static String text(ByteBuf payload) {
    return payload == null ? "" : payload.toString(StandardCharsets.UTF_8);
  }
}
