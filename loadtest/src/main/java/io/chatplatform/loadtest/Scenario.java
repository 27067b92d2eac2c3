package io.chatplatform.loadtest;

import java.util.Arrays;
import java.util.Optional;

/** The command-line subcommands. */
public enum Scenario {
  FANOUT("fanout"),
  DIRECT("direct"),
  CONNECT_STORM("connect-storm"),
  IDLE("idle"),
  PUSH_OFFLINE("push-offline"),
  PUSH_ONLINE("push-online"),
  FILES("files"),
  RELAY("relay");

  public final String cliName;

  Scenario(String cliName) {
    this.cliName = cliName;
  }

  static Optional<Scenario> byName(String name) {
    return Arrays.stream(values()).filter(s -> s.cliName.equals(name)).findFirst();
  }
}
