package io.chatplatform.chat.domain;

import io.vertx.core.Future;
import java.util.concurrent.Callable;

/** Runs CPU-heavy work (password hashing) off the event loop. */
public interface Blocking {
  <T> Future<T> run(Callable<T> work);
}
