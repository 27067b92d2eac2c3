package io.chatplatform.notification.domain;

import io.vertx.core.Future;
import java.util.List;

/** Where devices are kept. A token (with its kind) is registered once, to one user. */
public interface DeviceStore {
  /**
   * Stores the device; when its (kind, token) is registered already (by this user or another),
   * that record is moved to {@code device.userId()} with the new fields and {@code createdAt},
   * keeping its {@code deviceId}. Answers the stored device.
   */
  Future<Device> register(Device device);

  /** The user's devices, newest first. */
  Future<List<Device>> ofUser(String userId);

  /** The devices of all these users. */
  Future<List<Device>> ofUsers(java.util.Collection<String> userIds);

  /** Deletes the user's device; false when the user has no such device. */
  Future<Boolean> delete(String userId, String deviceId);

  /** Deletes the device whoever owns it (a push service said it is gone). */
  Future<Void> delete(String deviceId);
}
