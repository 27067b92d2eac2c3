package io.chatplatform.gateway.auth;

import io.vertx.core.json.JsonArray;

/**
 * An authenticated user, as the gateway knows it from a verified token.
 *
 * @param expiresAt when the credential that authenticated it expires (epoch ms)
 */
public record Caller(String userId, String username, JsonArray roles, long expiresAt) {}
