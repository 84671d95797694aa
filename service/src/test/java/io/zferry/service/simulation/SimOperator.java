package io.zferry.service.simulation;

import io.zferry.lockstate.EpochConflictException;
import io.zferry.lockstate.ServiceState;
import io.zferry.service.control.ForceRule;
import io.zferry.service.failover.Decision;
import io.zferry.service.failover.PeerView;
import io.zferry.service.operations.OperationException;

/**
 * The operator's {@code mark-sync-as-fixed} (with and without {@code --discard-divergent}) and
 * {@code zferry failover --force} in a schedule, issued at random steps whatever the network and
 * the nodes are doing.
 *
 * <p>Both follow {@code ServiceRuntime} (markSyncAsFixed, resync, unlock, forceActive), which is
 * not pure: its checks and steps are modelled here one for one over the simulated node, with the
 * pure rules ({@link ForceRule}, the store's epoch checks) called as they are. The requests from
 * the node the operator runs them on to its peer travel over the simulated network, where the
 * request or its reply may be lost. Of more than two nodes, the operator names the two of the
 * takeover, as docs/pacemaker.md tells them: the node it runs on and the other one.
 */
final class SimOperator {
  static final String ACTOR = "operator";

  private final SimCluster sim;

  SimOperator(SimCluster sim) {
    this.sim = sim;
  }

  /**
   * {@code zferry mark-sync-as-fixed tank FROM PEER [--discard-divergent]} on {@code from}; what it
   * knows of {@code peer} is that node's own heartbeat ({@code MarkingSide}), not the view its
   * control step weighs.
   */
  void markSyncAsFixed(SimNode from, SimNode peer, boolean discard) {
    String command = "mark-sync-as-fixed" + (discard ? " --discard-divergent" : "");
    if (!from.up) {
      sim.noteOperator(command + " on " + from.name + ": it does not answer");
      return;
    }
    ServiceState local = from.record();
    PeerView view = from.viewOf(peer.name);
    if (!(view instanceof PeerView.Answering answering) || answering.service().isEmpty()) {
      sim.noteOperator(
          command + " on " + from.name + " refused: " + peer.name + " does not answer");
      return;
    }
    PeerView.PeerServiceState theirs = answering.service().get();
    if (theirs.epoch() != local.epoch() || !theirs.activeNode().equals(local.activeNode())) {
      sim.noteOperator(command + " on " + from.name + " refused: the nodes do not agree yet");
      return;
    }
    if (!local.isLocked() && !theirs.locked()) {
      sim.noteOperator(command + " on " + from.name + " refused: not locked");
      return;
    }
    boolean ownerHere = local.isActive(from.name);
    if (!ownerHere && !local.isActive(peer.name)) {
      sim.noteOperator(
          command + " on " + from.name + " refused: " + local.activeNode() + " owns tank now");
      return;
    }
    SimNode old = ownerHere ? peer : from;
    sim.noteOperator(command + " on " + from.name + ": " + old.name + " resyncs");
    try {
      // As MarkSyncAsFixed does: the named node that does not own the record resyncs from the
      // owner its record names (its pull source), and the other named node unlocks.
      SimNode source = sim.node(old.record().activeNode());
      if (ownerHere) {
        sim.overNetwork(from, peer, "resync", () -> resync(old, source, discard));
      } else {
        resync(old, source, discard);
      }
      String unlocked =
          ownerHere
              ? unlock(from, local.epoch())
              : sim.overNetwork(from, peer, "unlock", () -> unlock(peer, local.epoch()));
      sim.noteOperator(command + ": done, " + unlocked + " (" + local.activeNode() + " owns)");
    } catch (OperationException e) {
      sim.noteOperator(command + " failed: " + e.getMessage());
    }
  }

  /** The old active's half ({@code ServiceRuntime.resync}): rescue snapshot, resolve, unlock. */
  private String resync(SimNode old, SimNode owner, boolean discard) {
    ServiceState local = old.record();
    if (local.isActive(old.name)) {
      throw new OperationException(
          OperationException.Kind.CONFLICT, old.name + " owns tank; resync the other one");
    }
    if (!old.poolWorks()) {
      throw new OperationException(
          OperationException.Kind.FAILED, old.name + "'s pool is " + old.poolFault);
    }
    old.pool.rescueSnapshot(sim.newGuid());
    // The product tries the pull twice before it gives up.
    if (!pullReaches(owner, old) && !pullReaches(owner, old)) {
      throw new OperationException(
          OperationException.Kind.FAILED, "the pull from " + owner.name + " failed");
    }
    SimPool.Resynced resynced = old.pool.resync(owner.pool, discard);
    sim.resolvedByOperator(resynced.keptAside());
    if (discard) {
      sim.resolvedByOperator(resynced.discarded());
    } else {
      sim.discarded(old, resynced.discarded(), "mark-sync-as-fixed without --discard-divergent");
    }
    if (resynced.failure().isPresent()) {
      throw new OperationException(
          OperationException.Kind.FAILED, "the sync stays locked: " + resynced.failure().get());
    }
    return unlock(old, local.epoch());
  }

  private boolean pullReaches(SimNode owner, SimNode old) {
    return sim.delivered(owner, old) && old.poolWorks() && owner.poolWorks();
  }

  /** {@code ServiceRuntime.unlock}: clears the node's lock if its record is still at the epoch. */
  private String unlock(SimNode node, long epoch) {
    try {
      sim.operatorUnlocks(node);
      node.store.unlockSync(SimNode.SERVICE, epoch, ACTOR, "mark-sync-as-fixed by " + ACTOR);
    } catch (EpochConflictException e) {
      throw new OperationException(OperationException.Kind.CONFLICT, e.getMessage(), e);
    }
    return "unlocked on " + node.name;
  }

  /**
   * {@code zferry failover tank --force} on {@code on}. Without a witness the operator first makes
   * sure the peer is down, as docs/failover.md tells them (power it off); with one they rely on the
   * witness, which {@code --force} does not override.
   */
  void force(SimNode on, SimNode peer) {
    if (!on.up) {
      sim.noteOperator("force on " + on.name + ": it does not answer");
      return;
    }
    ServiceState local = on.record();
    PeerView view = on.peerView();
    var refusal = ForceRule.refusal(on.name, peer.name, local, view);
    if (refusal.isPresent()) {
      sim.noteOperator("force on " + on.name + " refused: " + refusal.get());
      return;
    }
    if (view instanceof PeerView.Silent && !sim.hasWitness() && peer.up) {
      peer.crash();
      sim.noteOperator("the operator powers " + peer.name + " off before forcing " + on.name);
    }
    if (!on.stopPulling()) {
      sim.noteOperator("force on " + on.name + " refused: a cancelled pull cycle is still running");
      return;
    }
    ServiceState owned =
        on.store.changeOwner(
            SimNode.SERVICE, local.epoch(), on.name, ACTOR, "forced by " + ACTOR, true);
    if (on.mode != SimNode.Mode.ACTIVE && ForceRule.rollsBack(on.name, local)) {
      on.rollBackToLastApplied();
    }
    Decision serving = on.control.serveForced();
    sim.noteOperator(
        "forced " + on.name + " active at epoch " + owned.epoch() + ": " + serving.describe());
  }
}
