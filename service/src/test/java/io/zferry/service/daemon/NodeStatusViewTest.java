package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.failover.PeerWatch;
import io.zferry.service.status.HeartbeatView;
import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.service.status.StatusViews.PeerStatus;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.service.testing.MutableClock;
import io.zferry.service.testing.Statuses;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The node's status: its services as they are now, and whether the peer's API answers. */
class NodeStatusViewTest {
  private static final Duration UP_WITHIN = Duration.ofSeconds(3);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private Optional<HeartbeatView> answer =
      Optional.of(new HeartbeatView("node-b", "2026-01-01T00:00:00Z", List.of()));
  private final PeerWatch peerWatch =
      new PeerWatch(() -> answer, () -> false, clock, clock::nanoTime);
  private List<ServiceStatus> services = List.of(Statuses.passive().build());
  private final NodeStatusView view =
      new NodeStatusView(
          "node-a",
          "lab",
          () -> services,
          List.of(new PeerPresence("node-b", peerWatch, UP_WITHIN)),
          clock);

  @Test
  void aPeerNeverHeardIsDownWithNoAnswer() {
    NodeStatus status = view.status();
    assertThat(status.node()).isEqualTo("node-a");
    assertThat(status.cluster()).isEqualTo("lab");
    assertThat(status.time()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(status.peer()).isEqualTo(new PeerStatus("node-b", false, null));
  }

  @Test
  void aPeerIsUpUntilItsLastAnswerIsOlderThanTheLimit() {
    peerWatch.beat();
    answer = Optional.empty();
    clock.advance(UP_WITHIN);
    assertThat(view.status().peer())
        .isEqualTo(new PeerStatus("node-b", true, "2026-01-01T00:00:00Z"));

    clock.advance(Duration.ofMillis(1));
    peerWatch.beat();
    assertThat(view.status().peer())
        .as("silent for longer than the limit")
        .isEqualTo(new PeerStatus("node-b", false, "2026-01-01T00:00:00Z"));
  }

  @Test
  void theServicesAreReadAnewForEachStatus() {
    assertThat(view.status().services()).extracting(ServiceStatus::name).containsExactly("tank");
    services = List.of(Statuses.passive().named("pool2").build());
    clock.advance(Duration.ofSeconds(5));
    NodeStatus later = view.status();
    assertThat(later.services()).extracting(ServiceStatus::name).containsExactly("pool2");
    assertThat(later.time()).isEqualTo("2026-01-01T00:00:05Z");
  }
}
