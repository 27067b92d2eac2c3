package io.chatplatform.notification.bus;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.Codecs;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.notification.NotificationApi;
import io.chatplatform.contracts.notification.NotificationApi.NewMessage;
import io.chatplatform.contracts.notification.NotificationApi.RoomMode;
import io.chatplatform.notification.NotificationConfig;
import io.chatplatform.notification.domain.Device;
import io.chatplatform.notification.domain.Devices;
import io.chatplatform.notification.domain.EndpointPolicy;
import io.chatplatform.notification.domain.NoticeBuffer;
import io.chatplatform.notification.domain.PushDirectory;
import io.chatplatform.notification.domain.PushProvider;
import io.chatplatform.notification.domain.PushScheduler;
import io.chatplatform.notification.domain.RoomModes;
import io.chatplatform.notification.store.MongoDeviceStore;
import io.chatplatform.notification.store.MongoPendingStore;
import io.chatplatform.notification.store.MongoRoomModes;
import io.chatplatform.runtime.Correlation;
import io.chatplatform.runtime.Operations;
import io.chatplatform.runtime.ServiceClient;
import io.chatplatform.runtime.ServiceHandlers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.chatplatform.notification.providers.PushMetrics;
import io.chatplatform.runtime.TimedMongo;
import io.vertx.ext.mongo.MongoClient;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * notification-service: wires config → stores → domain, serves the device and mode endpoints,
 * takes chat-service's one-way message notices (gathered per room for {@code PUSH_NOTICE_LINGER_MS},
 * then written as one), and polls for due pushes every {@code PUSH_POLL_MS}.
 */
public final class NotificationVerticle extends VerticleBase {
  /** Message notices lost because their write to MongoDB failed (they were not queued for push). */
  public static final String UNWRITTEN_METRIC = "chat.push.notices.unwritten";
  /** Rooms whose message notices wait in memory for {@code PUSH_NOTICE_LINGER_MS}. */
  public static final String WAITING_METRIC = "chat.push.notices.waiting_rooms";
  private static final Logger LOG = LoggerFactory.getLogger(NotificationVerticle.class);
  private static final Set<String> MODES = Set.of(RoomModes.ALL, RoomModes.MENTIONS, RoomModes.NONE);

  private final NotificationConfig config;
  private final Operations operations;
  private final List<PushProvider> replacements;
  private List<PushProvider> providers = List.of();
  private MongoClient mongo;
  private long poller = -1;
  private boolean polling;
  private NoticeBuffer notices;
  private long noticeFlush = -1;
  private MessageConsumer<Object> messageNotices;
  /** The notice writes under way (this verticle's loop only): a stop waits for them before it closes MongoDB. */
  private final Set<Future<Void>> noticeWrites = new HashSet<>();

  /** The service with the providers its settings configure. */
  public NotificationVerticle(NotificationConfig config, Operations operations) {
    this(config, operations, List.of());
  }

  /**
   * The service with some providers replaced: each of {@code replacements} serves its kind instead
   * of the configured one (tests and benchmarks count what would be sent without a push service).
   */
  public NotificationVerticle(NotificationConfig config, Operations operations, List<PushProvider> replacements) {
    this.config = config;
    this.operations = operations;
    this.replacements = List.copyOf(replacements);
  }

  @Override
  public Future<?> start() {
    return config.providers().start(vertx, operations.registry()).compose(started -> {
      Set<String> replaced = replacements.stream().map(PushProvider::kind).collect(Collectors.toSet());
      List<PushProvider> running = new ArrayList<>(replacements);
      started.all().stream().filter(p -> !replaced.contains(p.kind())).forEach(running::add);
      List<Future<Void>> closing = started.all().stream().filter(p -> replaced.contains(p.kind())).map(PushProvider::close).toList();
      providers = List.copyOf(running);
      providers.forEach(p -> PushMetrics.register(operations.registry(), p.kind()));
      // A replaced provider that does not close cleanly costs nothing but its resources: start anyway.
      return Future.all(closing).<Void>mapEmpty()
          .recover(e -> {
            LOG.warn("a replaced push provider did not close: {}", e.toString());
            return Future.succeededFuture();
          })
          .compose(x -> serve(started.webPush().publicKey()));
    });
  }

