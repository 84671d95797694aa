package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.service.testing.MutableClock;
import io.zferry.service.testing.Statuses;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each run records every service's lag as it is then, unknown lags included. */
class LagSamplerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final LagHistory history = new LagHistory(clock);
  private List<ServiceStatus> services =
      List.of(
          Statuses.passive().withLag(30L).build(),
          Statuses.passive().named("pool2").withLag(null).build());
  private final LagSampler sampler = new LagSampler(() -> services, history);

  @Test
  void everyServiceGetsOneSamplePerRun() {
    sampler.run();
    clock.advance(LagHistory.EVERY);
    services = List.of(Statuses.passive().withLag(45L).build());
    sampler.run();

    assertThat(history.of("tank"))
        .containsExactly(
            new LagHistory.Sample("2026-01-01T00:00:00Z", 30L),
            new LagHistory.Sample("2026-01-01T00:00:30Z", 45L));
    assertThat(history.of("pool2"))
        .as("the peer was silent: an unknown lag, not a zero")
        .containsExactly(new LagHistory.Sample("2026-01-01T00:00:00Z", null));
  }

  @Test
  void samplesOlderThanTheSpanAreNotShown() {
    sampler.run();
    clock.advance(LagHistory.SPAN.plus(Duration.ofSeconds(1)));
    sampler.run();
    assertThat(history.of("tank")).hasSize(1);
  }
}
