package io.chatplatform.contracts;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * Event bus codec of a typed payload. Inside one JVM the record itself is delivered (records of
 * the contracts are immutable, so sharing one is safe and costs no copy); between cluster members
 * it is written once as its JSON form and read back on the other side.
 */
final class ShapeCodec<T> implements MessageCodec<T, T> {
  private final Shape<T> shape;

  ShapeCodec(Shape<T> shape) {
    this.shape = shape;
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    Buffer json = shape.write().apply(value).toBuffer();
    buffer.appendInt(json.length());
    buffer.appendBuffer(json);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    JsonObject json = new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length));
    return shape.read().apply(json);
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return "chat:" + shape.type().getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
