package io.chatplatform.presence.store;

import io.chatplatform.presence.domain.PresenceStore;

import org.junit.jupiter.api.DisplayName;

@DisplayName("The in-memory presence store")
class MemoryPresenceStoreTest extends PresenceStoreContract {
  @Override
  PresenceStore newStore(long nodeTtlMs) {
    return new MemoryPresenceStore(nodeTtlMs);
  }
}
