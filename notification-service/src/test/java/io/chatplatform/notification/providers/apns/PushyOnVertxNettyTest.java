package io.chatplatform.notification.providers.apns;

import static org.assertj.core.api.Assertions.assertThat;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.ValidatingPushNotificationHandlerFactory;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import io.chatplatform.notification.providers.TestKeys;
import io.netty.util.Version;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Pushy 0.15.4 is built against Netty 4.1; Vert.x 5's depchain resolves every Netty artifact to
 * 4.2. This proves Pushy's client and its mock APNs server still talk to each other on the Netty
 * this module really runs on (the APNs tests use that mock server as Apple's stand-in).
 */
class PushyOnVertxNettyTest {
  @Test
  void pushyClientAndMockServerWorkOnTheResolvedNetty() throws Exception {
    System.out.println("netty versions on the classpath: " + Version.identify().get("netty-codec-http2"));
    KeyPair tlsKeys = TestKeys.p256();
    X509Certificate certificate = TestKeys.localhostCertificate(tlsKeys);
    KeyPair signing = TestKeys.p256();
    ApnsVerificationKey verification = new ApnsVerificationKey("KEY1234567", "TEAM123456", (ECPublicKey) signing.getPublic());
    String deviceToken = "ab".repeat(32);
    MockApnsServer server =
        new MockApnsServerBuilder()
            .setServerCredentials(new X509Certificate[] {certificate}, tlsKeys.getPrivate(), null)
            .setHandlerFactory(
                new ValidatingPushNotificationHandlerFactory(
                    Map.of("com.example.chat", Set.of(deviceToken)),
                    Map.of(),
                    Map.of("KEY1234567", verification),
                    Map.of(verification, Set.of("com.example.chat"))))
            .build();
    int port = server.start(0).get(20, TimeUnit.SECONDS);
    ApnsClient client =
        new ApnsClientBuilder()
            .setApnsServer("localhost", port)
            .setTrustedServerCertificateChain(certificate)
            .setSigningKey(new ApnsSigningKey("KEY1234567", "TEAM123456", (ECPrivateKey) signing.getPrivate()))
            .build();
    try {
      PushNotificationResponse<SimpleApnsPushNotification> accepted =
          client.sendNotification(new SimpleApnsPushNotification(deviceToken, "com.example.chat", "{\"aps\":{}}"))
              .get(20, TimeUnit.SECONDS);
      PushNotificationResponse<SimpleApnsPushNotification> rejected =
          client.sendNotification(new SimpleApnsPushNotification("cd".repeat(33), "com.example.chat", "{\"aps\":{}}"))
              .get(20, TimeUnit.SECONDS);
      System.out.println("accepted: " + accepted.isAccepted() + " " + accepted.getStatusCode());
      System.out.println("rejected: " + rejected.getStatusCode() + " " + rejected.getRejectionReason());
      assertThat(accepted.isAccepted()).isTrue();
      assertThat(rejected.getRejectionReason()).contains("BadDeviceToken");
    } finally {
      client.close().get(20, TimeUnit.SECONDS);
      server.shutdown().get(20, TimeUnit.SECONDS);
    }
  }
}
