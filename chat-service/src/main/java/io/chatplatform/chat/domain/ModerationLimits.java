package io.chatplatform.chat.domain;

/**
 * The bounds of moderation, each a setting of chat-service ({@code ChatConfig} names them):
 * {@code reasonMaxLength}, the longest reason of a moderation act in characters
 * ({@code MODERATION_REASON_MAX_LENGTH}); {@code muteMaxSeconds}, the longest {@code durationSec}
 * of a mute ({@code MODERATION_MUTE_MAX_SECONDS}; a mute without one lasts until unmuted).
 */
public record ModerationLimits(int reasonMaxLength, long muteMaxSeconds) {
  public static final ModerationLimits DEFAULTS = new ModerationLimits(500, 30L * 24 * 3600);
}
