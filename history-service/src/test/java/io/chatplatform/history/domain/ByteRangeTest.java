package io.chatplatform.history.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Range headers")
class ByteRangeTest {
  @Test
  @DisplayName("ask for one range: closed, open-ended, or the last n bytes, clipped to the file")
  void ranges() {
    assertThat(ByteRange.of("bytes=0-99", 1000)).isEqualTo(new ByteRange(0, 99));
    assertThat(ByteRange.of("bytes=900-", 1000)).isEqualTo(new ByteRange(900, 999));
    assertThat(ByteRange.of("bytes=-100", 1000)).isEqualTo(new ByteRange(900, 999));
    assertThat(ByteRange.of("bytes=-5000", 1000)).isEqualTo(new ByteRange(0, 999));
    assertThat(ByteRange.of("bytes=990-5000", 1000)).isEqualTo(new ByteRange(990, 999));
    assertThat(ByteRange.of("Bytes=1-1", 1000).length()).isEqualTo(1);
  }

  @Test
  @DisplayName("starting past the end, or of an empty file, are not satisfiable")
  void unsatisfiable() {
    assertThat(ByteRange.of("bytes=1000-", 1000)).isEqualTo(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.of("bytes=5000-6000", 1000)).isEqualTo(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.of("bytes=-0", 1000)).isEqualTo(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.of("bytes=0-", 0)).isEqualTo(ByteRange.UNSATISFIABLE);
  }

  @Test
  @DisplayName("that are absent, several, of another unit or malformed get the whole file")
  void ignored() {
    for (String header : new String[] {null, "", "bytes=0-1,5-6", "items=0-1", "bytes=a-b", "bytes=5-1", "bytes=-", "bytes=+1-2",
        "bytes=99999999999999999999-"}) {
      assertThat(ByteRange.of(header, 1000)).as(String.valueOf(header)).isEqualTo(ByteRange.WHOLE);
    }
  }
}
