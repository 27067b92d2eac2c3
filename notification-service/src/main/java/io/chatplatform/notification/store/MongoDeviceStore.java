package io.chatplatform.notification.store;

import io.chatplatform.notification.domain.Device;
import io.chatplatform.notification.domain.DeviceStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.util.Collection;
import java.util.List;

/**
 * Devices in {@code push_devices}: {@code _id} = deviceId, unique {@code tokenKey} = kind + ":" +
 * token, so one upsert on the key registers a new device or moves an existing one.
 */
public final class MongoDeviceStore implements DeviceStore {
  static final String DEVICES = "push_devices";
  private final MongoClient mongo;

  public MongoDeviceStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  public Future<Void> createIndexes() {
    return mongo.createIndexWithOptions(DEVICES, new JsonObject().put("tokenKey", 1), new IndexOptions().unique(true).name("tokenKey_1"))
        .compose(x -> mongo.createIndex(DEVICES, new JsonObject().put("userId", 1)));
  }

  @Override
  public Future<Device> register(Device d) {
    JsonObject set = new JsonObject()
        .put("userId", d.userId()).put("kind", d.kind()).put("token", d.token())
        .put("apnsTopic", d.apnsTopic()).put("apnsEnvironment", d.apnsEnvironment())
        .put("webPushP256dh", d.webPushP256dh()).put("webPushAuth", d.webPushAuth()).put("createdAt", d.createdAt());
    JsonObject update = new JsonObject().put("$set", set).put("$setOnInsert", new JsonObject().put("_id", d.deviceId()));
    JsonObject byKey = new JsonObject().put("tokenKey", d.kind() + ":" + d.token());
    return mongo.findOneAndUpdateWithOptions(DEVICES, byKey, update, new FindOptions(), new UpdateOptions().setUpsert(true).setReturningNewDocument(true))
        .map(MongoDeviceStore::device);
  }

  @Override
  public Future<List<Device>> ofUser(String userId) {
    return mongo.findWithOptions(DEVICES, new JsonObject().put("userId", userId), new FindOptions().setSort(new JsonObject().put("createdAt", -1)))
        .map(found -> found.stream().map(MongoDeviceStore::device).toList());
  }

  @Override
  public Future<List<Device>> ofUsers(Collection<String> userIds) {
    return mongo.find(DEVICES, new JsonObject().put("userId", new JsonObject().put("$in", new JsonArray(List.copyOf(userIds)))))
        .map(found -> found.stream().map(MongoDeviceStore::device).toList());
  }

  @Override
  public Future<Boolean> delete(String userId, String deviceId) {
    return mongo.removeDocument(DEVICES, new JsonObject().put("_id", deviceId).put("userId", userId))
        .map(r -> r != null && r.getRemovedCount() > 0);
  }

  @Override
  public Future<Void> delete(String deviceId) {
    return mongo.removeDocument(DEVICES, new JsonObject().put("_id", deviceId)).mapEmpty();
  }

  private static Device device(JsonObject doc) {
    return new Device(
        doc.getString("_id"), doc.getString("userId"), doc.getString("kind"), doc.getString("token"),
        doc.getString("apnsTopic"), doc.getString("apnsEnvironment"), doc.getString("webPushP256dh"), doc.getString("webPushAuth"),
        doc.getLong("createdAt", 0L));
  }
}
