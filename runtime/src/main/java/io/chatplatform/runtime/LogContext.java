package io.chatplatform.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * What every log line says besides its message: the process's {@code service} and {@code node}
 * (logback context properties, fields of each JSON line), the {@link Correlation} id of the
 * request it was written for, and the format: {@code LOG_FORMAT}, by default {@code json} (one
 * object a line, for a log collector) for a clustered service and {@code text} (for people) for
 * the embedded platform. logback.xml attaches both appenders; {@link FormatFilter} lets through
 * only the chosen one's.
 */
public final class LogContext {
  static final Set<String> FORMATS = Set.of("text", "json");
  /** The format until a process chose one: text (what a person starting anything by hand sees first). */
  private static volatile String format = "text";

  private LogContext() {}

  /**
   * Sets up logging for a process named {@code service}: its format ({@code LOG_FORMAT}, default
   * json when {@code clustered}, else text), its {@code service} and {@code node} fields
   * ({@code NODE_NAME}, default the host name: a pod's name in Kubernetes), and the correlation id
   * on every line. Fails on an unknown {@code LOG_FORMAT} rather than logging nothing.
   */
  public static void configure(Settings settings, String service, boolean clustered) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      configure(context, settings, service, clustered);
    }
  }

  static void configure(LoggerContext context, Settings settings, String service, boolean clustered) {
    String chosen = settings.string("LOG_FORMAT", clustered ? "json" : "text");
    if (!FORMATS.contains(chosen)) {
      throw new IllegalArgumentException("LOG_FORMAT must be text or json, got '" + chosen + "'");
    }
    format = chosen;
    context.putProperty("service", service);
    context.putProperty("node", settings.string("NODE_NAME", hostName()));
    installCorrelation(context);
  }

  /** The format in use: {@code text} or {@code json}. */
  public static String format() {
    return format;
  }

  /**
   * Puts the current request's correlation id on each log line (idempotent). Called by every
   * {@link ServiceNode}, so tests and embedders get it without configuring anything.
   */
  public static void installCorrelation() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      installCorrelation(context);
    }
  }

  private static synchronized void installCorrelation(LoggerContext context) {
    if (context.getTurboFilterList().stream().noneMatch(CorrelationFilter.class::isInstance)) {
      CorrelationFilter filter = new CorrelationFilter();
      filter.setContext(context);
      filter.start();
      context.addTurboFilter(filter);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }

  /**
   * Copies the current request's correlation id into the MDC of the logging thread just before a
   * line is written. The MDC is per thread and an event loop serves many requests in turn, so it
   * is set (or cleared) at every enabled log call from where the id really lives, the request's
   * Vert.x context; the line's MDC is then read by its appenders on the same thread.
   */
  public static final class CorrelationFilter extends TurboFilter {
    @Override
    public FilterReply decide(
        Marker marker, ch.qos.logback.classic.Logger logger, Level level, String format, Object[] params, Throwable t) {
      // Only for lines that will be written: a disabled debug call costs nothing more.
      if (level != null && level.isGreaterOrEqual(logger.getEffectiveLevel())) {
        String id = Correlation.current();
        if (id == null) {
          MDC.remove(Correlation.LOG_KEY);
        } else if (!id.equals(MDC.get(Correlation.LOG_KEY))) {
          MDC.put(Correlation.LOG_KEY, id);
        }
      }
      return FilterReply.NEUTRAL;
    }
  }

  /** Lets through the events of the appender whose name is the format in use (logback.xml: {@code text}, {@code json}). */
  public static final class FormatFilter extends Filter<ILoggingEvent> {
    private String format;

    public void setFormat(String format) {
      this.format = format;
    }

    @Override
    public FilterReply decide(ILoggingEvent event) {
      return format.equals(LogContext.format) ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
  }
}
