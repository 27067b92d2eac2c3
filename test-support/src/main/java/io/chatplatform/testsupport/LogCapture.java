package io.chatplatform.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Everything logged while it is open, at every level down to DEBUG (so that lines a production
 * level would hide are checked too), each event as its message plus its exception's text.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Level previous = root.getLevel();
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>() {
    @Override
    protected void append(ILoggingEvent event) {
      // Takes the logging thread's MDC (the correlation id) now, as an asynchronous appender
      // would: read later from the test's thread, it would be that thread's.
      event.prepareForDeferredProcessing();
      // The readers below hold the list's lock: an append must take it too, or a read while a
      // service logs fails with ConcurrentModificationException.
      synchronized (list) {
        super.append(event);
      }
    }
  };

  public LogCapture() {
    appender.start();
    root.addAppender(appender);
    root.setLevel(Level.DEBUG);
  }

  /** Each event: level, logger, formatted message and, if any, the exception with its causes. */
  public List<String> lines() {
    synchronized (appender.list) {
      return appender.list.stream().map(LogCapture::text).toList();
    }
  }

  /** One captured event with its MDC as it was when it was logged. */
  public record Logged(String level, String logger, String message, Map<String, String> mdc) {}

  /** Each event with its MDC (the request's correlation id, when it was logged for one). */
  public List<Logged> logged() {
    synchronized (appender.list) {
      return appender.list.stream()
          .map(e -> new Logged(e.getLevel().toString(), e.getLoggerName(), text(e), Map.copyOf(e.getMDCPropertyMap())))
          .toList();
    }
  }

  private static String text(ILoggingEvent event) {
    IThrowableProxy thrown = event.getThrowableProxy();
    return event.getLevel() + " " + event.getLoggerName() + " " + event.getFormattedMessage()
        + (thrown == null ? "" : "\n" + ThrowableProxyUtil.asString(thrown));
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    root.setLevel(previous);
  }
}
