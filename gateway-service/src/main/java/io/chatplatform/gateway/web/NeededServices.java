package io.chatplatform.gateway.web;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.runtime.Operations;
import io.chatplatform.runtime.ServicePing;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The services without which the gateway serves nothing useful ({@code GATEWAY_READINESS_SERVICES}):
 * its readiness pings each over the event bus, one check per service named
 * {@code <service>-service}, DOWN when nobody consumes the service's ping address or no answer
 * comes within {@code READINESS_CHECK_TIMEOUT_MS}.
 *
 * <p>By default chat, history and presence: every sign-in, room and message goes through
 * chat-service (which stores through history-service, and the gateway asks history-service for
 * file grants), and every socket registers with presence-service. notification-service is not
 * needed: without it chat works and only the device endpoints answer 503; list it to make a
 * gateway unready without it.
 */
public record NeededServices(List<Service> services) {
  /** A service the gateway may need, with its ping address. */
  public enum Service {
    CHAT(Addresses.Chat.PING),
    HISTORY(Addresses.History.PING),
    PRESENCE(Addresses.Presence.PING),
    NOTIFICATION(Addresses.Notification.PING);

    private final String pingAddress;

    Service(String pingAddress) {
      this.pingAddress = pingAddress;
    }

    public String pingAddress() {
      return pingAddress;
    }

    /** The name of its readiness check: {@code chat-service}, … */
    public String checkName() {
      return name().toLowerCase(Locale.ROOT) + "-service";
    }
  }

  public static final String DEFAULT = "chat,history,presence";

  public NeededServices {
    services = List.copyOf(services);
  }

  /** {@code spec}: comma-separated service names ({@code chat}, {@code history}, {@code presence}, {@code notification}); blank for none. */
  public static NeededServices parse(String spec) {
    List<Service> services = new ArrayList<>();
    for (String entry : spec.split(",")) {
      String name = entry.trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      Service service;
      try {
        service = Service.valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException unknown) {
        throw new IllegalArgumentException(
            "GATEWAY_READINESS_SERVICES: '" + entry.trim() + "' is not one of chat, history, presence, notification");
      }
      if (!services.contains(service)) {
        services.add(service);
      }
    }
    return new NeededServices(services);
  }

  /** Adds one readiness check per service to {@code operations}, each asking over {@code eventBus}. */
  public void check(Operations operations, EventBus eventBus) {
    long timeoutMs = operations.readinessTimeoutMs();
    for (Service service : services) {
      operations.addReadinessCheck(service.checkName(), () -> ServicePing.ask(eventBus, service.pingAddress(), timeoutMs));
    }
  }

  @Override
  public String toString() {
    return services.stream().map(s -> s.name().toLowerCase(Locale.ROOT)).toList().toString();
  }
}
