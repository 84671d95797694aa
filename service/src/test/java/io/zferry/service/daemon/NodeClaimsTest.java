package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.status.HeartbeatView;
import io.zferry.service.status.HeartbeatView.ServiceClaim;
import io.zferry.service.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The heartbeat answer: this node's name, the time, and its claim on each service. */
class NodeClaimsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private List<ServiceClaim> claims =
      List.of(new ServiceClaim("tank", "node-a", 3, null, null, null, null));
  private final NodeClaims node = new NodeClaims("node-a", () -> claims, clock);

  @Test
  void theAnswerCarriesEachServicesClaimAsItIsNow() {
    assertThat(node.heartbeat())
        .isEqualTo(
            new HeartbeatView(
                "node-a",
                "2026-01-01T00:00:00Z",
                List.of(new ServiceClaim("tank", "node-a", 3, null, null, null, null))));

    claims = List.of(new ServiceClaim("tank", "node-b", 4, null, null, null, null));
    clock.advance(Duration.ofSeconds(2));
    HeartbeatView later = node.heartbeat();
    assertThat(later.time()).isEqualTo("2026-01-01T00:00:02Z");
    assertThat(later.services()).extracting(ServiceClaim::epoch).containsExactly(4L);
  }
}
