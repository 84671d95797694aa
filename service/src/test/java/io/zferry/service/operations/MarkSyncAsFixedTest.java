package io.zferry.service.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.lockstate.EventFilter;
import io.zferry.lockstate.EventKind;
import io.zferry.lockstate.InMemoryStateStore;
import io.zferry.lockstate.StateStore;
import io.zferry.service.failover.PeerView;
import io.zferry.service.testing.MutableClock;
import io.zferry.sync.pull.Puller;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * mark-sync-as-fixed after node-a took tank over from node-b at epoch 1: each node has its own
 * in-memory store, locked, and the peer's half runs on the other node's store.
 */
class MarkSyncAsFixedTest {
  private static final Set<String> BOTH = Set.of("node-a", "node-b");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final Node a = new Node("node-a", "node-b");
  private final Node b = new Node("node-b", "node-a");

  MarkSyncAsFixedTest() {
    for (Node node : List.of(a, b)) {
      node.store.initialiseService("tank", "node-b");
      node.store.changeOwner("tank", 0, "node-a", "system", "automatic failover", true);
    }
    a.peerView = answering(a.peerSees());
    b.peerView = answering(b.peerSees());
  }

  private PeerView answering(PeerView.PeerServiceState theirs) {
    return new PeerView.Answering(Optional.of(theirs));
  }

  private MarkSyncAsFixed on(Node node) {
    return new MarkSyncAsFixed(node, node.store, clock);
  }

  @Test
  void fromTheOwnerThePeerResyncsAndBothLocksAreCleared() {
    ActionReport report = on(a).run(BOTH, false, "alice", a.peerCommands(b));

    assertThat(report.ok()).isTrue();
    assertThat(b.resyncs).containsExactly(Puller.Divergence.KEEP_ASIDE_AND_RESYNC);
    assertThat(a.locked()).isFalse();
    assertThat(b.locked()).isFalse();
    assertThat(report.summary())
        .isEqualTo(
            "node-b's data after the last common snapshot is kept as tank/zferry-aside-1 on node-b");
    assertThat(a.store.events(EventFilter.latest(10)))
        .anyMatch(
            e ->
                e.kind() == EventKind.OPERATOR_ACTION
                    && e.message().contains("mark-sync-as-fixed by alice"));
  }

  /** Seen in the 2.1 VMs: a reason of 1192 characters, an internal error after the resync. */
  @Test
  void manyDatasetsSetAsideStillFitTheUnlocksReasonAndTheEventKeepsThemAll() {
    List<String> aside = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      aside.add("tank/zferry-aside-20261206-081612-dataset-with-a-long-name-" + i);
    }
    b.keptAside = aside;

    ActionReport report = on(a).run(BOTH, false, "alice", a.peerCommands(b));

