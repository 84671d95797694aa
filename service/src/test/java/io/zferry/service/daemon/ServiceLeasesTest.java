package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.config.WitnessConfig;
import io.zferry.service.control.DeadMansSwitch;
import io.zferry.service.daemon.ServiceLeases.ServiceLease;
import io.zferry.service.testing.FakeWitness;
import io.zferry.service.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each service holds its own leader key, and its dead man's switch watches that lease. */
class ServiceLeasesTest {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration MARGIN = Duration.ofSeconds(12);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FakeWitness witness = new FakeWitness(clock::nanoTime);
  private final List<String> keys = new ArrayList<>();
  private final List<String> tripped = new ArrayList<>();
  private final ServiceLeases leases =
      new ServiceLeases(
          "node-a",
          "lab",
          new WitnessConfig(List.of(URI.create("http://10.0.0.3:2379")), TTL, MARGIN),
          key -> {
            keys.add(key);
            return witness.client("node-a");
          },
          clock::nanoTime);

  private final DeadMansSwitch.Safeguards safeguards =
      new DeadMansSwitch.Safeguards() {
        @Override
        public List<String> dropVips() {
          tripped.add("vips");
          return List.of("10.99.0.100/24 down");
        }

        @Override
        public List<String> killZfsChildren() {
          return List.of();
        }

        @Override
        public List<String> stopWrites() {
          tripped.add("writes");
          return List.of();
        }
      };

  @Test
  void eachServiceHasTheLeaderKeyOfItsClusterAndName() {
    leases.of("tank", safeguards).deadMansSwitch().close();
    leases.of("pool2", safeguards).deadMansSwitch().close();
    assertThat(keys).containsExactly("/zferry/lab/tank/leader", "/zferry/lab/pool2/leader");
  }

  @Test
  void theSwitchTripsAQuarterMarginAfterTheLeasesDeadlineUnlessTheLoopSteppedDown() {
    ServiceLease tank = leases.of("tank", safeguards);
    try {
      assertThat(tank.lease().acquire()).isEmpty();
      assertThat(witness.leader()).contains("node-a");
      assertThat(tank.deadMansSwitch().armed()).as("serving until the lease's deadline").isTrue();

      // The deadline is the grant plus TTL minus the margin; the grace is a quarter margin.
      clock.advance(TTL.minus(MARGIN).plus(MARGIN.dividedBy(4)).minusMillis(1));
      assertThat(tank.deadMansSwitch().check()).isEmpty();
      clock.advance(Duration.ofMillis(1));
      assertThat(tank.deadMansSwitch().check()).isPresent();
      assertThat(tripped).containsExactly("vips", "writes");
    } finally {
      tank.deadMansSwitch().close();
    }
  }

  @Test
  void aLoopThatSteppedDownDisarmsTheSwitch() {
    ServiceLease tank = leases.of("tank", safeguards);
    try {
      tank.lease().acquire();
      tank.lease().steppedDown();
      clock.advance(TTL);
      assertThat(tank.deadMansSwitch().check()).isEmpty();
      assertThat(tripped).isEmpty();
    } finally {
      tank.deadMansSwitch().close();
    }
  }
}
