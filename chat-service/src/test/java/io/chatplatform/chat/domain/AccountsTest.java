package io.chatplatform.chat.domain;

import static io.chatplatform.chat.domain.ChatDomain.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.chat.ChatApi.Credentials;
import io.chatplatform.contracts.chat.ChatApi.Register;
import io.chatplatform.contracts.chat.ChatApi.SetDisabled;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Accounts")
class AccountsTest {
  final ChatDomain chat = new ChatDomain();

  @Test
  @DisplayName("register a user with a hashed password, the display name defaulting to the username, admins by name")
  void register() {
    User bob = result(chat.accounts.register(new Register("bob", "correct horse", " ")));
    assertThat(bob.displayName()).isEqualTo("bob");
    assertThat(bob.passwordHash()).doesNotContain("correct horse");
    assertThat(bob.isAdmin()).isFalse();
    assertThat(result(chat.accounts.register(new Register("root", "correct horse", "Root"))).isAdmin()).isTrue();
  }

  @Test
  @DisplayName("usernames are one whatever their case: \"Alice\" registers as alice, is taken for \"ALICE\", and logs in as any case")
  void usernameCase() {
    User alice = result(chat.accounts.register(new Register("Alice", "correct horse", null)));
    assertThat(alice.username()).isEqualTo("alice");
    assertThat(alice.displayName()).as("the username as typed").isEqualTo("Alice");
    assertThatThrownBy(() -> result(chat.accounts.register(new Register("ALICE", "correct horse", null))))
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    assertThat(result(chat.accounts.authenticate(new Credentials("ALIce", "correct horse"))).userId()).isEqualTo(alice.userId());
  }

  @Test
  @DisplayName("refuse a taken username as a conflict and a bad one as a bad request")
  void refusals() {
    chat.user("bob");
    assertThatThrownBy(() -> result(chat.accounts.register(new Register("bob", "another one", null))))
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    assertThatThrownBy(() -> result(chat.accounts.register(new Register("B@", "another one", null))))
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
  }

  @Test
  @DisplayName("a display name that looks like another user's name or username is a conflict; one's own is fine")
  void lookalikeDisplayNames() {
    chat.user("alice");
    result(chat.accounts.register(new Register("carol", "correct horse", "Carol Smith")));
    for (String copy : new String[] {"Alice", "ALICE", "\u0430lice", "carol smith", "Carol  Smith"}) {
      assertThatThrownBy(() -> result(chat.accounts.register(new Register("mallory" + copy.length(), "correct horse", copy))))
          .as(copy)
          .isInstanceOfSatisfying(ServiceException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
            assertThat(e.getMessage()).isEqualTo("displayName looks like another user's name");
          });
    }
    assertThat(result(chat.accounts.register(new Register("dave", "correct horse", "Dave"))).displayName()).isEqualTo("Dave");
    assertThat(result(chat.accounts.register(new Register("erin", "correct horse", "Alicia"))).displayName()).isEqualTo("Alicia");
  }

  @Test
  @DisplayName("authenticate the right password only, with one answer for a wrong password and an unknown user")
  void authenticate() {
    chat.user("bob");
    assertThat(result(chat.accounts.authenticate(new Credentials("bob", "password-bob"))).username()).isEqualTo("bob");
    for (Credentials wrong : new Credentials[] {new Credentials("bob", "nope-nope"), new Credentials("nobody", "password-bob")}) {
      assertThatThrownBy(() -> result(chat.accounts.authenticate(wrong)))
          .isInstanceOfSatisfying(ServiceException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
            assertThat(e.getMessage()).isEqualTo("wrong username or password");
          });
    }
  }

  @Test
  @DisplayName("let only admins disable an account, announce it, and refuse its login afterwards")
  void disable() {
    String root = result(chat.accounts.register(new Register("root", "password-root", null))).userId();
    String bob = chat.user("bob");
    String carol = chat.user("carol");
    assertThatThrownBy(() -> result(chat.accounts.setDisabled(new SetDisabled(carol, bob, true))))
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
    assertThat(chat.events.disabled).isEmpty();

    result(chat.accounts.setDisabled(new SetDisabled(root, bob, true)));
    assertThat(chat.events.disabled).containsExactly(new RecordedEvents.Disabled(bob, true));
    assertThat(result(chat.accounts.disabledIds())).containsExactly(bob);
    // The same answer for the right and a wrong password: no oracle for a disabled account's password.
    for (String password : new String[] {"password-bob", "a-wrong-guess"}) {
      assertThatThrownBy(() -> result(chat.accounts.authenticate(new Credentials("bob", password))))
          .as(password)
          .isInstanceOfSatisfying(ServiceException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
            assertThat(e.getMessage()).isEqualTo("this account is disabled");
          });
    }
    assertThatThrownBy(() -> result(chat.accounts.setDisabled(new SetDisabled(root, "u_missing", true))))
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  @DisplayName("search usernames and display-name words by prefix, case-insensitively, within the limit; nobody for an empty query")
  void search() {
    for (String name : new String[] {"anna", "anne", "annie", "anton", "antje", "anya", "bob"}) {
      chat.user(name);
    }
    assertThat(result(chat.accounts.search(" ANN ")).stream().map(User::username)).containsExactly("anna", "anne", "annie");
    assertThat(result(chat.accounts.search("an"))).hasSize(ChatDomain.LIMITS.userSearchLimit());
    assertThat(result(chat.accounts.search(""))).isEmpty();
    assertThat(result(chat.accounts.search("a*"))).as("no pattern, just text").isEmpty();
    assertThatThrownBy(() -> result(chat.accounts.search("x".repeat(65)))).isInstanceOf(ServiceException.class);
    assertThatThrownBy(() -> result(chat.accounts.search("a b c d e"))).isInstanceOf(ServiceException.class);

    result(chat.accounts.register(new Register("jdoe", "correct horse", "Jane Émilie Doe")));
    for (String query : new String[] {"jane", "DOE", "émi", "ÉMILIE", "jan do", "jdo"}) {
      assertThat(result(chat.accounts.search(query)).stream().map(User::username)).as(query).containsExactly("jdoe");
    }
    assertThat(result(chat.accounts.search("ane"))).as("a word's start, not its middle").isEmpty();
    assertThat(result(chat.accounts.search("jane bob"))).as("every word must match").isEmpty();
  }
}
