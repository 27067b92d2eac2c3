package io.chatplatform.chat.domain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Renders docs/roles.md from {@link RoomPermissions}, so the document cannot drift from the code:
 * {@code RoomPermissionsDocTest} fails when the file differs. Regenerate with
 * {@code java -cp chat-service/target/classes io.chatplatform.chat.domain.RoomPermissionsDoc docs/roles.md}
 * from the repository root (after {@code mvn -pl chat-service -am compile}).
 */
public final class RoomPermissionsDoc {
  private RoomPermissionsDoc() {}

  public static String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Room roles and permissions\n\n")
        .append("<!-- GENERATED from chat-service RoomPermissions by RoomPermissionsDoc: do not edit by hand. -->\n\n")
        .append("Roles in a group room are `owner`, `moderator` and `member`; `admin` is the global user role\n")
        .append("(`ADMIN_USERNAMES`), which has it in every room it is in, whatever its room role. Being in the\n")
        .append("room comes first: a room the caller is not in answers `not_found`, admin or not. Leaving (removing\n")
        .append("oneself) needs no permission. A direct room has no roles: its members may do none of this, and\n")
        .append("only an admin may delete another's message there. A refusal is `forbidden`. One act outside\n")
        .append("the rooms: the admin console's `DELETE /admin/rooms/{roomId}` lets an admin delete any group\n")
        .append("room, member of it or not.\n\n")
        .append("\"not on an owner\": the action may not target a member whose role is `owner` (a moderator may\n")
        .append("never remove, mute, ban, change the role of, or delete the message of an owner). A target who is\n")
        .append("not a member (a banned user, the sender of an old message) counts as a `member`.\n\n");
    md.append("| Action |");
    for (RoomPermissions.Role role : RoomPermissions.Role.values()) {
      md.append(' ').append(role.word()).append(" |");
    }
    md.append("\n|---|");
    md.append("---|".repeat(RoomPermissions.Role.values().length)).append('\n');
    for (RoomPermissions action : RoomPermissions.values()) {
      md.append("| ").append(action.description()).append(" (`").append(action.name()).append("`) |");
      for (RoomPermissions.Role role : RoomPermissions.Role.values()) {
        md.append(' ').append(action.reach(role).word()).append(" |");
      }
      md.append('\n');
    }
    md.append("\nA room always keeps at least one owner: demoting the last owner is `conflict`. When the last\n")
        .append("owner leaves, the earliest member becomes owner.\n");
    return md.toString();
  }

  public static void main(String[] args) throws IOException {
    Path target = Path.of(args.length > 0 ? args[0] : "docs/roles.md");
    Files.writeString(target, markdown(), StandardCharsets.UTF_8);
  }
}
