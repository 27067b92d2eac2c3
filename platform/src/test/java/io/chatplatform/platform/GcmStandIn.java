package io.chatplatform.platform;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part of Chromium's push service a subscription needs, on 127.0.0.1: Chromium's GCM client
 * checks in (a protobuf {@code AndroidCheckinResponse} gives it a device id and security token),
 * then registers the subscription ({@code sender} = the page's {@code applicationServerKey}) and
 * builds the endpoint from the token answered. Chromium is pointed here with its own switches
 * ({@link #chromiumArguments()}); without them headless Chromium has no network and
 * {@code PushManager.subscribe} never settles (seen waiting over 7 minutes).
 *
 * <p>Checked as the real service does: a registration must carry {@code Authorization: AidLogin
 * <device id>:<security token>} of a check-in. Not served: the MCS connection that carries pushes
 * to the browser; tests deliver pushes with DevTools' {@code ServiceWorker.deliverPushMessage}.
 */
final class GcmStandIn implements AutoCloseable {
  static final long ANDROID_ID = 0x1234_5678_9ABCL;
  static final long SECURITY_TOKEN = 0x0FED_CBA9_8765L;

  private final HttpServer server;
  private final AtomicInteger tokens = new AtomicInteger();
  /** Form fields of every registration request that passed the check-in check (subscriptions and deletions). */
  final List<Map<String, String>> registrations = new CopyOnWriteArrayList<>();
  /** Non-null: registrations are answered {@code Error=<this>}, as the real service refuses one. */
  volatile String refusal;

  private GcmStandIn(HttpServer server) {
    this.server = server;
    server.createContext("/checkin", this::checkin);
    server.createContext("/c2dm/register3", this::register);
    server.start();
  }

  static GcmStandIn start() throws IOException {
    return new GcmStandIn(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
  }

  /** Chromium's switches that send its GCM client here. */
  List<String> chromiumArguments() {
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    return List.of("--gcm-checkin-url=" + base + "/checkin", "--gcm-registration-url=" + base + "/c2dm/register3");
  }

  private void checkin(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    // AndroidCheckinResponse: stats_ok (1, bool) = true, android_id (7, fixed64), security_token (8, fixed64).
    ByteBuffer body = ByteBuffer.allocate(2 + 9 + 9).order(ByteOrder.LITTLE_ENDIAN);
    body.put((byte) 0x08).put((byte) 0x01);
    body.put((byte) 0x39).putLong(ANDROID_ID);
    body.put((byte) 0x41).putLong(SECURITY_TOKEN);
    answer(exchange, "application/x-protobuf", body.array());
  }

  private void register(HttpExchange exchange) throws IOException {
    Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    if (!("AidLogin " + ANDROID_ID + ":" + SECURITY_TOKEN).equals(auth)) {
      answer(exchange, "text/plain", "Error=AUTHENTICATION_FAILED".getBytes(StandardCharsets.UTF_8));
      return;
    }
    registrations.add(form);
    String refused = refusal;
    String reply;
    if (refused != null) {
      reply = "Error=" + refused;
    } else if ("true".equals(form.get("delete"))) {
      // GCM's unregistration reads "deleted=", Instance ID's token deletion "token=".
      reply = "deleted=" + form.getOrDefault("app", "") + "&token=" + form.getOrDefault("X-subtype", "");
    } else {
      reply = "token=stand-in-token-" + tokens.incrementAndGet();
    }
    answer(exchange, "text/plain", reply.getBytes(StandardCharsets.UTF_8));
  }

  /** The subscriptions registered: their {@code sender} (the application server key) each. */
  List<String> subscribedSenders() {
    return registrations.stream()
        .filter(f -> !"true".equals(f.get("delete")) && f.getOrDefault("X-subtype", "").startsWith("wp:"))
        .map(f -> f.get("sender"))
        .toList();
  }

  /** How many subscriptions Chromium unsubscribed here (deletion requests of a Web Push registration). */
  long unsubscriptions() {
    return registrations.stream()
        .filter(f -> "true".equals(f.get("delete")) && f.getOrDefault("X-subtype", "").startsWith("wp:"))
        .count();
  }

  private static Map<String, String> form(String body) {
    Map<String, String> fields = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return fields;
  }

  private static void answer(HttpExchange exchange, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(200, body.length);
    try (var out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
