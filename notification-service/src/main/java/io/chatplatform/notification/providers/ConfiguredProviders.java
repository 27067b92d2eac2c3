package io.chatplatform.notification.providers;

import io.chatplatform.notification.domain.PushProvider;
import io.chatplatform.notification.providers.apns.ApnsConfig;
import io.chatplatform.notification.providers.apns.ApnsProvider;
import io.chatplatform.notification.providers.fcm.FcmConfig;
import io.chatplatform.notification.providers.fcm.FcmProvider;
import io.chatplatform.notification.providers.webpush.WebPushConfig;
import io.chatplatform.notification.providers.webpush.WebPushProvider;
import io.chatplatform.runtime.Settings;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The push providers a deployment configured. Web Push is always on: its only credential is the
 * VAPID key, created on first start (so the embedded default pushes to browsers with no setup).
 * FCM starts when {@code FCM_PROJECT_ID} is set, APNs when {@code APNS_KEY_FILE} is set; a device
 * of a kind with no provider is kept, and its pushes are counted as failed.
 *
 * @param webPush the settings, read (and checked) when the service starts, not when a push is sent
 */
public record ConfiguredProviders(WebPushConfig webPush, FcmConfig fcm, ApnsConfig apns) {

  public static ConfiguredProviders from(Settings settings) {
    return new ConfiguredProviders(WebPushConfig.from(settings), FcmConfig.from(settings), ApnsConfig.from(settings));
  }

  /** The started providers; Web Push first, because the VAPID key must exist before a browser subscribes. */
  public Future<Started> start(Vertx vertx, MeterRegistry metrics) {
    return WebPushProvider.start(vertx, webPush, metrics).compose(web -> vertx.executeBlocking(() -> {
      // FCM reads its service-account file and APNs its .p8 key: file reads, so off the event loop.
      List<PushProvider> providers = new ArrayList<>(List.of(web));
      if (fcm.enabled()) {
        providers.add(FcmProvider.create(vertx, fcm, metrics));
      }
      if (apns.enabled()) {
        providers.add(ApnsProvider.create(vertx, apns, metrics));
      }
      return new Started(web, List.copyOf(providers));
    }));
  }

  /** The providers running, with the Web Push one for its public key. */
  public record Started(WebPushProvider webPush, List<PushProvider> all) {}
}
