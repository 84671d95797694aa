package io.zferry.service.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.service.config.TlsConfig;
import io.zferry.service.tls.NodeCertificate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsWarmUpTest {
  @TempDir static Path dir;
  static TlsConfig nodeA;

  @BeforeAll
  static void certificates() throws Exception {
    NodeCertificate.create(dir.resolve("a.pem"), dir.resolve("a.key"), "node-a", List.of());
    NodeCertificate.create(dir.resolve("b.pem"), dir.resolve("b.key"), "node-b", List.of());
    nodeA =
        new TlsConfig(
            dir.resolve("a.pem"), dir.resolve("a.key"), Optional.of(dir.resolve("b.pem")));
  }

  @Test
  void fullHandshakesWithTheNodesOwnKeyAtBothEndsRunInMemory() {
    long[] tick = {0};
    // Each handshake takes 10 ms on this ticker: fast, so the warm-up stops at its minimum.
    TlsWarmUp.Result result = TlsWarmUp.run(nodeA, () -> tick[0] += 10_000_000);

    assertThat(result.handshakes()).isEqualTo(TlsWarmUp.AT_LEAST);
    assertThat(result.total()).isEqualTo(Duration.ofMillis(30));
    assertThat(result.toString())
        .isEqualTo("3 handshake(s) in 30 ms, the first 10 ms, the last 10 ms");
  }

  @Test
  void aKeyThatIsNotTheCertificatesFailsTheHandshake() {
    TlsConfig mismatched =
        new TlsConfig(
            dir.resolve("a.pem"), dir.resolve("b.key"), Optional.of(dir.resolve("b.pem")));

    assertThatThrownBy(() -> TlsWarmUp.run(mismatched, System::nanoTime))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TLS warm-up handshake failed");
  }

  @Test
  void itGoesOnWhileHandshakesGetFasterAndStopsOnceTheyAreFastOrNoLongerImprove() {
    assertThat(goOn(13_000, 900)).as("fewer than three").isTrue();
    assertThat(goOn(13_000, 900, 600)).as("still getting faster").isTrue();
    assertThat(goOn(13_000, 900, 600, 40)).as("fast").isFalse();
    assertThat(goOn(13_000, 900, 600, 550)).as("not a fifth faster than the best").isFalse();
    assertThat(goOn(13_000, 900, 600, 700)).as("slower than the best").isFalse();
    assertThat(goOn(13_000, 20_000, 12_100)).as("the budget is spent").isFalse();
    assertThat(goOn(900, 800, 700, 600, 500, 400, 300, 240, 190, 150, 110, 90))
        .as("at most twelve")
        .isFalse();
    assertThat(goOn(900, 800, 700, 600, 500, 400, 300, 240, 190, 150, 110)).isTrue();
  }

  private static boolean goOn(long... millis) {
    List<Duration> times = Arrays.stream(millis).mapToObj(Duration::ofMillis).toList();
    return TlsWarmUp.goOn(times, times.stream().reduce(Duration.ZERO, Duration::plus));
  }
}
