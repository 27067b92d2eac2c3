package io.chatplatform.gateway.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Signed file links")
class FileLinksTest {
  static final String SECRET = "a-secret-of-at-least-32-characters-long";
  static final String FILE = "f_0123456789abcdef0123456789abcdef";
  static final String OTHER = "f_ffffffffffffffffffffffffffffffff";
  final AtomicLong now = new AtomicLong(1_000_000_000_000L);
  final FileLinks links = new FileLinks(SECRET, 600, now::get);

  String verify(String url) {
    QueryStringDecoder query = new QueryStringDecoder(url);
    return links.verify(query.path(), first(query, "u"), first(query, "e"), first(query, "s"));
  }

  static String first(QueryStringDecoder query, String name) {
    return query.parameters().containsKey(name) ? query.parameters().get(name).get(0) : null;
  }

  @Test
  @DisplayName("stand for their user on the file and its thumbnail")
  void valid() {
    FileLinks.Signed signed = links.sign(FILE, "u_alice");
    assertThat(verify(FileLinks.url(FILE, false, signed))).isEqualTo("u_alice");
    assertThat(verify(FileLinks.url(FILE, true, signed))).isEqualTo("u_alice");
  }

  @Test
  @DisplayName("live one to two windows, and stay the same through a window")
  void windows() {
    FileLinks.Signed first = links.sign(FILE, "u_alice");
    now.addAndGet(1_000);
    assertThat(links.sign(FILE, "u_alice")).isEqualTo(first);
    long lifetime = first.expiresAt() - now.get() / 1000;
    assertThat(lifetime).isBetween(600L, 1200L);
    now.set(first.expiresAt() * 1000);
    assertThat(verify(FileLinks.url(FILE, false, first))).as("expired").isNull();
  }

  @Test
  @DisplayName("are refused when tampered with, for another file or path, or signed with another key")
  void refused() {
    String url = FileLinks.url(FILE, false, links.sign(FILE, "u_alice"));
    assertThat(verify(url.replace("u=u_alice", "u=u_bob"))).as("another user").isNull();
    assertThat(verify(url.replace(FILE, OTHER))).as("another file").isNull();
    assertThat(verify(url.replace("/api/v1/files/" + FILE, "/api/v1/rooms/" + FILE))).as("another path").isNull();
    assertThat(verify(url.replace("&e=", "&e=1"))).as("a later expiry").isNull();
    assertThat(verify(url.substring(0, url.length() - 2) + "AA")).as("a changed signature").isNull();
    assertThat(verify(FileLinks.url(FILE, false, new FileLinks("another-secret-of-at-least-32-chars!!", 600, now::get).sign(FILE, "u_alice"))))
        .as("another key").isNull();
    assertThat(links.verify("/api/v1/files/links", "u_alice", "9999999999", "x")).as("not a file's path").isNull();
  }
}
