package io.chatplatform.chat.domain;

/**
 * One moderation act as clients hear it ({@code moderation} event) and the request is answered.
 *
 * @param action {@code mute}, {@code unmute}, {@code kick}, {@code ban} or {@code unban}
 * @param mutedUntil a mute's end (epoch ms); null for a mute until unmuted, and for other acts
 * @param changed false when the act found things already so (unmuting the unmuted): nothing is
 *     announced or audited then
 */
public record ModerationAct(
    String roomId, String action, String userId, String actorId, long at, Long mutedUntil, String reason, boolean changed) {}