  private Future<?> serve(String vapidPublicKey) {
    EndpointPolicy endpoints = config.providers().webPush().allowedEndpoints();
    mongo = TimedMongo.wrap(MongoClient.create(vertx, config.mongo().clientConfig()), operations.registry());
    operations.addReadinessCheck("notification-mongo", () -> mongo.runCommand("ping", new JsonObject().put("ping", 1)));
    MongoDeviceStore deviceStore = new MongoDeviceStore(mongo);
    MongoPendingStore pending = new MongoPendingStore(mongo);
    RoomModes modes = new MongoRoomModes(mongo);
    PushDirectory directory =
        new BusPushDirectory(new ServiceClient(vertx.eventBus(), config.serviceTimeoutMs(), operations.registry()), config.presenceQueryMaxUsers());
    Devices devices = new Devices(deviceStore, endpoints, config.maxDevicesPerUser(), System::currentTimeMillis);
    PushScheduler scheduler = new PushScheduler(
        pending, deviceStore, modes, directory, providers, config.policy(), System::currentTimeMillis,
        () -> ThreadLocalRandom.current().nextDouble());
    Counter unwritten = operations.registry().counter(UNWRITTEN_METRIC);
    notices = new NoticeBuffer(pending, config.policy(), config.noticeLingerMs(), config.noticeBufferMaxRooms(),
        System::currentTimeMillis, unwritten::increment);
    operations.registry().gauge(WAITING_METRIC, notices, NoticeBuffer::rooms);
    Codecs.register(vertx.eventBus());
    MessageConsumer<Object> messages = messageNotices = vertx.eventBus().consumer(Addresses.Notification.MESSAGE, m -> {
      // Logged under the correlation id of the send that stored the message.
      Correlation.enterFrom(m.headers());
      NewMessage message = m.body() instanceof NewMessage typed ? typed : NewMessage.SHAPE.read().apply((JsonObject) m.body());
      // Its failures are logged and counted by the buffer; it never fails.
      Future<Void> written = written(notices.add(message));
      if (!notices.isEmpty() && noticeFlush < 0) {
        noticeFlush = vertx.setTimer(config.noticeLingerMs(), id -> {
          noticeFlush = -1;
          written(notices.flush()).onComplete(x -> LOG.debug("lingering message notices written"));
        });
      }
      written.onComplete(x -> LOG.debug("message {}#{} taken for push", message.roomId(), message.seq()));
    });
    return Future.all(deviceStore.createIndexes(), pending.createIndexes(), messages.completion())
        .compose(x -> ServiceHandlers.on(vertx.eventBus())
            .handle(NotificationApi.DEVICE_REGISTER, r -> devices.register(r).map(NotificationVerticle::view))
            .handle(NotificationApi.DEVICE_LIST, r -> devices.list(r.callerId()).map(found ->
                new JsonObject().put("devices", new JsonArray(found.stream().map(NotificationVerticle::view).toList()))))
            .handle(NotificationApi.DEVICE_DELETE, r -> devices.delete(r.callerId(), r.deviceId()))
            .handle(NotificationApi.ROOM_MODE_SET, r -> setMode(r, modes, directory))
            .handle(NotificationApi.WEBPUSH_KEY, r -> Future.succeededFuture(new JsonObject().put("publicKey", vapidPublicKey)))
            .answerPings(Addresses.Notification.PING)
            .completion())
        .onSuccess(x -> poller = vertx.setPeriodic(config.pollMs(), id -> poll(scheduler)));
  }

  /** One poll at a time: a slow one is not overtaken by the next tick. */
  private void poll(PushScheduler scheduler) {
    if (polling) {
      return;
    }
    polling = true;
    scheduler.poll(config.claimBatch())
        .onFailure(e -> LOG.warn("push poll failed: {}", e.getMessage()))
        .onComplete(x -> polling = false);
  }

  private static Future<JsonObject> setMode(RoomMode request, RoomModes modes, PushDirectory directory) {
    if (request.mode() == null || !MODES.contains(request.mode())) {
      throw ServiceException.badRequest("mode must be all, mentions or none");
    }
    return directory.checkMember(request.callerId(), request.roomId())
        .compose(x -> modes.set(request.callerId(), request.roomId(), request.mode()))
        .map(x -> new JsonObject().put("roomId", request.roomId()).put("mode", request.mode()));
  }

  /** The client-facing device: never its token or keys; a Web Push device shows its push service's host. */
  static JsonObject view(Device d) {
    JsonObject view = new JsonObject().put("deviceId", d.deviceId()).put("kind", d.kind()).put("createdAt", d.createdAt());
    if (Devices.APNS.equals(d.kind())) {
      view.put("topic", d.apnsTopic()).put("environment", d.apnsEnvironment());
    }
    if (Devices.WEBPUSH.equals(d.kind())) {
      view.put("endpointHost", URI.create(d.token()).getHost());
    }
    return view;
  }

  /** Keeps {@code write} (never failing: the buffer logs and counts failures) among the writes a stop waits for. */
  private Future<Void> written(Future<Void> write) {
    if (!write.isComplete()) {
      noticeWrites.add(write);
      write.onComplete(x -> noticeWrites.remove(write));
    }
    return write;
  }

  /**
   * No notice is taken any more, then the lingering ones are written, and the writes already
   * under way end, before MongoDB is closed; each write ends within the MongoDB client's timeouts
   * (MongoConfig), so a store that does not answer cannot hold the stop.
   */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(poller);
    vertx.cancelTimer(noticeFlush);
    noticeFlush = -1;
    Future<Void> unsubscribed = messageNotices == null ? Future.succeededFuture() : messageNotices.unregister();
    Future<Void> written = unsubscribed.transform(x -> {
      if (notices != null) {
        written(notices.flush());
      }
      return Future.join(List.copyOf(noticeWrites)).<Void>mapEmpty();
    });
    return written.transform(x -> {
      List<Future<Void>> closing = new ArrayList<>(providers.stream().map(PushProvider::close).toList());
      if (mongo != null) {
        closing.add(mongo.close());
      }
      return Future.join(closing);
    });
  }
}
