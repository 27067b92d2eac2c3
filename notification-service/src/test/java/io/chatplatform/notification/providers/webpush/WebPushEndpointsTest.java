package io.chatplatform.notification.providers.webpush;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WebPushEndpointsTest {
  static final WebPushEndpoints DEFAULTS = WebPushEndpoints.parse(WebPushEndpoints.DEFAULT);

  @Test
  @DisplayName("the default list refuses look-alike hosts, user info, other schemes and ports, IP literals and dot segments")
  void refusesTricks() {
    for (String endpoint : new String[] {
        "https://fcm.googleapis.com.evil.example/fcm/send/x",
        "https://fcm.googleapis.com@evil.example/fcm/send/x",
        "https://evil.example@fcm.googleapis.com/fcm/send/x",
        "https://evilfcm.googleapis.com/fcm/send/x",
        "http://fcm.googleapis.com/fcm/send/x",
        "https://fcm.googleapis.com:8443/fcm/send/x",
        "https://142.250.74.10/fcm/send/x",
        "https://notify.windows.com/w/?token=x",
        "https://evil.example/.notify.windows.com/w/",
        "https://web.push.apple.com/../x",
        "https://web.push.apple.com/a/%2E%2E/x",
        "https://web.push.apple.com//x",
        "https://web.push.apple.com/x#frag",
        "file:///etc/passwd",
        "not a url",
        ""}) {
      assertThat(DEFAULTS.allowed(endpoint)).as(endpoint).isFalse();
    }
    assertThat(DEFAULTS.allowed(null)).isFalse();
  }

  @Test
  @DisplayName("the default list accepts the endpoints Chrome, Firefox, Safari and Edge hand out")
  void acceptsTheBrowsersPushServices() {
    for (String endpoint : new String[] {
        "https://fcm.googleapis.com/fcm/send/cXl0Zm9v:APA91bH",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk",
        "https://web.push.apple.com/QGuQyavXutnMcj",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAC",
        "HTTPS://FCM.googleapis.com:443/fcm/send/x"}) {
      assertThat(DEFAULTS.allowed(endpoint)).as(endpoint).isTrue();
    }
  }
}
