package io.chatplatform.chat.bus;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.chat.domain.Accounts;
import io.chatplatform.chat.domain.Administration;
import io.chatplatform.chat.domain.Messaging;
import io.chatplatform.chat.domain.Moderation;
import io.chatplatform.chat.domain.Receipts;
import io.chatplatform.chat.domain.RefreshTokens;
import io.chatplatform.chat.domain.Rooms;
import io.chatplatform.contracts.Ack;
import io.chatplatform.contracts.chat.ChatApi;
import io.chatplatform.contracts.chat.ChatApi.Caller;
import io.chatplatform.contracts.chat.ChatApi.Receipt;
import io.chatplatform.contracts.chat.ChatApi.RoomIds;
import io.chatplatform.contracts.chat.ChatApi.RoomRef;
import io.chatplatform.contracts.chat.ChatApi.SetDisabled;
import io.chatplatform.contracts.chat.ChatApi.UserIds;
import io.chatplatform.contracts.chat.ChatApi.UserRef;
import io.chatplatform.runtime.ServiceHandlers;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** chat-service's table of endpoints: each entry hands a typed request to the domain and shapes the reply. */
final class ChatHandlers {
  private final Accounts accounts;
  private final RefreshTokens refreshTokens;
  private final Rooms rooms;
  private final Messaging messaging;
  private final Receipts receipts;
  private final Moderation moderation;
  private final int roomListMaxBytes;
  private final Administration administration;
  private final int adminReplyMaxBytes;

  ChatHandlers(
      Accounts accounts, RefreshTokens refreshTokens, Rooms rooms, Messaging messaging, Receipts receipts, Moderation moderation,
      int roomListMaxBytes, Administration administration, int adminReplyMaxBytes) {
    this.moderation = moderation;
    this.administration = administration;
    this.adminReplyMaxBytes = adminReplyMaxBytes;
    this.accounts = accounts;
    this.refreshTokens = refreshTokens;
    this.rooms = rooms;
    this.messaging = messaging;
    this.receipts = receipts;
    this.roomListMaxBytes = roomListMaxBytes;
  }

