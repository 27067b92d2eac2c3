package io.chatplatform.loadtest;

import io.chatplatform.loadtest.generator.SocketTransport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/** The parsed command line of one run (see {@link Cli} for meanings and defaults). */
public record Options(
    Scenario scenario,
    URI url,
    URI opsUrl,
    int rooms,
    int members,
    int pairs,
    List<Double> rates,
    double durationSeconds,
    double warmupSeconds,
    double drainSeconds,
    int connections,
    int concurrency,
    int setupConcurrency,
    int roomSize,
    double holdSeconds,
    int heapSamples,
    double heapIntervalSeconds,
    int processes,
    Long serverPid,
    String userPrefix,
    int userOffset,
    String password,
    int messageSize,
    int eventLoops,
    Path out,
    boolean worker,
    int port,
    boolean forceGc,
    String label,
    long reconnectBaseMs,
    long reconnectCapMs,
    int reconnectAttempts,
    int sendRetries,
    boolean tickets,
    int pushPort,
    double roomRate,
    List<Integer> roomSizes,
    long pushDelayMs,
    int cpuSlices,
    int uploaders,
    int fileSize,
    int filesPerUploader,
    int sequentialFiles,
    SocketTransport transport,
    int passes,
    boolean strictThreadMode) {

  /** Whether the run is a series of steps (one run per rate, drawn as a chart). */
  boolean isStepSeries() {
    return rates.size() > 1;
  }

  /** How many users the scenario needs in this process. */
  public int userCount() {
    return switch (scenario) {
      case FANOUT -> rooms * members;
      case DIRECT -> pairs * 2;
      case CONNECT_STORM, IDLE -> connections;
      case PUSH_OFFLINE -> rooms * (members + 1);
      case PUSH_ONLINE -> rooms * roomSizes.stream().mapToInt(Integer::intValue).max().orElse(0);
      case FILES -> uploaders;
      case RELAY, LEAN_RELAY -> 0;
    };
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("scenario", scenario.cliName)
        .put("url", url.toString())
        .put("opsUrl", opsUrl.toString())
        .put("eventLoops", eventLoops)
        .put("userPrefix", userPrefix)
        .put("userOffset", userOffset)
        .put("concurrency", concurrency)
        .put("setupConcurrency", setupConcurrency);
    if (!Scenario.SERVERS.contains(scenario) && scenario != Scenario.FILES) {
      json.put("transport", transport.cliName());
    }
    switch (scenario) {
      case FANOUT -> json.put("rooms", rooms).put("members", members);
      case DIRECT -> json.put("pairs", pairs);
      case CONNECT_STORM -> json.put("connections", connections).put("passes", passes);
      case IDLE -> json.put("connections", connections).put("roomSize", roomSize).put("holdSeconds", holdSeconds)
          .put("heapSamples", heapSamples).put("heapIntervalSeconds", heapIntervalSeconds).put("processes", processes);
      case FILES -> json.put("uploaders", uploaders).put("fileSize", fileSize).put("filesPerUploader", filesPerUploader)
          .put("sequentialFiles", sequentialFiles).put("heapIntervalSeconds", heapIntervalSeconds).put("forceGc", forceGc);
      case RELAY -> json.put("port", port).put("strictThreadMode", strictThreadMode);
      case LEAN_RELAY -> json.put("port", port);
      case PUSH_OFFLINE -> json.put("rooms", rooms).put("offlineMembersPerRoom", members);
      case PUSH_ONLINE -> json.put("rooms", rooms).put("roomSizes", new JsonArray(List.copyOf(roomSizes))).put("cpuSlices", cpuSlices);
    }
    if (scenario == Scenario.PUSH_OFFLINE || scenario == Scenario.PUSH_ONLINE) {
      json.put("roomRate", roomRate).put("durationSeconds", durationSeconds).put("warmupSeconds", warmupSeconds)
          .put("drainSeconds", drainSeconds).put("pushPort", pushPort).put("pushDelayMs", pushDelayMs);
    }
    if (scenario == Scenario.FANOUT || scenario == Scenario.DIRECT) {
      json.put("ratePerSender", new JsonArray(List.copyOf(rates))).put("durationSeconds", durationSeconds)
          .put("warmupSeconds", warmupSeconds).put("drainSeconds", drainSeconds).put("messageSize", messageSize)
          .put("reconnectBaseMs", reconnectBaseMs).put("reconnectCapMs", reconnectCapMs).put("reconnectAttempts", reconnectAttempts)
          .put("sendRetries", sendRetries)
          .put("tickets", tickets);
    }
    if (scenario == Scenario.IDLE) {
      json.put("forceGc", forceGc);
    }
    if (serverPid != null) {
      json.put("serverPid", serverPid);
    }
    if (label != null) {
      json.put("label", label);
    }
    return json;
  }
}
