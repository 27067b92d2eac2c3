package io.chatplatform.loadtest;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** The command-line subcommands. */
public enum Scenario {
  FANOUT("fanout"),
  DIRECT("direct"),
  CONNECT_STORM("connect-storm"),
  IDLE("idle"),
  PUSH_OFFLINE("push-offline"),
  PUSH_ONLINE("push-online"),
  FILES("files"),
  RELAY("relay"),
  LEAN_RELAY("lean-relay");

  /** The servers: they listen rather than generate load. */
  public static final Set<Scenario> SERVERS = EnumSet.of(RELAY, LEAN_RELAY);

  public final String cliName;

  Scenario(String cliName) {
    this.cliName = cliName;
  }

  static Optional<Scenario> byName(String name) {
    return Arrays.stream(values()).filter(s -> s.cliName.equals(name)).findFirst();
  }
}
