package io.chatplatform.loadtest.generator;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One event loop of the generator. Sockets opened from a lane stay on its event loop, and the
 * lane's senders run there too, so a socket's state is touched by one thread only. Several lanes
 * spread the work over several cores (one event loop cannot both send and receive for thousands
 * of sockets). A verticle is the public way to own a distinct event-loop context.
 */
final class Lane extends VerticleBase {
  private final int index;

  private Lane(int index) {
    this.index = index;
  }

  int index() {
    return index;
  }

  Vertx vertx() {
    return vertx;
  }

  /** Deploys {@code count} lanes, each on its own event loop when the pool has that many. */
  static Future<List<Lane>> deploy(Vertx vertx, int count) {
    List<Lane> lanes = new ArrayList<>();
    List<Future<String>> deployments = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Lane lane = new Lane(i);
      lanes.add(lane);
      deployments.add(vertx.deployVerticle(lane));
    }
    return Future.all(deployments).map(x -> lanes);
  }

  /** Runs an asynchronous action on this lane's event loop; the result completes on the lane. */
  <T> Future<T> call(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        action.get().onComplete(promise);
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }
}
