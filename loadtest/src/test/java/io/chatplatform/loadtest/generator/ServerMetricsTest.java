package io.chatplatform.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerMetricsTest {
  static final String PAGE = """
      # HELP chat_push_sent_total
      # TYPE chat_push_sent_total counter
      chat_push_sent_total{provider="webpush",result="delivered",} 120.0
      chat_push_sent_total{provider="webpush",result="retry",} 3.0
      chat_push_sent_total{provider="fcm",result="delivered"} 7
      chat_push_sent_totally_different 99
      chat_service_requests_seconds_count{address="svc.chat.rooms.push-info",outcome="ok",} 42.0
      chat_service_requests_seconds_sum{address="svc.chat.rooms.push-info",outcome="ok",} 0.5
      process_uptime_seconds 12.5
      """;

  @Test
  void sumsTheSamplesWhoseLabelsMatch() {
    ServerMetrics metrics = new ServerMetrics(PAGE);
    assertThat(metrics.sum("chat_push_sent_total")).isEqualTo(130.0);
    assertThat(metrics.sum("chat_push_sent_total", "provider", "webpush")).isEqualTo(123.0);
    assertThat(metrics.sum("chat_push_sent_total", "provider", "webpush", "result", "retry")).isEqualTo(3.0);
    assertThat(metrics.sum("chat_service_requests_seconds_count", "address", "svc.chat.rooms.push-info")).isEqualTo(42.0);
    assertThat(metrics.sum("process_uptime_seconds")).isEqualTo(12.5);
    assertThat(metrics.sum("chat_push_sent_total", "provider", "apns")).as("none yet").isZero();
  }
}
