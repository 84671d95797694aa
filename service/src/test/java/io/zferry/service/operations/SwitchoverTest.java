package io.zferry.service.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lockstate.InMemoryStateStore;
import io.zferry.lockstate.ServiceState;
import io.zferry.service.testing.MutableClock;
import io.zferry.service.testing.PullReports;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotListing;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.sync.pull.PullReport;
import io.zferry.sync.pull.Puller;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A switchover from node-a to node-b over in-memory stores, with the peer's answers failing. */
class SwitchoverTest {
  private static final String SERVICE = "tank";
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryStateStore storeA = new InMemoryStateStore(clock);
  private final InMemoryStateStore storeB = new InMemoryStateStore(clock);
  private final LocalSide a = new LocalSide();
  private final PeerSide b = new PeerSide();

  SwitchoverTest() {
    storeA.initialiseService(SERVICE, "node-a");
    storeB.initialiseService(SERVICE, "node-a");
  }

  private ActionReport switchover() {
    ServiceState before = storeA.serviceState(SERVICE).orElseThrow();
    return new Switchover(a, storeA, clock, steps -> {}).run(before, "node-b", "alice", b);
  }

  @Test
  void aSwitchoverThatWorksLeavesNodeBServingAlone() {
    ActionReport report = switchover();

    assertThat(report.ok()).isTrue();
    assertThat(report.steps())
        .extracting(Steps.Step::name)
        .containsExactly(
            "VIPs down",
            "stop hooks",
            "stop writes and snapshots",
            "final snapshot",
            "node-b pulls the final snapshot and holds it on every dataset",
            "record node-b as owner",
            "node-b starts the service");
    assertThat(a.serving).isFalse();
    assertThat(a.pulling).isTrue();
    assertThat(b.serving).isTrue();
    assertThat(storeA.serviceState(SERVICE).orElseThrow().epoch()).isEqualTo(1);
  }

  @Test
  void aLostPromoteReplyNeverLetsNodeAServeAgainBesideNodeB() {
    b.promoteReplyLost = true;

    ActionReport report = switchover();

    assertThat(b.serving).as("node-b promoted; only its reply was lost").isTrue();
    assertThat(a.serving).as("two actives").isFalse();
    assertThat(report.ok()).isFalse();
    assertThat(report.summary()).contains("lost").contains("serves nothing until node-b answers");
    ServiceState recorded = storeA.serviceState(SERVICE).orElseThrow();
    assertThat(recorded.activeNode()).isEqualTo("node-b");
    assertThat(recorded.epoch())
        .as("no take-back at epoch+2 for node-b to adopt without a lock")
        .isEqualTo(1);
    assertThat(a.held).isPresent();
  }

  @Test
  void withAWitnessTheLeaderKeyIsHandedOverBeforeTheOwnerRecordChanges() {
    a.witness = true;

    ActionReport report = switchover();

    assertThat(report.ok()).isTrue();
    assertThat(report.steps())
        .extracting(Steps.Step::name)
        .containsSubsequence(
            "node-b pulls the final snapshot and holds it on every dataset",
            "hand the witness's leader key to node-b",
            "record node-b as owner",
            "node-b starts the service");
    assertThat(a.handedTo).contains("node-b");
  }

  @Test
  void aHandOverTheWitnessRefusesChangesNoOwnerAndRestoresTheActive() {
    a.witness = true;
    a.handOverFailure = Optional.of("the witness refused: the leader key names node-b");

    ActionReport report = switchover();

    assertThat(report.ok()).isFalse();
    assertThat(b.promoted).isFalse();
    assertThat(storeA.serviceState(SERVICE).orElseThrow().activeNode()).isEqualTo("node-a");
    assertThat(report.steps())
        .last()
        .extracting(Steps.Step::name)
        .isEqualTo("restore node-a as active");
  }

  @Test
  void aPeerThatAnsweredItCouldNotStartIsTakenBack() {
    b.startFails = true;

    ActionReport report = switchover();

    assertThat(report.ok()).isFalse();
    assertThat(report.summary())
        .isEqualTo("node-b could not start the service; node-a is active again");
    assertThat(a.serving).isTrue();
    assertThat(storeA.serviceState(SERVICE).orElseThrow().epoch()).isEqualTo(2);
  }

  @Test
  void anOwnerRecordThatCannotBeWrittenRestoresTheActive() {
    storeA.failNext("changeOwner"::equals);

    ActionReport report = switchover();

    assertThat(report.ok()).isFalse();
    assertThat(a.serving).as("writable again and ACTIVE").isTrue();
    assertThat(a.readOnly).isFalse();
    assertThat(b.promoted).as("node-b was never told to start").isFalse();
    assertThat(report.steps())
        .last()
        .extracting(Steps.Step::name)
        .isEqualTo("restore node-a as active");
    assertThat(storeA.serviceState(SERVICE).orElseThrow().activeNode()).isEqualTo("node-a");
  }

