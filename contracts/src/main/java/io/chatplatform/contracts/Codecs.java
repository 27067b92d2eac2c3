package io.chatplatform.contracts;

import io.chatplatform.contracts.chat.ChatApi;
import io.chatplatform.contracts.history.HistoryApi;
import io.chatplatform.contracts.notification.NotificationApi;
import io.chatplatform.contracts.presence.PresenceApi;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Registers a {@link ShapeCodec} for every typed payload of the contracts, so they can be sent
 * as they are. Every event bus that serves or calls an endpoint needs them; registering is
 * idempotent, so each service, client and test registers without knowing who did before.
 */
public final class Codecs {
  private Codecs() {}

  private static final List<Shape<?>> TYPED = typedShapes();
  private static final Map<Class<?>, Shape<?>> BY_TYPE = byType(TYPED);

  public static EventBus register(EventBus eventBus) {
    for (Shape<?> shape : TYPED) {
      register(eventBus, shape);
    }
    return eventBus;
  }

  /**
   * The JSON form of a typed payload of the contracts, through its own shape; null when {@code value}
   * is of no typed shape. Lets a receiver read a payload sent as another type than it expects (an
   * older member's reply during a rolling upgrade) through the type it expects.
   */
  public static JsonObject json(Object value) {
    return value == null ? null : write(BY_TYPE.get(value.getClass()), value);
  }

  @SuppressWarnings("unchecked")
  private static <T> JsonObject write(Shape<T> shape, Object value) {
    return shape == null ? null : shape.write().apply((T) value);
  }

  private static Map<Class<?>, Shape<?>> byType(List<Shape<?>> shapes) {
    Map<Class<?>, Shape<?>> byType = new LinkedHashMap<>();
    shapes.forEach(shape -> byType.put(shape.type(), shape));
    return Map.copyOf(byType);
  }

  private static <T> void register(EventBus eventBus, Shape<T> shape) {
    try {
      eventBus.registerDefaultCodec(shape.type(), new ShapeCodec<>(shape));
    } catch (IllegalStateException alreadyRegistered) {
      // Another service or client on this event bus registered it first: the same codec.
    }
  }

  private static List<Shape<?>> typedShapes() {
    Map<Class<?>, Shape<?>> byType = new LinkedHashMap<>();
    List<Endpoint<?, ?>> endpoints = new ArrayList<>();
    endpoints.addAll(ChatApi.ALL);
    endpoints.addAll(HistoryApi.ALL);
    endpoints.addAll(PresenceApi.ALL);
    endpoints.addAll(NotificationApi.ALL);
    for (Endpoint<?, ?> endpoint : endpoints) {
      byType.putIfAbsent(endpoint.request().type(), endpoint.request());
      byType.putIfAbsent(endpoint.reply().type(), endpoint.reply());
    }
    ChatApi.PUBLISHED.forEach(shape -> byType.putIfAbsent(shape.type(), shape));
    NotificationApi.PUBLISHED.forEach(shape -> byType.putIfAbsent(shape.type(), shape));
    byType.putIfAbsent(ClientEvents.ForUsers.class, ClientEvents.ForUsers.SHAPE);
    return byType.values().stream().filter(Shape::typed).toList();
  }
}
