package io.chatplatform.gateway;

/**
 * What every client request passes before a service sees it, shared by REST and the socket:
 * the rate limits, the body schemas, the list of disabled accounts, and the allowed origins.
 */
record Guards(RateLimiter limiter, RequestSchemas schemas, DisabledAccounts disabledAccounts, OriginPolicy origins) {}