    assertThat(report.ok()).isTrue();
    assertThat(a.locked()).isFalse();
    assertThat(b.locked()).isFalse();
    assertThat(a.unlockReasons).hasSize(1);
    assertThat(a.unlockReasons.get(0))
        .hasSizeLessThanOrEqualTo(StateStore.MAX_LABEL_LENGTH)
        .startsWith("mark-sync-as-fixed by alice: node-b's data")
        .endsWith("(cut; the whole account is among the events, GUI or /api/v1/events)");
    assertThat(a.store.events(EventFilter.latest(10)))
        .anyMatch(
            e ->
                e.kind() == EventKind.OPERATOR_ACTION
                    && e.message().contains(aside.get(39))
                    && e.message().contains(aside.get(0)));
  }

  @Test
  void fromTheOldActiveItResyncsItselfThenUnlocksTheOwner() {
    on(b).run(BOTH, true, "alice", b.peerCommands(a));

    assertThat(b.resyncs).containsExactly(Puller.Divergence.DISCARD_AND_RESYNC);
    assertThat(a.resyncs).isEmpty();
    assertThat(a.locked()).isFalse();
    assertThat(b.locked()).isFalse();
  }

  @Test
  void aResyncThatFailsLeavesBothLocksInPlace() {
    b.resyncFailure =
        Optional.of(
            new OperationException(
                OperationException.Kind.FAILED, "the sync stays locked: no room to keep tank"));

    assertThatThrownBy(() -> on(a).run(BOTH, false, "alice", a.peerCommands(b)))
        .hasMessageContaining("the sync stays locked");

    assertThat(a.locked()).isTrue();
    assertThat(b.locked()).isTrue();
  }

  @Test
  void aPeerThatDoesNotAnswerIsRefusedBeforeAnythingIsTouched() {
    a.peerView = new PeerView.Silent(Duration.ofMinutes(1), Duration.ofMinutes(1), true);

    assertThatThrownBy(() -> on(a).run(BOTH, false, "alice", a.peerCommands(b)))
        .isInstanceOfSatisfying(
            OperationException.class,
            e -> assertThat(e.kind()).isEqualTo(OperationException.Kind.CONFLICT))
        .hasMessage("node-b does not answer; mark-sync-as-fixed needs both nodes up");
    assertThat(b.resyncs).isEmpty();
    assertThat(a.locked()).isTrue();
  }

  @Test
  void nodesThatDisagreeOnTheRecordAreRefused() {
    a.peerView = answering(new PeerView.PeerServiceState("node-b", 0, false));

    assertThatThrownBy(() -> on(a).run(BOTH, false, "alice", a.peerCommands(b)))
        .hasMessageContaining("the nodes do not agree on tank yet");
    assertThat(a.locked()).isTrue();
  }

  @Test
  void anUnlockedServiceHasNothingToFix() {
    a.store.unlockSync("tank", 1, "test", "set up");
    b.store.unlockSync("tank", 1, "test", "set up");
    a.peerView = answering(a.peerSees());

    assertThatThrownBy(() -> on(a).run(BOTH, false, "alice", a.peerCommands(b)))
        .hasMessage("the sync of tank is not locked; nothing to fix");
    assertThat(b.resyncs).isEmpty();
  }

  /**
   * Of three nodes: node-a took over from node-b, then a planned move under Pacemaker gave the
   * record to node-c (epoch 2), and both keep their locks. Resyncing one and unlocking the other
   * would unlock a node whose divergent data nobody kept aside (the simulation's seed 105).
   */
  @Test
  void aRecordNeitherNamedNodeOwnsIsRefused() {
    for (Node node : List.of(a, b)) {
      node.store.changeOwner("tank", 1, "node-c", "pacemaker", "a planned move", false);
    }
    a.peerView = answering(a.peerSees());

    assertThatThrownBy(() -> on(a).run(BOTH, false, "alice", a.peerCommands(b)))
        .isInstanceOfSatisfying(
            OperationException.class,
            e -> assertThat(e.kind()).isEqualTo(OperationException.Kind.CONFLICT))
        .hasMessageStartingWith("node-c owns tank now, neither node-a nor node-b");
    assertThat(a.resyncs).isEmpty();
    assertThat(b.resyncs).isEmpty();
    assertThat(a.locked()).isTrue();
    assertThat(b.locked()).isTrue();
  }

  @Test
  void bothNodesMustBeNamed() {
    assertThatThrownBy(() -> on(a).run(Set.of("node-a"), false, "alice", a.peerCommands(b)))
        .isInstanceOfSatisfying(
            OperationException.class,
            e -> assertThat(e.kind()).isEqualTo(OperationException.Kind.INVALID))
        .hasMessageStartingWith("name both nodes of the cluster");
    assertThatThrownBy(
            () -> on(a).run(Set.of("node-a", "node-c"), false, "alice", a.peerCommands(b)))
        .hasMessageStartingWith("'node-c' is not a node of this cluster");
    assertThat(a.locked()).isTrue();
  }

  @Test
  void anUnlockAtAnOlderEpochLeavesTheLock() {
    assertThatThrownBy(() -> SyncUnlock.run(a.store, "tank", "node-a", 0, "alice", "stale"))
        .isInstanceOfSatisfying(
            OperationException.class,
            e -> assertThat(e.kind()).isEqualTo(OperationException.Kind.CONFLICT));
    assertThat(a.locked()).isTrue();
  }

  /** One node: its store, its view of the peer, and its half of the action. */
  private final class Node implements MarkSyncAsFixed.Local {
    final String self;
    final String peer;
    final InMemoryStateStore store = new InMemoryStateStore(clock);
    PeerView peerView;
    final List<Puller.Divergence> resyncs = new ArrayList<>();
    final List<String> unlockReasons = new ArrayList<>();
    List<String> keptAside = List.of("tank/zferry-aside-1");
    Optional<OperationException> resyncFailure = Optional.empty();

    Node(String self, String peer) {
      this.self = self;
      this.peer = peer;
    }

    boolean locked() {
      return store.serviceState("tank").orElseThrow().isLocked();
    }

    /** What the other node sees of this one in its heartbeat. */
    PeerView.PeerServiceState peerSees() {
      var other = self.equals("node-a") ? b : a;
      var record = other.store.serviceState("tank").orElseThrow();
      return new PeerView.PeerServiceState(record.activeNode(), record.epoch(), record.isLocked());
    }

    PeerCommands peerCommands(Node other) {
      return new PeerCommands() {
        @Override
        public String catchUp(String service, FinalSnapshot last) {
          throw new UnsupportedOperationException();
        }

        @Override
        public String promote(String service, long epoch, String actor) {
          throw new UnsupportedOperationException();
        }

        @Override
        public ResyncResult resync(String service, Puller.Divergence how, String actor) {
          return other.resync(how, actor);
        }

        @Override
        public String unlock(String service, long epoch, String actor, String reason) {
          return other.unlock(epoch, actor, reason);
        }
      };
    }

    @Override
    public String service() {
      return "tank";
    }

    @Override
    public String self() {
      return self;
    }

    @Override
    public String peer() {
      return peer;
    }

    @Override
    public PeerView peerView() {
      return peerView;
    }

    @Override
    public ResyncResult resync(Puller.Divergence how, String actor) {
      resyncs.add(how);
      if (resyncFailure.isPresent()) {
        throw resyncFailure.get();
      }
      long epoch = store.serviceState("tank").orElseThrow().epoch();
      SyncUnlock.run(store, "tank", self, epoch, actor, "mark-sync-as-fixed by " + actor);
      return new ResyncResult(self, keptAside, List.of(), "ok");
    }

    @Override
    public String unlock(long epoch, String actor, String reason) {
      unlockReasons.add(reason);
      return SyncUnlock.run(store, "tank", self, epoch, actor, reason);
    }
  }
}