  @Test
  void aChildThatNeverArrivesFailsTheSwitchoverAndRestoresTheActive() {
    b.applied = ACTIVE_FINAL.subList(0, 2);

    ActionReport report = switchover();

    assertThat(report.ok()).isFalse();
    assertThat(report.steps())
        .filteredOn(s -> !s.ok())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.name()).startsWith("node-b pulls the final snapshot");
              assertThat(s.detail()).contains("tank/secret is missing");
            });
    assertThat(report.summary()).contains("node-a is active");
    assertThat(a.serving).isTrue();
    assertThat(a.readOnly).isFalse();
    assertThat(b.promoted).isFalse();
    assertThat(storeA.serviceState(SERVICE).orElseThrow().activeNode()).isEqualTo("node-a");
  }

  @Test
  void aChildWithAnotherSnapshotOfTheSameNameFailsTheSwitchover() {
    b.applied =
        List.of(ACTIVE_FINAL.get(0), ACTIVE_FINAL.get(1), snapshot("tank/secret@final", 99));

    ActionReport report = switchover();

    assertThat(report.ok()).isFalse();
    assertThat(report.steps().stream().map(Steps.Step::detail))
        .anyMatch(d -> d.contains("tank/secret has another GUID (99, expected 44)"));
    assertThat(a.serving).isTrue();
  }

  private static final List<Snapshot> ACTIVE_FINAL =
      List.of(
          snapshot("tank@final", 42),
          snapshot("tank/child@final", 43),
          snapshot("tank/secret@final", 44),
          snapshot("tank/zferry-aside-20260101-old@final", 45));

  private static Snapshot snapshot(String name, long guid) {
    return new Snapshot(SnapshotName.parse(name), new Guid(guid), 7, Instant.EPOCH);
  }

  private static SnapshotListing listing(List<Snapshot> snapshots) {
    return new SnapshotListing(snapshots, List.of());
  }

  private static PullReport rootApplied(FinalSnapshot last) {
    Snapshot root = new Snapshot(last.name(), last.rootGuid(), 7, Instant.EPOCH);
    return PullReports.upToDate(DatasetName.of(SERVICE), root);
  }

  /** node-a's side: what it serves. */
  private final class LocalSide implements Switchover.Local {
    boolean serving = true;
    boolean readOnly;
    boolean pulling;
    Optional<String> held = Optional.empty();
    boolean witness;
    Optional<String> handOverFailure = Optional.empty();
    Optional<String> handedTo = Optional.empty();

    @Override
    public String service() {
      return SERVICE;
    }

    @Override
    public String self() {
      return "node-a";
    }

    @Override
    public void vipsDown() {}

    @Override
    public boolean hasWitness() {
      return witness;
    }

    @Override
    public void handOverLease(String to) {
      if (handOverFailure.isPresent()) {
        throw new OperationException(OperationException.Kind.FAILED, handOverFailure.get());
      }
      handedTo = Optional.of(to);
    }

    @Override
    public String runStopHooks() {
      return "no stop hooks";
    }

    @Override
    public void stopWrites() {
      readOnly = true;
    }

    @Override
    public FinalSnapshot finalSnapshot() {
      return FinalSnapshot.of(SnapshotName.parse("tank@final"), listing(ACTIVE_FINAL));
    }

    @Override
    public void restoreActive() {
      readOnly = false;
      serving = true;
    }

    @Override
    public void stepDown() {
      serving = false;
    }

    @Override
    public void followPeer() {
      pulling = true;
    }

    @Override
    public void holdUnresolved(String reason) {
      serving = false;
      readOnly = true;
      held = Optional.of(reason);
    }
  }

  /** node-b over its own store; its answers can fail. */
  private final class PeerSide implements PeerCommands {
    boolean serving;
    boolean promoted;
    boolean promoteReplyLost;
    boolean startFails;
    final List<String> calls = new ArrayList<>();

    List<Snapshot> applied = ACTIVE_FINAL;

    /** node-b's own catch-up over its listing; each pull reports success for the pool's root. */
    @Override
    public String catchUp(String service, FinalSnapshot last) {
      calls.add("catchUp");
      try {
        return new CatchUp(
                "node-b",
                () -> Optional.of(rootApplied(last)),
                () -> listing(applied),
                () -> false,
                clock::nanoTime,
                () -> clock.advance(Duration.ofMinutes(1)))
            .run(last);
      } catch (OperationException e) {
        throw new OperationException(e.kind(), "node-b: " + e.getMessage());
      }
    }

    @Override
    public String promote(String service, long epoch, String actor) {
      promoted = true;
      storeB.adoptPeerState(service, "node-b", epoch, Optional.empty(), actor);
      if (startFails) {
        throw new OperationException(
            OperationException.Kind.FAILED, "node-b: start hooks failed on node-b");
      }
      serving = true;
      if (promoteReplyLost) {
        throw new OperationException(
            OperationException.Kind.UNANSWERED, "node-b did not answer: connection reset");
      }
      return "node-b is active at epoch " + epoch;
    }

    @Override
    public ResyncResult resync(String service, Puller.Divergence how, String actor) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String unlock(String service, long epoch, String actor, String reason) {
      throw new UnsupportedOperationException();
    }
  }
}
