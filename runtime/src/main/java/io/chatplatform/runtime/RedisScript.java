package io.chatplatform.runtime;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A Lua script kept in a class-path resource and run by its SHA ({@code EVALSHA}): atomic, one
 * round trip. After a Redis restart or {@code SCRIPT FLUSH} the SHA is unknown ({@code NOSCRIPT});
 * then the script is sent whole once, which caches it again.
 */
public final class RedisScript {
  private final String name;
  private final String source;
  private volatile String sha;

  private RedisScript(String name, String source) {
    this.name = name;
    this.source = source;
  }

  /** The script in resource {@code path} (e.g. {@code /presence-lua/connect.lua}). */
  public static RedisScript fromResource(String path) {
    try (InputStream in = RedisScript.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing script " + path);
      }
      return new RedisScript(path, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads the script into Redis ({@code SCRIPT LOAD}), learning its SHA. */
  public Future<Void> load(Redis redis) {
    return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(source)).map(r -> {
      sha = r.toString();
      return null;
    });
  }

  public Future<Response> run(Redis redis, List<String> keys, Object... args) {
    if (sha == null) {
      return Future.failedFuture(new IllegalStateException(name + " was not loaded"));
    }
    return redis
        .send(request(Command.EVALSHA, sha, keys, args))
        .recover(e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")
            ? redis.send(request(Command.EVAL, source, keys, args))
            : Future.failedFuture(e));
  }

  private static Request request(Command command, String script, List<String> keys, Object... args) {
    Request request = Request.cmd(command).arg(script).arg(keys.size());
    keys.forEach(request::arg);
    for (Object arg : args) {
      request.arg(String.valueOf(arg));
    }
    return request;
  }
}
