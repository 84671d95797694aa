package io.zferry.service.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lockstate.InMemoryStateStore;
import io.zferry.service.config.FencingPolicy;
import io.zferry.service.failover.Decision;
import io.zferry.service.testing.FakeWitness;
import io.zferry.service.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The lease's dead man's switch with the real lease and control step, a hand-written witness and
 * the test clock: it acts only for a control loop that does not step down in time.
 */
class DeadMansSwitchTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration MARGIN = Duration.ofSeconds(10);
  private static final Duration GRACE = MARGIN.dividedBy(4);
  private static final Duration TICK = Duration.ofSeconds(1);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FakeWitness witness = new FakeWitness(clock::nanoTime);
  private boolean reachesWitness = true;
  private final List<String> done = new ArrayList<>();
  private RuntimeException vipsFail;

  private final DeadMansSwitch.Safeguards safeguards =
      new DeadMansSwitch.Safeguards() {
        @Override
        public List<String> dropVips() {
          done.add("vips");
          if (vipsFail != null) {
            throw vipsFail;
          }
          return List.of("10.0.0.10/24 removed");
        }

        @Override
        public List<String> killZfsChildren() {
          done.add("kill");
          return List.of("pid 42 (zfs snapshot tank@x)");
        }

        @Override
        public List<String> stopWrites() {
          done.add("writes");
          return List.of();
        }
      };

  private final DeadMansSwitch deadMan =
      new DeadMansSwitch("tank", MARGIN, clock::nanoTime, safeguards);
  private final InMemoryStateStore store = new InMemoryStateStore(clock);
  private final FakePorts ports = new FakePorts();
  private final LeaderLease lease =
      new LeaderLease(
          "node-a",
          witness.client("node-a", () -> reachesWitness, () -> false),
          TTL,
          MARGIN,
          clock::nanoTime);
  private final ServiceControl control;

  DeadMansSwitchTest() {
    store.initialiseService("tank", "node-a");
    lease.watchedBy(deadMan);
    ports.peerView = FakePorts.answering("node-a", 0, false);
    control =
        new ServiceControl(
            "tank",
            "node-a",
            "node-b",
            new FencingPolicy.Ignore(),
            TIMEOUT,
            store,
            ports,
            clock,
            clock::nanoTime,
            Optional.of(lease));
  }

  @Test
  void aWedgedControlLoopHasItsVipsDroppedBeforeTheLeaseCanExpireAtTheWitness() {
    assertThat(control.tick()).isEqualTo(new Decision.Serve());
    assertThat(deadMan.armed()).isTrue();
    // The control thread hangs in a zfs call from here on: no more ticks.
    clock.advance(TTL.minus(MARGIN));
    assertThat(deadMan.check()).as("the control loop gets the grace to step down").isEmpty();
    clock.advance(GRACE.minusMillis(1));
    assertThat(deadMan.check()).isEmpty();
    assertThat(done).isEmpty();

    clock.advance(Duration.ofMillis(1));
    Optional<String> tripped = deadMan.check();

    assertThat(tripped).isPresent();
    assertThat(tripped.get())
        .contains("did not step down", "10.0.0.10/24 removed", "pid 42", "writes: nothing to do");
    assertThat(done).containsExactly("vips", "kill", "writes");
    assertThat(witness.leader())
        .as("the lease has not expired at the witness yet: no peer can have acquired it")
        .contains("node-a");
    assertThat(deadMan.lastTrip()).isEqualTo(tripped.get());
  }

  @Test
  void itTripsOncePerDeadline() {
    control.tick();
    clock.advance(TTL.minus(MARGIN).plus(GRACE));
    assertThat(deadMan.check()).isPresent();
    clock.advance(TTL);
    assertThat(deadMan.check()).isEmpty();
    assertThat(done).containsExactly("vips", "kill", "writes");
  }

  @Test
  void renewalsMoveTheDeadlineSoAServingLoopNeverTripsIt() {
    for (int second = 0; second < 5 * TTL.toSeconds(); second++) {
      assertThat(control.tick()).isEqualTo(new Decision.Serve());
      clock.advance(TICK);
      assertThat(deadMan.check()).isEmpty();
    }
    assertThat(done).isEmpty();
  }

  @Test
  void aControlLoopThatStepsDownByItselfDisarmsIt() {
    control.tick();
    reachesWitness = false;
    while (control.tick() instanceof Decision.Serve) {
      clock.advance(TICK);
      assertThat(deadMan.check()).isEmpty();
    }
    assertThat(ports.calls).last().isEqualTo("hold");
    assertThat(deadMan.armed()).isFalse();

    clock.advance(TTL);
    assertThat(deadMan.check()).isEmpty();
    assertThat(done).isEmpty();
  }

  @Test
  void aSwitchoverThatHandsTheKeyOverDisarmsIt() {
    control.tick();
    assertThat(control.handOverLease("node-b")).isEmpty();
    clock.advance(TTL);
    assertThat(deadMan.check()).isEmpty();
  }

  @Test
  void aFailingSafeguardDoesNotStopTheNextOnes() {
    control.tick();
    vipsFail = new IllegalStateException("ip: RTNETLINK answers: Operation not permitted");
    clock.advance(TTL.minus(MARGIN).plus(GRACE));

    Optional<String> tripped = deadMan.check();

    assertThat(done).containsExactly("vips", "kill", "writes");
    assertThat(tripped.orElseThrow()).contains("VIPs down: failed: ip: RTNETLINK");
  }

  @Test
  void aNodeWithoutALeaseIsNeverTripped() {
    clock.advance(TTL.multipliedBy(3));
    assertThat(deadMan.armed()).isFalse();
    assertThat(deadMan.check()).isEmpty();
  }

  @Test
  void aStepThatOutlivesTheLeaseWhileServingTakesTheVipsDownAgainInTheSameStep() {
    control.tick();
    ports.duringServe = () -> clock.advance(TTL);

    Decision decision = control.tick();

    assertThat(decision).isInstanceOf(Decision.Hold.class);
    assertThat(decision.describe()).contains("lease ran out while it served");
    assertThat(ports.calls).endsWith("serve", "hold");
    assertThat(ports.servedWrites).isFalse();
    assertThat(deadMan.armed()).isFalse();
  }
}
