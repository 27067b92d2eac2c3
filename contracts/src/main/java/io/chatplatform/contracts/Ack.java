package io.chatplatform.contracts;

import io.vertx.core.json.JsonObject;

/** The reply of a request that answers nothing but success: {@code {}} to a client. */
public record Ack() {
  public static final Ack DONE = new Ack();
  public static final Shape<Ack> SHAPE = Shape.of(Ack.class, json -> DONE, ack -> new JsonObject());
}
