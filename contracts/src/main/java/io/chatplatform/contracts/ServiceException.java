package io.chatplatform.contracts;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * A failure a client is meant to see: an {@link ErrorCode} and a human text. It crosses the
 * event bus as a {@link ReplyException} ({@code failureCode = status},
 * {@code message = "<word>: <text>"}) and is rebuilt on the other side by {@link #from}.
 */
public class ServiceException extends RuntimeException {
  private final ErrorCode code;

  public ServiceException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  /** The bridge/event bus form of this failure. */
  public String wireMessage() {
    return code.word + ": " + getMessage();
  }

  public static ServiceException badRequest(String message) {
    return new ServiceException(ErrorCode.BAD_REQUEST, message);
  }

  public static ServiceException notFound(String message) {
    return new ServiceException(ErrorCode.NOT_FOUND, message);
  }

  public static ServiceException forbidden(String message) {
    return new ServiceException(ErrorCode.FORBIDDEN, message);
  }

  public static ServiceException conflict(String message) {
    return new ServiceException(ErrorCode.CONFLICT, message);
  }

  public static ServiceException unauthorized(String message) {
    return new ServiceException(ErrorCode.UNAUTHORIZED, message);
  }

  /**
   * Turns any failure of a service call into a client-facing one. A failure that is not a
   * {@link ServiceException} (a timeout, no handler, a bug) becomes {@code unavailable} or
   * {@code internal} with a generic text, so internals never leak to clients.
   */
  public static ServiceException from(Throwable failure) {
    if (failure instanceof ServiceException se) {
      return se;
    }
    if (failure instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        String message = re.getMessage() == null ? "" : re.getMessage();
        int colon = message.indexOf(": ");
        String word = colon > 0 ? message.substring(0, colon) : "";
        String text = colon > 0 ? message.substring(colon + 2) : message;
        return new ServiceException(ErrorCode.of(word, re.failureCode()), text);
      }
      return new ServiceException(ErrorCode.UNAVAILABLE, "service unavailable, try again");
    }
    return new ServiceException(ErrorCode.INTERNAL, "internal error");
  }
}
