package io.chatplatform.chat;

import io.chatplatform.chat.domain.AdminLimits;
import io.chatplatform.chat.domain.ChatLimits;
import io.chatplatform.chat.domain.ModerationLimits;
import io.chatplatform.runtime.MongoConfig;
import io.chatplatform.runtime.Settings;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Settings of chat-service; each is named after its environment variable.
 *
 * @param mongo its database (users and rooms)
 * @param passwordHashIterations PBKDF2-HMAC-SHA256 iterations for new passwords ({@code PASSWORD_HASH_ITERATIONS})
 * @param limits what the domain enforces: longest message text in characters
 *     ({@code MESSAGE_MAX_TEXT_LENGTH}), most members of a group room ({@code ROOM_MAX_MEMBERS}),
 *     longest room name ({@code ROOM_MAX_NAME_LENGTH}), most users one search returns
 *     ({@code USER_SEARCH_LIMIT}), most rooms one {@code chat.sync} may name ({@code SYNC_MAX_ROOMS}),
 *     the largest {@code limit} of a history page, as history-service allows it
 *     ({@code HISTORY_MAX_PAGE_SIZE}), and the largest room whose every member is told when a
 *     watermark moves; in larger ones only the reader's own devices are, as receipt events
 *     would grow with the square of the room ({@code RECEIPT_EVENTS_MAX_MEMBERS}), most rooms
 *     (group and direct) one user may be in ({@code ROOMS_PER_USER_MAX}), and most rooms in one
 *     page of {@code GET /rooms} ({@code ROOM_LIST_PAGE_MAX}), and most files one message may carry
 *     ({@code MESSAGE_MAX_ATTACHMENTS}), and how long after sending a message its sender may edit
 *     it, 0 for no limit ({@code EDIT_WINDOW_SECONDS}), most distinct emoji reacted to one message
 *     ({@code MAX_REACTIONS_PER_MESSAGE}), user ids shown per emoji ({@code REACTION_NAMES_SHOWN}),
 *     longest emoji or shortcode ({@code REACTION_EMOJI_MAX_LENGTH}), and code points of the quoted
 *     text a reply keeps ({@code REPLY_EXCERPT_CHARS})
 * @param historyTimeoutMs how long chat-service waits for history-service; below the gateway's
 *     {@code SERVICE_TIMEOUT_MS} so the client hears the real failure ({@code HISTORY_TIMEOUT_MS})
 * @param roomCacheSize rooms an instance keeps in memory ({@code ROOM_CACHE_SIZE})
 * @param roomCacheTtlMs longest a cached room is used without reading it again ({@code ROOM_CACHE_TTL_MS})
 * @param adminUsernames users who get the {@code admin} role when they register ({@code ADMIN_USERNAMES})
 * @param roomListMaxBytes most bytes of JSON in one page of {@code GET /rooms}; rooms beyond it come
 *     on the next page ({@code ROOM_LIST_MAX_BYTES})
 * @param refreshTokenTtlSeconds lifetime of a refresh token from its issue; each exchange issues a
 *     new one, so a login lasts while it is refreshed within this time ({@code REFRESH_TOKEN_TTL_SECONDS})
 * @param refreshFamiliesPerUserMax live logins (refresh token families) one user may hold; a login
 *     beyond it revokes the least recently refreshed ({@code REFRESH_FAMILIES_PER_USER_MAX})
 * @param adminLimits the bounds of the admin API's pages and reasons ({@link AdminLimits})
 * @param moderation the longest reason of a moderation act ({@code MODERATION_REASON_MAX_LENGTH})
 *     and the longest mute ({@code MODERATION_MUTE_MAX_SECONDS})
 */
