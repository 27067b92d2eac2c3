package io.chatplatform.gateway.socket;

import io.chatplatform.gateway.auth.Caller;
import io.chatplatform.gateway.auth.DisabledAccounts;
import io.chatplatform.gateway.auth.Tokens;
import io.vertx.core.Future;

/**
 * Who a new socket belongs to: the caller of its ticket (redeemed, so it works once) or, without
 * one, of its access token; {@code unauthorized} when neither is valid or the account is disabled.
 */
final class SocketAuthenticator {
  private final Tokens tokens;
  private final DisabledAccounts disabledAccounts;

  SocketAuthenticator(Tokens tokens, DisabledAccounts disabledAccounts) {
    this.tokens = tokens;
    this.disabledAccounts = disabledAccounts;
  }

  Future<Caller> authenticate(ConnectParams params) {
    return params.ticket() != null ? tokens.redeemTicket(params.ticket()).compose(disabledAccounts::admit) : verify(params.accessToken());
  }

  /** The caller of an access token, with the checks made at connect ({@code auth.renew} uses them too). */
  Future<Caller> verify(String accessToken) {
    return tokens.verify(accessToken).compose(disabledAccounts::admit);
  }
}
