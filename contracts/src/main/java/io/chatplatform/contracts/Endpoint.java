package io.chatplatform.contracts;

/**
 * A request/reply address with the types it takes and answers. Services register a handler for
 * an endpoint and callers request it, both through these constants, so an address and its
 * payloads are written once.
 */
public record Endpoint<Q, R>(String address, Shape<Q> request, Shape<R> reply) {

  public static <Q, R> Endpoint<Q, R> of(String address, Shape<Q> request, Shape<R> reply) {
    return new Endpoint<>(address, request, reply);
  }
}
