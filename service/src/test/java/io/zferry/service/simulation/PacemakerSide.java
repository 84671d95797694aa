package io.zferry.service.simulation;

import io.zferry.lockstate.ServiceState;
import io.zferry.service.control.ForceRule;
import io.zferry.service.failover.PeerView;
import io.zferry.service.operations.CatchUp;
import io.zferry.service.operations.FinalSnapshot;
import io.zferry.service.operations.OperationException;
import io.zferry.service.operations.PacemakerHandover;
import io.zferry.service.operations.PacemakerPromotion;
import io.zferry.service.pacemaker.PacemakerIntent;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotListing;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.sync.pull.PullReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node's instance of the promotable clone, as the daemon's {@code PacemakerInstance} is: the
 * real {@link PacemakerPromotion} and {@link PacemakerHandover} over the simulated node, and the
 * owner's API over the simulated network. It lives as long as the node's daemon: a crash ends it,
 * with the final snapshot its hand-over remembered. Every step of an action may be the one at which
 * a node crashes ({@link PacemakerSimulation#crashPoint}).
 */
final class PacemakerSide implements PacemakerPromotion.Local, PacemakerHandover.Local {
  static final String ACTOR = "pacemaker";
  private static final DatasetName TANK = DatasetName.of("tank");

  /** The node crashed in the middle of an action: the action ends there, nothing answers. */
  static final class Crashed extends RuntimeException {
    Crashed(String node) {
      super(node + " crashed", null, false, false);
    }
  }

  private final SimNode node;
  private final PacemakerSimulation sim;
  final PacemakerHandover handover;

  PacemakerSide(SimNode node, PacemakerSimulation sim) {
    this.node = node;
    this.sim = sim;
    this.handover = new PacemakerHandover(this, node.store);
  }

  @Override
  public boolean heardSinceStart() {
    return node.heardSinceStart();
  }

  /** Pacemaker's promote here ({@code PacemakerInstance.promote}). */
  String promote() {
    ServiceState before = node.record();
    try {
      String result = new PacemakerPromotion(this, node.store).run(ownerCommands(), ACTOR);
      handover.servingAgain();
      return result;
    } finally {
      // What Pacemaker's log and the lock tell the operator: who took over from whom.
      ServiceState after = node.record();
      if (after.epoch() > before.epoch()
          && after.isActive(node.name)
          && after.isLocked()
          && !before.isActive(node.name)) {
        sim.tookOver(node.name, before.activeNode());
      }
    }
  }

  /** Pacemaker's start: run unpromoted here. */
  String start() {
    if (node.intent.orElseThrow() == PacemakerIntent.STOPPED) {
      intend(PacemakerIntent.STARTED);
    }
    settle();
    return node.name + " runs tank (" + node.intent.orElseThrow().word() + ")";
  }

  /** Pacemaker's stop: demoted first if it serves, then neither serve nor pull. */
  String stop() {
    String demoted = serving() ? handover.demote() + "; " : "";
    intend(PacemakerIntent.STOPPED);
    settle();
    if (serving()) {
      throw new OperationException(
          OperationException.Kind.FAILED,
          node.name + " still serves tank: " + node.control.decision().describe());
    }
    return demoted + node.name + " stopped tank";
  }

  /**
   * The owner of this node's record over the network, resolved at each request (as {@code
   * PeerRoute.ownerCommands}); an owner that crashes while it answers does not answer.
   */
  private PacemakerPromotion.Owner ownerCommands() {
    return new PacemakerPromotion.Owner() {
      @Override
      public PacemakerHandover.Answer handover(String service) {
        SimNode owner = sim.node(ownerName());
        return sim.remote(node, owner, "hand-over", side -> side.handover.handover());
      }

      @Override
      public long release(String service, long epoch, String to, String actor) {
        SimNode owner = sim.node(ownerName());
        return sim.remote(node, owner, "release", side -> side.handover.release(epoch, to, actor));
      }
    };
  }

  private String ownerName() {
    ServiceState record = node.record();
    return record.isActive(node.name) ? node.followed : record.activeNode();
  }

  // PacemakerPromotion.Local and PacemakerHandover.Local

  @Override
  public String service() {
    return SimNode.SERVICE;
  }

  @Override
  public String self() {
    return node.name;
  }

  @Override
  public void intend(PacemakerIntent intent) {
    node.intent = Optional.of(intent);
  }

  @Override
  public Optional<String> serveNow() {
    sim.crashPoint(node);
    settle();
    if (!serving()) {
      return Optional.of(node.control.decision().describe());
    }
    return node.hooksDone ? Optional.empty() : Optional.of("start hooks failed on " + node.name);
  }

  @Override
  public String catchUp(FinalSnapshot last) {
    sim.crashPoint(node);
    SimNode owner = sim.node(node.record().activeNode());
    return new CatchUp(
            node.name,
            () -> sim.pullNow(node, owner).map(received -> report()),
            this::listing,
            () -> node.record().isLocked(),
            node.clock::nanoTime,
            () -> node.clock.advance(Duration.ofSeconds(10)))
        .run(last);
  }

  /**
   * {@code OtherPassives.catchUp}: pulls from each answering passive other than the owner whose
   * last applied snapshot is not here; a pull that fails is said and left.
   */
  @Override
  public String catchUpFromOtherPassives() {
    sim.crashPoint(node);
    String owner = node.record().activeNode();
    List<String> done = new ArrayList<>();
    for (String other : node.peers) {
      Optional<Long> applied =
          node.viewOf(other) instanceof PeerView.Answering
              ? node.lastClaim(other).map(SimNode.Claim::lastApplied)
              : Optional.empty();
      if (other.equals(owner) || applied.isEmpty() || node.pool.holds(applied.get())) {
        continue;
      }
      boolean pulled = sim.pullNow(node, sim.node(other)).isPresent();
      done.add("from " + other + ": " + (pulled ? "pulled" : "no pull"));
    }
    return done.isEmpty()
        ? "no other passive is further along"
        : "caught up " + String.join("; ", done);
  }

  @Override
  public boolean stopPulling(Duration wait) {
    return node.stopPulling();
  }

  @Override
  public void rollBackIfPassive(ServiceState before) {
    if (node.mode != SimNode.Mode.ACTIVE && ForceRule.rollsBack(node.name, before)) {
      node.rollBackToLastApplied();
    }
  }

  @Override
  public void refreshPeerView() {
    sim.beatTo(node);
  }

  @Override
  public boolean serving() {
    return node.mode == SimNode.Mode.ACTIVE;
  }

  @Override
  public String runStopHooks() {
    sim.crashPoint(node);
    node.hooksDone = false;
    return "stop hooks done";
  }

  @Override
  public void stopWrites() {
    sim.crashPoint(node);
    if (!node.poolWorks()) {
      throw new OperationException(
          OperationException.Kind.FAILED, "could not make tank read-only: " + node.poolFault);
    }
    node.pool.readOnly = true;
  }

  @Override
  public FinalSnapshot finalSnapshot() {
    sim.crashPoint(node);
    if (!node.poolWorks()) {
      throw new OperationException(
          OperationException.Kind.FAILED, "could not snapshot tank: " + node.poolFault);
    }
    long guid = sim.snapshot(node).guid();
    return new FinalSnapshot(SnapshotName.parse("tank@s" + guid), Map.of(TANK, new Guid(guid)));
  }

  @Override
  public void settle() {
    node.control.tick();
  }

  @Override
  public void followNewOwner() {
    node.control.tick();
  }

  /** The node's pool as {@code zfs list} would show it. */
  private SnapshotListing listing() {
    return new SnapshotListing(
        node.pool.snapshots.stream()
            .map(
                s ->
                    new Snapshot(
                        SnapshotName.parse("tank@s" + s.guid()),
                        new Guid(s.guid()),
                        s.guid(),
                        Instant.EPOCH))
            .toList(),
        List.of());
  }

  private PullReport report() {
    return Simulation.report(node);
  }
}
