package io.chatplatform.gateway;

import io.chatplatform.gateway.auth.DisabledAccounts;
import io.chatplatform.gateway.ratelimit.RateLimiter;
import io.chatplatform.gateway.validation.RequestSchemas;
import io.chatplatform.gateway.web.OriginPolicy;

/**
 * What every client request passes before a service sees it, shared by REST and the socket:
 * the rate limits, the body schemas, the list of disabled accounts, and the allowed origins.
 */
public record Guards(RateLimiter limiter, RequestSchemas schemas, DisabledAccounts disabledAccounts, OriginPolicy origins) {}
