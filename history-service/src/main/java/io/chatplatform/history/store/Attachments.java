package io.chatplatform.history.store;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.history.FileInfo;
import io.chatplatform.contracts.history.HistoryApi.Append;
import io.chatplatform.contracts.history.HistoryApi.Appended;
import io.chatplatform.contracts.history.Message;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Attaching files to a message: each file must be ready, of the message's room, uploaded by its
 * sender, and not attached elsewhere. A message is stored in three steps, each repairable by the
 * sender's retry (same {@code clientMsgId}, so same {@code clientKey}) or by the sweep:
 * <ol>
 *   <li><b>claim</b> ({@link #claim}): each file's {@code attachedTo} moves from null to the
 *       message's {@code clientKey}, one conditional update per file, so two messages never both
 *       get one file; a retry finds its own claims and goes on. If any file may not be attached,
 *       the claims this attempt made are given back and the send is refused.
 *   <li><b>store</b> the message with the files as they are now ({@link MessageStore#append(Append, List)});
 *       a refusal (bad {@code replyTo}) gives the claims back too. A failure that may have stored
 *       it ({@code unavailable}) keeps them: the retry needs them.
 *   <li><b>confirm</b> ({@link #confirm}): the files get the stored message's {@code messageId}.
 * </ol>
 * A crash after a claim leaves files claimed by a key: a retry confirms them, and otherwise the
 * sweep finds them among the files no message owns, confirms those the key's stored message lists,
 * and deletes the rest once they are {@code ORPHAN_FILE_HOURS} old ({@code FileSweeper}).
 */
public final class Attachments {
  private final FileCatalog catalog;
  private final MessageStore messages;

  public Attachments(FileCatalog catalog, MessageStore messages) {
    this.catalog = catalog;
    this.messages = messages;
  }

  /** Claims the message's files and stores it with them; then the files are the message's. */
  public Future<Appended> append(Append message) {
    return claim(message).compose(claimed -> messages
        .append(message, claimed.files())
        .recover(failure -> refused(failure) ? claimed.giveBack().compose(x -> Future.failedFuture(failure)) : Future.failedFuture(failure))
        .compose(appended -> confirm(appended.message(), MessageStore.clientKey(message)).map(appended)));
  }

  /** The files an attempt claimed: all of its message's files, of which {@code fresh} by this attempt. */
  record Claim(List<FileInfo> files, List<String> fresh, String clientKey, FileCatalog catalog) {
    Future<Void> giveBack() {
      return Future.all(fresh.stream().map(id -> catalog.release(id, clientKey)).toList()).mapEmpty();
    }
  }

  Future<Claim> claim(Append message) {
    List<String> ids = message.attachments();
    String clientKey = MessageStore.clientKey(message);
    if (ids.isEmpty()) {
      return Future.succeededFuture(new Claim(List.of(), List.of(), clientKey, catalog));
    }
    List<Future<Boolean>> claims = ids.stream().map(id -> catalog.claim(id, message.roomId(), message.senderId(), clientKey)).toList();
    return Future.all(claims)
        .compose(x -> catalog.findAll(ids))
        .compose(records -> {
          List<String> fresh = new ArrayList<>();
          for (int i = 0; i < ids.size(); i++) {
            if (claims.get(i).result()) {
              fresh.add(ids.get(i));
            }
          }
          Claim claim = new Claim(new ArrayList<>(), fresh, clientKey, catalog);
          for (String id : ids) {
            FileRecord file = records.get(id);
            ServiceException refusal = refusal(file, message, clientKey);
            if (refusal != null) {
              return claim.giveBack().compose(y -> Future.failedFuture(refusal));
            }
            claim.files().add(file.info());
          }
          return Future.succeededFuture(new Claim(List.copyOf(claim.files()), fresh, clientKey, catalog));
        });
  }

  /** Why the file may not be attached, or null. Files of other rooms or users read as unknown, as missing ones do. */
  private static ServiceException refusal(FileRecord file, Append message, String clientKey) {
    if (file == null || !file.ready() || !file.roomId().equals(message.roomId()) || !file.uploaderId().equals(message.senderId())) {
      return ServiceException.badRequest("unknown file in attachments");
    }
    if (!clientKey.equals(file.attachedTo())) {
      return ServiceException.badRequest("file " + file.fileId() + " is already attached to another message");
    }
    return null;
  }

  /** The stored message owns its files (also after a retry answered as a duplicate). */
  Future<Void> confirm(Message stored, String clientKey) {
    return catalog.confirm(stored.attachments().stream().map(FileInfo::fileId).toList(), clientKey, stored.messageId());
  }

  /** A failure that stored nothing for sure: the claims can go back. */
  private static boolean refused(Throwable failure) {
    return failure instanceof ServiceException e && e.code() == ErrorCode.BAD_REQUEST;
  }
}
