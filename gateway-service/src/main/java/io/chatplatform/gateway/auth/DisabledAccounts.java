package io.chatplatform.gateway.auth;

import io.chatplatform.contracts.Ack;
import io.chatplatform.contracts.chat.ChatApi;
import io.chatplatform.contracts.chat.ChatApi.AccountDisabled;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.runtime.ServiceClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounts an admin disabled, as this node knows them: the list is read from chat-service at
 * start (retried until it answers, as services may start in any order) and kept current from the
 * {@code disabled-changed} events. A disabled user's tokens and tickets are refused, and their open
 * sockets are closed when the event arrives. Used on the gateway's event loop only.
 */
public final class DisabledAccounts {
  private static final Logger LOG = LoggerFactory.getLogger(DisabledAccounts.class);
  private static final long RETRY_MS = 2_000;
  private static final int WARN_AFTER_ATTEMPTS = 5;

  private final Vertx vertx;
  private final ServiceClient services;
  private final Set<String> disabled = new HashSet<>();

  public DisabledAccounts(Vertx vertx, ServiceClient services) {
    this.vertx = vertx;
    this.services = services;
  }

  /** Follows the changes; {@code onDisabled} is told each user that gets disabled. */
  public Future<Void> start(Consumer<String> onDisabled) {
    var consumer = vertx.eventBus().<AccountDisabled>consumer(Addresses.Chat.USER_DISABLED_CHANGED, message -> {
      String userId = message.body().userId();
      if (message.body().disabled()) {
        disabled.add(userId);
        onDisabled.accept(userId);
      } else {
        disabled.remove(userId);
      }
    });
    return consumer.completion().onSuccess(x -> load());
  }

  private void load() {
    load(1);
  }

  private void load(int attempt) {
    services
        .request(ChatApi.USERS_DISABLED_LIST, Ack.DONE)
        .onSuccess(reply -> disabled.addAll(reply.userIds()))
        .onFailure(e -> {
          // At start chat-service may simply not be up yet: that is only worth a warning once it lasts.
          if (attempt >= WARN_AFTER_ATTEMPTS) {
            LOG.warn("could not read the disabled accounts yet ({}); retrying", e.getMessage());
          } else {
            LOG.debug("could not read the disabled accounts yet ({}); retrying", e.getMessage());
          }
          vertx.setTimer(RETRY_MS, id -> load(attempt + 1));
        });
  }

  /** The caller, or {@code unauthorized} when their account is disabled. */
  public Future<Caller> admit(Caller caller) {
    return disabled.contains(caller.userId())
        ? Future.failedFuture(ServiceException.unauthorized("this account is disabled"))
        : Future.succeededFuture(caller);
  }
}
