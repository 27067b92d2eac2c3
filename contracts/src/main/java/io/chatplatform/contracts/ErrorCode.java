package io.chatplatform.contracts;

/**
 * The error words of protocol v1 with their HTTP-like status. The socket and REST layers, and
 * every service reply, use these: a failed event bus reply carries {@link #status} as its failure
 * code and {@code "<word>: <text>"} as its message.
 */
public enum ErrorCode {
  BAD_REQUEST(400, "bad_request"),
  UNAUTHORIZED(401, "unauthorized"),
  FORBIDDEN(403, "forbidden"),
  ACCESS_DENIED(403, "access_denied"),
  NOT_FOUND(404, "not_found"),
  CONFLICT(409, "conflict"),
  /** The message was deleted: it may no longer be edited. */
  GONE(410, "gone"),
  PAYLOAD_TOO_LARGE(413, "payload_too_large"),
  /** An upload that would take its user past their storage quota (declared after PAYLOAD_TOO_LARGE: a bare 413 reads as that). */
  QUOTA_EXCEEDED(413, "quota_exceeded"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
  /** A {@code Range} no byte of the file is in. */
  RANGE_NOT_SATISFIABLE(416, "range_not_satisfiable"),
  RATE_LIMITED(429, "rate_limited"),
  INTERNAL(500, "internal"),
  UNAVAILABLE(503, "unavailable");

  public final int status;
  public final String word;

  ErrorCode(int status, String word) {
    this.status = status;
    this.word = word;
  }

  /** The code named by {@code word}, or the first code with {@code status}, else INTERNAL. */
  public static ErrorCode of(String word, int status) {
    for (ErrorCode code : values()) {
      if (code.word.equals(word)) {
        return code;
      }
    }
    for (ErrorCode code : values()) {
      if (code.status == status) {
        return code;
      }
    }
    return INTERNAL;
  }
}
