package io.chatplatform.gateway;

/**
 * What every client request passes before a service sees it, shared by REST and the socket:
 * the rate limits, the body schemas, and the list of disabled accounts.
 */
record Guards(RateLimiter limiter, RequestSchemas schemas, DisabledAccounts disabledAccounts) {}
