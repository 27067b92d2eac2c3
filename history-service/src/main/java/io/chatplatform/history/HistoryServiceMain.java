package io.chatplatform.history;

import io.chatplatform.history.bus.HistoryVerticle;

import io.chatplatform.history.bus.HistoryVerticle;
import io.chatplatform.runtime.ServiceNode;
import java.util.List;

/** Runs history-service as its own clustered process. */
public final class HistoryServiceMain {
  private HistoryServiceMain() {}

  public static void main(String[] args) {
    ServiceNode.launch(
        "history-service",
        true,
        start -> List.of(new HistoryVerticle(HistoryConfig.from(start.settings()), start.node().operations())));
  }
}
