package io.chatplatform.notification.providers;

import io.chatplatform.notification.domain.PushMessage;

/** The visible words of a push with a preview, the same on every provider. */
public final class PushTexts {
  private PushTexts() {}

  /** The room's name, or the sender's in a direct room (which has no name). */
  public static String title(PushMessage message) {
    return message.roomName() == null || message.roomName().isEmpty() ? message.senderName() : message.roomName();
  }

  /** The preview, prefixed by the sender in a named room, with how many more messages it stands for. */
  public static String body(PushMessage message) {
    String line = title(message).equals(message.senderName()) ? message.preview() : message.senderName() + ": " + message.preview();
    return message.count() > 1 ? line + " (+" + (message.count() - 1) + " more)" : line;
  }
}
