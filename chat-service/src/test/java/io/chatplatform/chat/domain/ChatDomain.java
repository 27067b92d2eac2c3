package io.chatplatform.chat.domain;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.Register;
import io.vertx.core.Future;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * chat-service's domain wired over in-memory stores, history and events, with a clock the test
 * moves. Everything completes synchronously, so a test reads each result at once.
 */
final class ChatDomain {
  static final ChatLimits LIMITS = new ChatLimits(40, 4, 20, 5, 3, 100, 3, 6, 2, 3);
  /** Few iterations: these tests check the rules, not the hash's cost. */
  static final int HASH_ITERATIONS = 1_000;
  static final long REFRESH_TTL_SECONDS = 3_600;
  static final int REFRESH_FAMILIES_MAX = 3;

  final AtomicLong now = new AtomicLong(1_000_000);
  final MemoryUserStore users = new MemoryUserStore();
  final MemoryRoomStore roomStore = new MemoryRoomStore();
  final MemoryHistory history = new MemoryHistory();
  final RecordedEvents events = new RecordedEvents();
  final MemoryRefreshTokenStore refreshStore = new MemoryRefreshTokenStore();
  final RefreshTokens refreshTokens =
      new RefreshTokens(refreshStore, users, REFRESH_TTL_SECONDS, REFRESH_FAMILIES_MAX, now::get);
  final Blocking inline = new Blocking() {
    @Override
    public <T> Future<T> run(Callable<T> work) {
      try {
        return Future.succeededFuture(work.call());
      } catch (Exception e) {
        return Future.failedFuture(e);
      }
    }
  };
  final Accounts accounts =
      new Accounts(
          users, new PasswordHasher(HASH_ITERATIONS), inline, events, refreshTokens, Set.of("root"), LIMITS.userSearchLimit(), now::get);
  final Rooms rooms = new Rooms(roomStore, users, accounts, history, events, LIMITS, now::get);
  final MemoryAuditLog audit = new MemoryAuditLog();
  final Messaging messaging = new Messaging(rooms, users, history, events, LIMITS, audit, now::get);
  final Receipts receipts = new Receipts(rooms, history, events, LIMITS);

  /** Registers a user and answers their id. */
  String user(String username) {
    return result(accounts.register(new Register(username, "password-" + username, null))).userId();
  }

  /** The value of a future that has completed; a failure is rethrown as it is. */
  static <T> T result(Future<T> future) {
    if (!future.isComplete()) {
      throw new AssertionError("the in-memory domain left a future pending");
    }
    if (future.failed()) {
      Throwable cause = future.cause();
      throw cause instanceof RuntimeException e ? e : new RuntimeException(cause);
    }
    return future.result();
  }

  /** The error code of the refusal {@code action} ends in; fails the test when it ends without one. */
  static ErrorCode code(Runnable action) {
    try {
      action.run();
    } catch (ServiceException e) {
      return e.code();
    }
    throw new AssertionError("no error");
  }
}
