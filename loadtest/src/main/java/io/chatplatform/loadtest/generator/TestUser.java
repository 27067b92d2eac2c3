package io.chatplatform.loadtest.generator;

/** A generated user, logged in. {@code index} is its number within this process (0-based). */
record TestUser(int index, String username, String userId, String accessToken) {
  String inbox() {
    return "user." + userId;
  }
}
