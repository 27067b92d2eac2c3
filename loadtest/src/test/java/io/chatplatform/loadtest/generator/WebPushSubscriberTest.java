package io.chatplatform.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class WebPushSubscriberTest {
  // RFC 8291, Appendix A: the user agent's keys and auth secret, and the message the application
  // server sends it (its three printed lines joined).
  static final String UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
  static final String UA_PUBLIC =
      "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
  static final String AUTH_SECRET = "BTBZMqHH6r4Tts7J_aSIgg";
  static final String MESSAGE =
      "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml"
          + "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT"
          + "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

  @Test
  void opensTheRfc8291ExampleMessage() {
    WebPushSubscriber browser = WebPushSubscriber.of(b64(UA_PRIVATE), b64(UA_PUBLIC), b64(AUTH_SECRET));
    assertThat(new String(browser.decrypt(b64(MESSAGE)), StandardCharsets.UTF_8)).isEqualTo("When I grow up, I want to be a watermelon");
    assertThat(browser.p256dh()).isEqualTo(UA_PUBLIC);
    assertThat(browser.auth()).isEqualTo(AUTH_SECRET);
  }

  @Test
  void refusesATamperedBodyAndAnotherSubscription() {
    byte[] tampered = b64(MESSAGE);
    tampered[tampered.length - 1] ^= 1;
    WebPushSubscriber browser = WebPushSubscriber.of(b64(UA_PRIVATE), b64(UA_PUBLIC), b64(AUTH_SECRET));
    assertThatThrownBy(() -> browser.decrypt(tampered)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebPushSubscriber.generate().decrypt(b64(MESSAGE))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFreshSubscriptionHasTheShapeTheServerRequires() {
    WebPushSubscriber fresh = WebPushSubscriber.generate();
    assertThat(b64(fresh.p256dh())).hasSize(65).startsWith((byte) 4);
    assertThat(b64(fresh.auth())).hasSize(16);
  }

  static byte[] b64(String base64url) {
    return Base64.getUrlDecoder().decode(base64url);
  }
}
