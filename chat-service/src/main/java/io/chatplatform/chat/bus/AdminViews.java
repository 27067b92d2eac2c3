package io.chatplatform.chat.bus;

import io.chatplatform.chat.domain.Administration;
import io.chatplatform.chat.domain.AuditEntry;
import io.chatplatform.chat.domain.User;
import io.vertx.core.json.JsonObject;

/** The JSON of the admin API's replies, as docs/protocol.md gives it; only admins ever see these. */
final class AdminViews {
  private AdminViews() {}

  /** {@code {userId, username, displayName, admin, disabled, createdAt}}: never the password hash. */
  static JsonObject user(User user) {
    return ClientViews.profile(user).put("admin", user.isAdmin()).put("disabled", user.disabled()).put("createdAt", user.createdAt());
  }

  /** {@code {id, at, actorId, action, targetUserId, roomId, seq, reason, details}}; a field that does not apply is null. */
  static JsonObject entry(AuditEntry e) {
    return new JsonObject()
        .put("id", e.id())
        .put("at", e.at())
        .put("actorId", e.actorId())
        .put("action", e.action())
        .put("targetUserId", e.targetUserId())
        .put("roomId", e.roomId())
        .put("seq", e.seq())
        .put("reason", e.reason())
        .put("details", e.details());
  }

  static JsonObject userPage(Administration.UserPage page, int maxBytes) {
    return CappedPage.of("users", page.users(), AdminViews::user, "username", page.next(), maxBytes);
  }

  static JsonObject auditPage(Administration.AuditPage page, int maxBytes) {
    return CappedPage.of("entries", page.entries(), AdminViews::entry, "id", page.next(), maxBytes);
  }
}
