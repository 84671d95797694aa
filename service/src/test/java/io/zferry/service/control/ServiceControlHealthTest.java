package io.zferry.service.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lockstate.InMemoryStateStore;
import io.zferry.lockstate.ServiceState;
import io.zferry.service.config.FencingPolicy;
import io.zferry.service.failover.Decision;
import io.zferry.service.failover.NodeHealth;
import io.zferry.service.failover.PeerView;
import io.zferry.service.testing.FakeWitness;
import io.zferry.service.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The control step carries out the pool-health rules (design §5 rule 9) through its ports. */
class ServiceControlHealthTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final FencingPolicy FENCE =
      new FencingPolicy.Command(List.of("/usr/local/sbin/fence-peer"), Duration.ofSeconds(60));
  private static final NodeHealth SUSPENDED =
      new NodeHealth("SUSPENDED", Duration.ZERO, Duration.ZERO);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryStateStore store = new InMemoryStateStore(clock);
  private final FakePorts ports = new FakePorts();

  private ServiceControl control(String self, FencingPolicy fencing) {
    String peer = self.equals("node-a") ? "node-b" : "node-a";
    return new ServiceControl(
        "tank",
        self,
        peer,
        fencing,
        TIMEOUT,
        store,
        ports,
        clock,
        clock::nanoTime,
        Optional.empty());
  }

  private ServiceState record() {
    return store.serviceState("tank").orElseThrow();
  }

  private static PeerView sickActive(NodeHealth health) {
    return new PeerView.Answering(
        Optional.of(new PeerView.PeerServiceState("node-a", 0, false, health)));
  }

  @Test
  void anActiveWhosePoolIsSuspendedStandsAsideWithoutAZfsCommandAndServesWhenItRecovers() {
    store.initialiseService("tank", "node-a");
    ServiceControl a = control("node-a", FENCE);
    ports.peerView = FakePorts.answering("node-a", 0, false);
    a.tick();
    ports.calls.clear();

    ports.ownHealth = SUSPENDED;
    Decision decision = a.tick();

    assertThat(decision).isInstanceOf(Decision.StandAside.class);
    assertThat(ports.calls).containsExactly("standAside");
    assertThat(ports.servedWrites).isFalse();
    assertThat(record().activeNode()).as("the record is left alone").isEqualTo("node-a");
    assertThat(record().epoch()).isZero();

    ports.ownHealth = NodeHealth.online();
    assertThat(a.tick()).isEqualTo(new Decision.Serve());
    assertThat(ports.calls).endsWith("serve");
  }

  @Test
  void thePassiveFencesASickActiveBeforeItRecordsItselfOwner() {
    store.initialiseService("tank", "node-a");
    ServiceControl b = control("node-b", FENCE);
    ports.peerView = sickActive(SUSPENDED);
    ports.fenceOutcomes.add(Optional.of("exit 1"));

    Decision refused = b.tick();
    assertThat(refused).isInstanceOf(Decision.Hold.class);
    assertThat(refused.describe()).contains("node-a answers, but its pool is SUSPENDED");
    assertThat(record().activeNode()).isEqualTo("node-a");

    clock.advance(ServiceControl.FENCE_RETRY_PAUSE);
    Decision taken = b.tick();
    assertThat(taken).isEqualTo(new Decision.Serve());
    assertThat(ports.calls)
        .containsSubsequence("fence", "fence", "stopPulling", "rollBack", "serve");
    assertThat(record().activeNode()).isEqualTo("node-b");
    assertThat(record().isLocked()).isTrue();
  }

  /**
   * With {@code fencing: ignore} (always with a witness) the passive fences nothing and takes over
   * only once it holds the leader key: not while the sick active's lease runs, at once after.
   */
  @Test
  void withFencingIgnoreThePassiveTakesOverOnlyOnceItHoldsTheLeaderKey() {
    store.initialiseService("tank", "node-a");
    FakeWitness witness = new FakeWitness(clock::nanoTime);
    Duration ttl = Duration.ofSeconds(30);
    witness.client("node-a").acquire("node-a", ttl);
    ServiceControl b =
        new ServiceControl(
            "tank",
            "node-b",
            "node-a",
            new FencingPolicy.Ignore(),
            TIMEOUT,
            store,
            ports,
            clock,
            clock::nanoTime,
            Optional.of(
                new LeaderLease(
                    "node-b",
                    witness.client("node-b"),
                    ttl,
                    Duration.ofSeconds(10),
                    clock::nanoTime)));
    ports.peerView = sickActive(SUSPENDED);

    Decision whileLeased = b.tick();
    assertThat(whileLeased).isInstanceOf(Decision.Hold.class);
    assertThat(whileLeased.describe()).contains("the leader key names node-a");
    assertThat(ports.calls).doesNotContain("serve", "rollBack");
    assertThat(record().activeNode()).isEqualTo("node-a");

    // node-a, standing aside, renews nothing: its lease expires at the witness.
    clock.advance(ttl.plusSeconds(1));
    assertThat(b.tick()).isEqualTo(new Decision.Serve());
    assertThat(ports.fenceAttempts).isZero();
    assertThat(record().activeNode()).isEqualTo("node-b");
    assertThat(record().isLocked()).as("an automatic failover locks the sync").isTrue();
    assertThat(witness.leader()).contains("node-b");
  }
}
