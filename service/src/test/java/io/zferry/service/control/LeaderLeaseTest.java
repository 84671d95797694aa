package io.zferry.service.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.lockstate.InMemoryStateStore;
import io.zferry.lockstate.ServiceState;
import io.zferry.service.config.FencingPolicy;
import io.zferry.service.control.Witness.Answer;
import io.zferry.service.failover.Decision;
import io.zferry.service.testing.FakeWitness;
import io.zferry.service.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The witness's lease rules in the control step, on a hand-written witness and the test clock. */
class LeaderLeaseTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration MARGIN = Duration.ofSeconds(10);
  private static final Duration TICK = Duration.ofSeconds(1);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FakeWitness witness = new FakeWitness(clock::nanoTime);
  private boolean aReachesWitness = true;
  private boolean bReachesWitness = true;
  private boolean aLosesReplies;

  /** One node: its own store and ports, the shared clock and witness. */
  private final class Node {
    final InMemoryStateStore store = new InMemoryStateStore(clock);
    final FakePorts ports = new FakePorts();
    final ServiceControl control;

    Node(String self, FencingPolicy fencing) {
      String peer = self.equals("node-a") ? "node-b" : "node-a";
      store.initialiseService("tank", "node-a");
      Witness client =
          self.equals("node-a")
              ? witness.client(self, () -> aReachesWitness, () -> aLosesReplies)
              : witness.client(self, () -> bReachesWitness, () -> false);
      control =
          new ServiceControl(
              "tank",
              self,
              peer,
              fencing,
              TIMEOUT,
              store,
              ports,
              clock,
              clock::nanoTime,
              Optional.of(new LeaderLease(self, client, TTL, MARGIN, clock::nanoTime)));
    }

    ServiceState record() {
      return store.serviceState("tank").orElseThrow();
    }
  }

  private final Node a = new Node("node-a", new FencingPolicy.Ignore());
  private final Node b = new Node("node-b", new FencingPolicy.Ignore());

  /** A symmetric partition: each node sees the other silent, clients still reach both. */
  private void partition() {
    a.ports.peerView = FakePorts.silentFor(TIMEOUT.plusSeconds(1));
    b.ports.peerView = FakePorts.silentFor(TIMEOUT.plusSeconds(1));
  }

  private void connected() {
    a.ports.peerView = FakePorts.answering("node-a", 0, false);
    b.ports.peerView = FakePorts.answering("node-a", 0, false);
  }

  @Test
  void theActiveServesOnlyOnceItHoldsTheLeaderKey() {
    connected();
    aReachesWitness = false;
    Decision refused = a.control.tick();
    assertThat(refused).isInstanceOf(Decision.Hold.class);
    assertThat(refused.describe()).contains("witness", "did not answer");
    assertThat(a.ports.servedWrites).isFalse();

    aReachesWitness = true;
    assertThat(a.control.tick()).isEqualTo(new Decision.Serve());
    assertThat(a.ports.servedWrites).isTrue();
    assertThat(witness.leader()).contains("node-a");
  }

  @Test
  void renewalsEveryThirdOfTheTtlKeepTheActiveServingForAsLongAsTheWitnessAnswers() {
    connected();
    for (int second = 0; second < 10 * TTL.toSeconds(); second++) {
      assertThat(a.control.tick()).isEqualTo(new Decision.Serve());
      clock.advance(TICK);
    }
    assertThat(witness.leader()).contains("node-a");
  }

  @Test
  void anActiveCutOffFromTheWitnessStopsServingBeforeItsLeaseCanExpireThere() {
    connected();
    a.control.tick();
    aReachesWitness = false;
    long lastRenewal = clock.nanoTime();
    Duration served = Duration.ZERO;
    while (a.control.tick() instanceof Decision.Serve) {
      assertThat(witness.leader()).contains("node-a");
      clock.advance(TICK);
      served = Duration.ofNanos(clock.nanoTime() - lastRenewal);
    }
    assertThat(a.ports.servedWrites).isFalse();
    assertThat(a.ports.calls).last().isEqualTo("hold");
    assertThat(served).isLessThanOrEqualTo(TTL.minus(MARGIN));
    assertThat(witness.leader())
        .as("still within the lease: nobody else holds it")
        .contains("node-a");
    assertThat(a.control.decision().describe()).contains("not renewed", "safety margin");
  }

  /**
   * A control loop stalled past its lease's deadline (slow renewals through an unreachable etcd
   * member, a slow step) while the dead man's switch dropped the VIPs and set the pool read-only:
   * when the loop comes back and acquires the key again, it must not just keep serving as before,
   * with the VIPs back on a read-only pool, but go down and come up again as a new holder does.
   */
  @Test
  void anActiveThatAcquiresTheKeyAgainAfterItsDeadlinePassedComesUpAgainInFull() {
    connected();
    assertThat(a.control.tick()).isEqualTo(new Decision.Serve());
    // The loop stalls: no step until past the deadline, when the switch stopped writes.
    clock.advance(TTL.minus(MARGIN).plusSeconds(2));
    a.ports.calls.clear();

    assertThat(a.control.tick()).isEqualTo(new Decision.Serve());

    assertThat(a.ports.calls)
        .as("down, then up: writes allowed and VIPs raised anew")
        .containsExactly("hold", "serve");
    assertThat(a.ports.servedWrites).isTrue();
    assertThat(witness.leader()).contains("node-a");

    a.ports.calls.clear();
    clock.advance(TICK);
    a.control.tick();
    assertThat(a.ports.calls).as("a renewed lease serves on as it is").containsExactly("serve");
  }

  @Test
  void aLostRenewalReplyCountsAsNoRenewal() {
    connected();
    a.control.tick();
    aLosesReplies = true;
    for (int second = 0; second < TTL.minus(MARGIN).toSeconds(); second++) {
      clock.advance(TICK);
      a.control.tick();
    }
    assertThat(a.control.decision()).isInstanceOf(Decision.Hold.class);
    assertThat(a.ports.servedWrites).isFalse();
  }

  @Test
  void inASymmetricPartitionThePassiveTakesOverOnlyAfterTheActiveLeaseExpired() {
    connected();
    a.control.tick();
    b.control.tick();
    partition();
    // node-a keeps its lease: node-b may not take over, even with fencing ignore.
    for (int second = 0; second < 3 * TTL.toSeconds(); second++) {
      clock.advance(TICK);
      assertThat(a.control.tick()).isEqualTo(new Decision.Serve());
      Decision decision = b.control.tick();
      assertThat(decision).isInstanceOf(Decision.Hold.class);
      assertThat(decision.describe()).contains("refused the leader lease", "names node-a");
    }
    assertThat(b.record().activeNode()).isEqualTo("node-a");

    // node-a loses the witness too (it is the one cut off): it stops, then node-b takes over.
    aReachesWitness = false;
    boolean bServes = false;
    for (int second = 0; second < 2 * TTL.toSeconds() && !bServes; second++) {
      clock.advance(TICK);
      a.control.tick();
      bServes = b.control.tick() instanceof Decision.Serve;
      assertThat(a.ports.servedWrites && b.ports.servedWrites).as("two actives").isFalse();
    }
    assertThat(bServes).isTrue();
    assertThat(b.record().activeNode()).isEqualTo("node-b");
    assertThat(b.record().isLocked()).isTrue();
    assertThat(witness.leader()).contains("node-b");
  }

  @Test
  void aWitnessThatNeitherNodeReachesStopsTheActiveAndNobodyTakesOver() {
    connected();
    a.control.tick();
    partition();
    aReachesWitness = false;
    bReachesWitness = false;
    for (int second = 0; second < 5 * TTL.toSeconds(); second++) {
      clock.advance(TICK);
      a.control.tick();
      b.control.tick();
    }
    assertThat(a.ports.servedWrites).isFalse();
    assertThat(b.ports.servedWrites).isFalse();
    assertThat(b.record().activeNode()).isEqualTo("node-a");
    assertThat(a.control.decision().describe()).contains("witness", "did not answer");
    assertThat(b.control.decision().describe())
        .contains("witness", "did not answer", "no takeover");
  }

  @Test
  void theFenceStillDecidesAfterTheLeaseWasAcquired() {
    Node fencing =
        new Node(
            "node-b",
            new FencingPolicy.Command(java.util.List.of("/usr/local/sbin/fence"), TIMEOUT));
    fencing.ports.peerView = FakePorts.silentFor(TIMEOUT.plusSeconds(1));
    fencing.ports.fenceOutcomes.add(Optional.of("exit 1"));

    Decision decision = fencing.control.tick();

    assertThat(decision.describe()).contains("fencing node-a failed");
    assertThat(fencing.ports.calls).containsExactly("fence", "hold");
    assertThat(fencing.record().activeNode()).isEqualTo("node-a");
  }

  @Test
  void theWitnessIsNotAskedWhileTheFenceCommandWaitsToBeRetried() {
    java.util.concurrent.atomic.AtomicInteger acquisitions =
        new java.util.concurrent.atomic.AtomicInteger();
    Witness real = witness.client("node-b");
    Witness counting =
        new Witness() {
          @Override
          public Answer acquire(String self, Duration ttl) {
            acquisitions.incrementAndGet();
            return real.acquire(self, ttl);
          }

          @Override
          public Answer renew(String self, long leaseId) {
            return real.renew(self, leaseId);
          }

          @Override
          public Answer handOver(String from, String to) {
            return real.handOver(from, to);
          }

          @Override
          public String describe() {
            return real.describe();
          }
        };
    InMemoryStateStore store = new InMemoryStateStore(clock);
    store.initialiseService("tank", "node-a");
    FakePorts ports = new FakePorts();
    ports.peerView = FakePorts.silentFor(TIMEOUT.plusSeconds(1));
    ports.fenceOutcomes.add(Optional.of("exit 1"));
    ServiceControl b =
        new ServiceControl(
            "tank",
            "node-b",
            "node-a",
            new FencingPolicy.Command(java.util.List.of("/usr/local/sbin/fence"), TIMEOUT),
            TIMEOUT,
            store,
            ports,
            clock,
            clock::nanoTime,
            Optional.of(new LeaderLease("node-b", counting, TTL, MARGIN, clock::nanoTime)));

    b.tick();
    for (int second = 1; second < ServiceControl.FENCE_RETRY_PAUSE.toSeconds(); second++) {
      clock.advance(TICK);
      assertThat(b.tick().describe()).contains("next attempt in");
    }
    assertThat(acquisitions).hasValue(1);

    clock.advance(TICK);
    assertThat(b.tick()).isEqualTo(new Decision.Serve());
    assertThat(acquisitions).hasValue(2);
    assertThat(ports.fenceAttempts).isEqualTo(2);
    assertThat(witness.leader()).contains("node-b");
  }

  @Test
  void aHandedOverKeyEndsTheOldHoldersLeaseAndTheNewOwnerAttachesItsOwn() {
    connected();
    a.control.tick();
    assertThat(a.control.handOverLease("node-b")).isEmpty();
    assertThat(witness.leader()).contains("node-b");

    // node-b is the owner now (the switchover's record and promotion); node-a follows.
    b.store.changeOwner("tank", 0, "node-b", "alice", "switchover", false);
    b.ports.peerView = FakePorts.answering("node-b", 1, false);
    assertThat(b.control.tick()).isEqualTo(new Decision.Serve());
    // Long after node-a's lease (which the key was handed over under) expired, node-b holds it.
    for (int second = 0; second < 3 * TTL.toSeconds(); second++) {
      clock.advance(TICK);
      assertThat(b.control.tick()).isEqualTo(new Decision.Serve());
    }
    assertThat(witness.leader()).contains("node-b");
  }

  @Test
  void anActiveWhoseKeyWasHandedOverStopsAtItsNextRenewal() {
    connected();
    a.control.tick();
    witness.client("node-a").handOver("node-a", "node-b");
    Decision decision = Decision.Serve.class.cast(a.control.tick());
    for (int second = 0;
        second <= TTL.toSeconds() / 3 && decision instanceof Decision.Serve;
        second++) {
      clock.advance(TICK);
      decision = a.control.tick();
    }
    assertThat(decision).isInstanceOf(Decision.Hold.class);
    assertThat(decision.describe()).contains("names node-b");
    assertThat(a.ports.servedWrites).isFalse();
  }

  @Test
  void aSafetyMarginThatLeavesNoTimeToRenewIsRefused() {
    assertThatThrownBy(
            () ->
                new LeaderLease(
                    "node-a",
                    witness.client("node-a"),
                    TTL,
                    Duration.ofSeconds(20),
                    clock::nanoTime))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two thirds");
  }

  @Test
  void aForcedNodeServesOnlyOnceItHoldsTheLease() {
    connected();
    a.control.tick();
    assertThat(witness.leader()).contains("node-a");
    partition();
    b.store.changeOwner("tank", 0, "node-b", "operator", "forced by operator", true);

    Decision forced = b.control.serveForced();

    assertThat(forced).isInstanceOf(Decision.Hold.class);
    assertThat(b.ports.calls).doesNotContain("serve");

    // node-a is cut off from the witness too: its lease ends, and node-b serves under its own.
    aReachesWitness = false;
    for (int i = 0; i < 40; i++) {
      clock.advance(TICK);
      a.control.tick();
      b.control.tick();
    }
    assertThat(b.ports.calls).contains("serve");
    assertThat(witness.leader()).contains("node-b");
  }
}
