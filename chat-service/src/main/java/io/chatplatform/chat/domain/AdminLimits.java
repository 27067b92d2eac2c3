package io.chatplatform.chat.domain;

/**
 * What the admin API bounds, each a setting named after its environment variable.
 *
 * @param userPageMax most accounts in one page of the admin user list ({@code ADMIN_USER_PAGE_MAX})
 * @param auditPageMax most entries in one page of the audit log ({@code AUDIT_PAGE_MAX})
 * @param replyMaxBytes most bytes of JSON in one page of either; what is beyond comes on the next
 *     page ({@code ADMIN_REPLY_MAX_BYTES})
 * @param reasonMaxLength longest reason an admin act may carry, in code points ({@code ADMIN_REASON_MAX_LENGTH})
 */
public record AdminLimits(int userPageMax, int auditPageMax, int replyMaxBytes, int reasonMaxLength) {}
