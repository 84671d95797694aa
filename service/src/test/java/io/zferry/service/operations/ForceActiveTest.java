package io.zferry.service.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.lockstate.InMemoryStateStore;
import io.zferry.lockstate.ServiceState;
import io.zferry.service.control.LeaderLease;
import io.zferry.service.failover.PeerView;
import io.zferry.service.testing.FakeWitness;
import io.zferry.service.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code zferry failover tank --force} on node-b, the passive, over an in-memory store. */
class ForceActiveTest {
  private static final Duration TTL = Duration.ofSeconds(15);
  private static final Duration MARGIN = Duration.ofSeconds(5);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryStateStore store = new InMemoryStateStore(clock);
  private final Side b = new Side();

  ForceActiveTest() {
    store.initialiseService("tank", "node-a");
  }

  private ServiceState record() {
    return store.serviceState("tank").orElseThrow();
  }

  @Test
  void aSilentPeerLetsTheOperatorForceAndTheSyncIsLocked() {
    b.peerView = new PeerView.Silent(Duration.ofMinutes(5), Duration.ofMinutes(5), true);

    String answer = new ForceActive(b, store).run("alice");

    assertThat(answer).isEqualTo("node-b is active for tank at epoch 1; sync is locked");
    assertThat(record().activeNode()).isEqualTo("node-b");
    assertThat(record().isLocked()).isTrue();
    assertThat(b.serving).isTrue();
    assertThat(b.pullStopped).isTrue();
  }

  @Test
  void aPeerThatAnswersWithTheSameRecordRefusesTheForce() {
    b.peerView =
        new PeerView.Answering(Optional.of(new PeerView.PeerServiceState("node-a", 0, false)));

    assertThatThrownBy(() -> new ForceActive(b, store).run("alice"))
        .isInstanceOfSatisfying(
            OperationException.class,
            e -> assertThat(e.kind()).isEqualTo(OperationException.Kind.CONFLICT))
        .hasMessageContaining("node-a answers, so forcing is refused");

    assertThat(record().activeNode()).isEqualTo("node-a");
    assertThat(record().isLocked()).isFalse();
    assertThat(b.serving).isFalse();
    assertThat(b.pullStopped).as("nothing is touched when refused").isFalse();
  }

  @Test
  void equalEpochsWithDifferentOwnersAreSettledByTheOperator() {
    b.peerView =
        new PeerView.Answering(Optional.of(new PeerView.PeerServiceState("node-b", 0, false)));

    new ForceActive(b, store).run("alice");

    assertThat(record().activeNode()).isEqualTo("node-b");
    assertThat(record().epoch()).isEqualTo(1);
    assertThat(record().isLocked()).isTrue();
  }

  @Test
  void aPullCycleThatDoesNotEndGivesUpWithoutTakingOver() {
    b.peerView = new PeerView.Silent(Duration.ofMinutes(5), Duration.ofMinutes(5), true);
    b.pullEnds = false;

    assertThatThrownBy(() -> new ForceActive(b, store).run("alice"))
        .hasMessageContaining("a cancelled pull cycle of tank is still running on node-b");

    assertThat(record().activeNode()).isEqualTo("node-a");
    assertThat(b.serving).isFalse();
  }

  @Test
  void aWitnessThatStillGivesTheLeaseToThePeerRefusesTheForce() {
    // node-a lost its link to node-b but still serves, holding the leader key at the witness.
    FakeWitness witness = new FakeWitness(clock::nanoTime);
    LeaderLease a =
        new LeaderLease("node-a", witness.client("node-a"), TTL, MARGIN, clock::nanoTime);
    assertThat(a.acquire()).isEmpty();
    b.lease =
        Optional.of(
            new LeaderLease("node-b", witness.client("node-b"), TTL, MARGIN, clock::nanoTime));
    b.peerView = new PeerView.Silent(Duration.ofMinutes(5), Duration.ofMinutes(5), true);

    assertThatThrownBy(() -> new ForceActive(b, store).run("alice"))
        .isInstanceOfSatisfying(
            OperationException.class,
            e -> assertThat(e.kind()).isEqualTo(OperationException.Kind.CONFLICT))
        .hasMessageContaining("witness");

    assertThat(record().activeNode()).as("never two owners serving").isEqualTo("node-a");
    assertThat(record().isLocked()).isFalse();
    assertThat(b.serving).isFalse();
    assertThat(witness.leader()).contains("node-a");
  }

  @Test
  void aWitnessWhoseLeaseExpiredLetsTheOperatorForce() {
    FakeWitness witness = new FakeWitness(clock::nanoTime);
    b.lease =
        Optional.of(
            new LeaderLease("node-b", witness.client("node-b"), TTL, MARGIN, clock::nanoTime));
    b.peerView = new PeerView.Silent(Duration.ofMinutes(5), Duration.ofMinutes(5), true);

    new ForceActive(b, store).run("alice");

    assertThat(record().activeNode()).isEqualTo("node-b");
    assertThat(witness.leader()).contains("node-b");
    assertThat(b.serving).isTrue();
  }

  private static final class Side implements ForceActive.Local {
    PeerView peerView;
    Optional<LeaderLease> lease = Optional.empty();
    boolean pullEnds = true;
    boolean pullStopped;
    boolean serving;

    @Override
    public String service() {
      return "tank";
    }

    @Override
    public String self() {
      return "node-b";
    }

    @Override
    public String peer() {
      return "node-a";
    }

    @Override
    public PeerView peerView() {
      return peerView;
    }

    @Override
    public boolean stopPulling(Duration wait) {
      pullStopped = true;
      return pullEnds;
    }

    @Override
    public Optional<String> acquireLease() {
      return lease.flatMap(LeaderLease::acquire);
    }

    @Override
    public Optional<String> serveForced(ServiceState before) {
      serving = true;
      return Optional.empty();
    }
  }
}
