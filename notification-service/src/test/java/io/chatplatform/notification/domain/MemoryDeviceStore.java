package io.chatplatform.notification.domain;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link DeviceStore} in memory: one record per (kind, token). */
final class MemoryDeviceStore implements DeviceStore {
  final Map<String, Device> byId = new LinkedHashMap<>();

  @Override
  public synchronized Future<Device> register(Device device) {
    Device existing = byId.values().stream()
        .filter(d -> d.kind().equals(device.kind()) && d.token().equals(device.token())).findFirst().orElse(null);
    Device stored = existing == null ? device : new Device(existing.deviceId(), device.userId(), device.kind(), device.token(),
        device.apnsTopic(), device.apnsEnvironment(), device.webPushP256dh(), device.webPushAuth(), device.createdAt());
    byId.put(stored.deviceId(), stored);
    return Future.succeededFuture(stored);
  }

  @Override
  public synchronized Future<List<Device>> ofUser(String userId) {
    return Future.succeededFuture(byId.values().stream().filter(d -> d.userId().equals(userId))
        .sorted(Comparator.comparingLong(Device::createdAt).reversed()).toList());
  }

  @Override
  public synchronized Future<List<Device>> ofUsers(Collection<String> userIds) {
    return Future.succeededFuture(byId.values().stream().filter(d -> userIds.contains(d.userId())).toList());
  }

  @Override
  public synchronized Future<Boolean> delete(String userId, String deviceId) {
    Device d = byId.get(deviceId);
    if (d == null || !d.userId().equals(userId)) {
      return Future.succeededFuture(false);
    }
    byId.remove(deviceId);
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Void> delete(String deviceId) {
    byId.remove(deviceId);
    return Future.succeededFuture();
  }
}