  Future<Void> serve(EventBus eventBus) {
    return ServiceHandlers.on(eventBus)
        .handle(ChatApi.USER_REGISTER, r -> accounts.register(r).map(ClientViews::profile))
        .handle(ChatApi.USER_AUTHENTICATE, r -> accounts.authenticate(r).map(ClientViews::profileWithRoles))
        .handle(ChatApi.USER_GET, r -> accounts.get(r.userId()).map(ClientViews::profileWithRoles))
        .handle(ChatApi.USER_SEARCH, r -> accounts.search(r.query()).map(users ->
            new JsonObject().put("users", new JsonArray(users.stream().map(ClientViews::profile).toList()))))
        .handle(ChatApi.USER_SET_DISABLED, this::setDisabled)
        .handle(ChatApi.USER_SET_ADMIN, r -> administration.setAdmin(r).map(x -> new JsonObject().put("userId", r.userId()).put("admin", r.admin())))
        .handle(ChatApi.ADMIN_USERS_LIST, r -> administration.users(r).map(page -> AdminViews.userPage(page, adminReplyMaxBytes)))
        .handle(ChatApi.ADMIN_ROOM_DELETE, r -> administration.deleteRoomAsAdmin(r).map(Ack.DONE))
        .handle(ChatApi.ROOM_DELETE, r -> administration.deleteRoom(r).map(Ack.DONE))
        .handle(ChatApi.ADMIN_AUDIT_LIST, r -> administration.audit(r).map(page -> AdminViews.auditPage(page, adminReplyMaxBytes)))
        .handle(ChatApi.USERS_DISABLED_LIST, r -> accounts.disabledIds().map(UserIds::new))
        .handle(ChatApi.REFRESH_ISSUE, r -> refreshTokens.issue(r.userId(), r.tokenHash()).map(ChatHandlers::grant))
        .handle(ChatApi.REFRESH_ROTATE, r -> refreshTokens.rotate(r.tokenHash(), r.nextTokenHash()).map(ChatHandlers::grant))
        .handle(ChatApi.REFRESH_REVOKE, r -> refreshTokens.revoke(r.tokenHash()).map(Ack.DONE))
        .handle(ChatApi.USER_CONTACTS, (UserRef r) -> rooms.contacts(r.userId()).map(UserIds::new))
        .handle(ChatApi.ROOM_CREATE, r -> rooms.create(r).map(ClientViews::room))
        .handle(ChatApi.ROOM_DIRECT, r -> rooms.direct(r).map(ClientViews::room))
        .handle(ChatApi.ROOM_LIST, r -> rooms.list(r.callerId(), r.limit(), r.after()).map(page -> ClientViews.roomPage(page, roomListMaxBytes)))
        .handle(ChatApi.ROOM_GET, (RoomRef r) -> rooms.get(r.callerId(), r.roomId()).map(ClientViews::room))
        .handle(ChatApi.ROOM_MEMBER_ADD, r -> rooms.addMember(r).map(Ack.DONE))
        .handle(ChatApi.ROOM_MEMBER_REMOVE, r -> moderation.removeMember(r).map(Ack.DONE))
        .handle(ChatApi.ROOM_RENAME, r -> rooms.rename(r).map(ClientViews::room))
        .handle(ChatApi.ROOM_ROLE_SET, r -> moderation.changeRole(r).map(ClientViews::room))
        .handle(ChatApi.ROOM_MODERATE, r -> moderation.moderate(r).map(ClientViews::moderation))
        .handle(ChatApi.ROOM_IDS_OF_USER, (Caller r) -> rooms.roomIdsOf(r.callerId()).map(RoomIds::new))
        .handle(ChatApi.ROOM_CHECK_MEMBER, (RoomRef r) -> rooms.memberRoom(r.roomId(), r.callerId()).map(Ack.DONE))
        .handle(ChatApi.RECEIPT_MARK, (Receipt r) -> receipts.mark(r).map(marked ->
            new JsonObject().put("delivered", marked.delivered()).put("read", marked.read())))
        .handle(ChatApi.RECEIPT_LIST, (RoomRef r) -> receipts.list(r.callerId(), r.roomId()))
        .handle(ChatApi.ROOM_PUSH_INFO, r -> rooms.pushInfo(r.roomId(), r.named()).map(view -> pushRoom(view, r.members())))
        .handle(ChatApi.MESSAGE_SEND, messaging::send)
        .handle(ChatApi.MESSAGE_EDIT, messaging::edit)
        .handle(ChatApi.MESSAGE_DELETE, messaging::delete)
        .handle(ChatApi.MESSAGE_REACT, messaging::react)
        .handle(ChatApi.MESSAGE_PAGE, messaging::page)
        .handle(ChatApi.MESSAGE_SEARCH, messaging::search)
        .handle(ChatApi.MESSAGE_SYNC, messaging::sync)
        .answerPings(Addresses.Chat.PING)
        .completion();
  }

  private static ChatApi.RefreshGrant grant(RefreshTokens.Grant grant) {
    return new ChatApi.RefreshGrant(grant.user().userId(), grant.user().username(), grant.user().roles(), grant.expiresIn());
  }

  /** The members only when asked: a decision needs them only to rebuild the room's delivered index. */
  private static ChatApi.PushRoom pushRoom(io.chatplatform.chat.domain.RoomView view, boolean members) {
    java.util.Map<String, String> usernames = new java.util.LinkedHashMap<>();
    view.people().forEach((id, user) -> usernames.put(id, user.username()));
    return new ChatApi.PushRoom(view.room().roomId(), view.room().type(), view.room().isDirect() ? "" : view.room().name(),
        view.room().version(), members ? view.room().memberIds() : java.util.List.of(), usernames);
  }

  /** Client-facing {@code {userId, disabled}}. */
  private Future<JsonObject> setDisabled(SetDisabled request) {
    return administration
        .setDisabled(request)
        .map(x -> new JsonObject().put("userId", request.userId()).put("disabled", request.disabled()));
  }
}