public record ChatConfig(
    MongoConfig mongo,
    int passwordHashIterations,
    ChatLimits limits,
    long historyTimeoutMs,
    int roomCacheSize,
    long roomCacheTtlMs,
    Set<String> adminUsernames,
    int roomListMaxBytes,
    long refreshTokenTtlSeconds,
    int refreshFamiliesPerUserMax,
    AdminLimits adminLimits,
    ModerationLimits moderation) {

  public static ChatConfig from(Settings settings) {
    return new ChatConfig(
        MongoConfig.from(settings),
        settings.integer("PASSWORD_HASH_ITERATIONS", 310_000),
        new ChatLimits(
            settings.integer("MESSAGE_MAX_TEXT_LENGTH", 4000),
            settings.integer("ROOM_MAX_MEMBERS", 1000),
            settings.integer("ROOM_MAX_NAME_LENGTH", 100),
            settings.integer("USER_SEARCH_LIMIT", 20),
            settings.integer("SYNC_MAX_ROOMS", 500),
            settings.integer("HISTORY_MAX_PAGE_SIZE", 100),
            settings.integer("RECEIPT_EVENTS_MAX_MEMBERS", 50),
            settings.integer("ROOMS_PER_USER_MAX", 1000),
            settings.integer("ROOM_LIST_PAGE_MAX", 100),
            settings.integer("MESSAGE_MAX_ATTACHMENTS", 10),
            notNegative(settings.longValue("EDIT_WINDOW_SECONDS", 0), "EDIT_WINDOW_SECONDS"),
            (int) atLeastOne(settings.integer("MAX_REACTIONS_PER_MESSAGE", 20), "MAX_REACTIONS_PER_MESSAGE"),
            (int) notNegative(settings.integer("REACTION_NAMES_SHOWN", 10), "REACTION_NAMES_SHOWN"),
            (int) atLeastOne(settings.integer("REACTION_EMOJI_MAX_LENGTH", 32), "REACTION_EMOJI_MAX_LENGTH"),
            (int) notNegative(settings.integer("REPLY_EXCERPT_CHARS", 100), "REPLY_EXCERPT_CHARS")),
        settings.longValue("HISTORY_TIMEOUT_MS", 4000),
        settings.integer("ROOM_CACHE_SIZE", 10_000),
        settings.longValue("ROOM_CACHE_TTL_MS", 60_000),
        Arrays.stream(settings.string("ADMIN_USERNAMES", "").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet()),
        settings.integer("ROOM_LIST_MAX_BYTES", 1024 * 1024),
        atLeastOne(settings.longValue("REFRESH_TOKEN_TTL_SECONDS", 30L * 24 * 3600), "REFRESH_TOKEN_TTL_SECONDS"),
        (int) atLeastOne(settings.integer("REFRESH_FAMILIES_PER_USER_MAX", 50), "REFRESH_FAMILIES_PER_USER_MAX"),
        new AdminLimits(
            (int) atLeastOne(settings.integer("ADMIN_USER_PAGE_MAX", 100), "ADMIN_USER_PAGE_MAX"),
            (int) atLeastOne(settings.integer("AUDIT_PAGE_MAX", 100), "AUDIT_PAGE_MAX"),
            (int) atLeastOne(settings.integer("ADMIN_REPLY_MAX_BYTES", 256 * 1024), "ADMIN_REPLY_MAX_BYTES"),
            (int) atLeastOne(settings.integer("ADMIN_REASON_MAX_LENGTH", 500), "ADMIN_REASON_MAX_LENGTH")),
        new ModerationLimits(
            (int) atLeastOne(settings.integer("MODERATION_REASON_MAX_LENGTH", ModerationLimits.DEFAULTS.reasonMaxLength()),
                "MODERATION_REASON_MAX_LENGTH"),
            atLeastOne(settings.longValue("MODERATION_MUTE_MAX_SECONDS", ModerationLimits.DEFAULTS.muteMaxSeconds()),
                "MODERATION_MUTE_MAX_SECONDS")));
  }

  private static long notNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be 0 (no limit) or more");
    }
    return value;
  }

  private static long atLeastOne(long value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1");
    }
    return value;
  }
}
