package io.chatplatform.runtime;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;

/** What a MongoDB failure means, read from its error code, never from its message text. */
public final class MongoErrors {
  /** MongoDB's duplicate-key error code. */
  public static final int DUPLICATE_KEY = 11000;

  private MongoErrors() {}

  /**
   * Whether the store could not be reached or did not answer in time (no server selectable, a
   * connection refused or cut, a read timeout, no pooled connection free): the caller should
   * hear {@code unavailable} and may retry, never {@code internal}, which is for bugs.
   */
  public static boolean isUnavailable(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof MongoTimeoutException
          || cause instanceof MongoSocketException
          || cause instanceof MongoExecutionTimeoutException
          || cause instanceof MongoNotPrimaryException
          || cause instanceof MongoNodeIsRecoveringException) {
        return true;
      }
    }
    return false;
  }

  /** Whether the write failed only because a unique index already holds its key. */
  public static boolean isDuplicateKey(Throwable failure) {
    // The driver's exception may come wrapped by the client; its code is what counts.
    while (failure != null && !(failure instanceof MongoException)) {
      failure = failure.getCause();
    }
    if (failure instanceof MongoBulkWriteException bulk) {
      return !bulk.getWriteErrors().isEmpty()
          && bulk.getWriteErrors().stream().allMatch(e -> e.getCode() == DUPLICATE_KEY);
    }
    return failure instanceof MongoException mongo && mongo.getCode() == DUPLICATE_KEY;
  }
}
