package io.chatplatform.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The production logback.xml (not the tests' logback-test.xml): a clustered service writes one
 * JSON object a line with its service, node, level, logger and the request's correlation id; the
 * embedded platform writes text lines; {@code LOG_FORMAT} overrides either.
 */
@DisplayName("Logging: JSON lines when clustered, text when embedded, with service, node and correlation id")
class LogContextTest {
  private static final String ID = "req-0123456789";
  static Vertx vertx;
  private LoggerContext context;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    Await.result(vertx.close());
  }

  @AfterEach
  void stopLogging() {
    if (context != null) {
      context.stop();
    }
    LogContext.configure(new LoggerContext(), Settings.of(Map.of()), "none", false);
  }

  @Test
  @DisplayName("clustered by default: each line a JSON object with service, node, level, logger, correlationId")
  void clusteredWritesJson() throws Exception {
    List<String> lines = logFromARequest(Map.of("NODE_NAME", "chat-7f9c"), true);

    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      JsonObject json = new JsonObject(line);
      assertThat(json.getString("service")).isEqualTo("chat-service");
      assertThat(json.getString("node")).isEqualTo("chat-7f9c");
      assertThat(json.getString("level")).isEqualTo("INFO");
      assertThat(json.getString("logger")).isEqualTo("io.chatplatform.chat.Example");
    }
    JsonObject inRequest = new JsonObject(lines.get(0));
    assertThat(inRequest.getString("message")).isEqualTo("in a request");
    assertThat(inRequest.getString("correlationId")).isEqualTo(ID);
    JsonObject outside = new JsonObject(lines.get(1));
    assertThat(outside.getString("message")).isEqualTo("outside any request");
    assertThat(outside.containsKey("correlationId")).isFalse();
  }

  @Test
  @DisplayName("embedded by default: readable lines, the correlation id in brackets")
  void embeddedWritesText() throws Exception {
    List<String> lines = logFromARequest(Map.of(), false);

    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).doesNotStartWith("{").contains("INFO", "i.c.chat.Example [" + ID + "] - in a request");
    assertThat(lines.get(1)).contains("i.c.chat.Example - outside any request");
  }

  @Test
  @DisplayName("LOG_FORMAT overrides the default; an unknown one is refused")
  void logFormatOverrides() throws Exception {
    assertThat(logFromARequest(Map.of("LOG_FORMAT", "text"), true).get(0)).doesNotStartWith("{");
    assertThat(new JsonObject(logFromARequest(Map.of("LOG_FORMAT", "json"), false).get(0)).getString("correlationId")).isEqualTo(ID);
    assertThatThrownBy(() -> LogContext.configure(new LoggerContext(), Settings.of(Map.of("LOG_FORMAT", "xml")), "x", true))
        .hasMessageContaining("LOG_FORMAT must be text or json");
  }

  /** Logs one line inside a request (its correlation id entered on a duplicated context) and one outside; the lines written. */
  private List<String> logFromARequest(Map<String, String> settings, boolean clustered) throws Exception {
    if (context != null) {
      context.stop();
    }
    context = new LoggerContext();
    // The MDC the application writes to (SLF4J's, that of the context logback set up).
    context.setMDCAdapter(MDC.getMDCAdapter());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(LogContext.class.getResource("/logback.xml"));
    LogContext.configure(context, Settings.of(settings), "chat-service", clustered);
    org.slf4j.Logger logger = context.getLogger("io.chatplatform.chat.Example");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      ContextInternal request = ((VertxInternal) vertx).getOrCreateContext().duplicate();
      Promise<Void> logged = Promise.promise();
      request.runOnContext(x -> {
        Correlation.enter(ID);
        logger.info("in a request");
        logged.complete();
      });
      Await.result(logged.future());
      Promise<Void> outside = Promise.promise();
      vertx.runOnContext(x -> {
        logger.info("outside any request");
        outside.complete();
      });
      Await.result(outside.future());
    } finally {
      System.setOut(original);
    }
    String written = out.toString(StandardCharsets.UTF_8);
    System.out.print(written);
    return Arrays.stream(written.split("\n")).filter(line -> !line.isBlank()).toList();
  }
}
