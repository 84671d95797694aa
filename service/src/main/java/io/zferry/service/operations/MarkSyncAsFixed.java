package io.zferry.service.operations;

import io.zferry.lockstate.EventKind;
import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;
import io.zferry.service.failover.PeerView;
import io.zferry.sync.pull.Puller;
import java.time.Clock;
import java.util.Set;

/**
 * mark-sync-as-fixed, from either node (design §5 rule 4): the old active (the node that is not the
 * owner) keeps what it holds after the last common snapshot aside, rolls back and pulls; then the
 * lock is cleared on both nodes and replication resumes from the owner. Both nodes must be up and
 * agree on the record; nothing is tried otherwise.
 */
public final class MarkSyncAsFixed {
  /** What mark-sync-as-fixed asks of this node; the service runtime implements it. */
  public interface Local {
    String service();

    String self();

    String peer();

    /** What this node knows of its peer now. */
    PeerView peerView();

    /** This node's half when it is the old active: {@link Resync}. */
    ResyncResult resync(Puller.Divergence how, String actor);

    /** Clears this node's lock at {@code epoch}: {@link SyncUnlock}. */
    String unlock(long epoch, String actor, String reason);
  }

  private final Local local;
  private final StateStore store;
  private final Clock clock;

  public MarkSyncAsFixed(Local local, StateStore store, Clock clock) {
    this.local = local;
    this.store = store;
    this.clock = clock;
  }

  /**
   * @param nodes the nodes the operator named: both nodes of the cluster
   * @param discardIfNoRoom roll back even where the divergent data has no room to be kept aside
   */
  public ActionReport run(
      Set<String> nodes, boolean discardIfNoRoom, String actor, PeerCommands peer) {
    String service = local.service();
    requireBothNodesNamed(nodes);
    ServiceState record = store.serviceState(service).orElseThrow();
    PeerView.PeerServiceState theirs = agreeingPeer(record);
    if (!record.isLocked() && !theirs.locked()) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          "the sync of " + service + " is not locked; nothing to fix");
    }
    Puller.Divergence how =
        discardIfNoRoom
            ? Puller.Divergence.DISCARD_AND_RESYNC
            : Puller.Divergence.KEEP_ASIDE_AND_RESYNC;
    Steps steps = new Steps("mark-sync-as-fixed of " + service, clock, s -> {});
    boolean ownerHere = record.isActive(local.self());
    if (!ownerHere && !record.isActive(local.peer())) {
      // Of more than two nodes, a planned move may have given the record to a third node since
      // the takeover: resyncing one named node and unlocking the other would unlock a node whose
      // divergent data nobody kept aside. Each locked node is resolved against the owner.
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          record.activeNode()
              + " owns "
              + service
              + " now, neither "
              + local.self()
              + " nor "
              + local.peer()
              + "; name the owner and a locked node: `zferry mark-sync-as-fixed "
              + service
              + " "
              + record.activeNode()
              + " NODE`, once for each locked node");
    }
    String oldSide = ownerHere ? local.peer() : local.self();
    ResyncResult resync =
        steps.run(
            oldSide + " keeps its divergent data aside, rolls back and pulls",
            () -> ownerHere ? peer.resync(service, how, actor) : local.resync(how, actor));
    String account = "mark-sync-as-fixed by " + actor + ": " + describe(resync);
    String reason = unlockReason(account);
    steps.run(
        "unlock " + record.activeNode(),
        () ->
            ownerHere
                ? local.unlock(record.epoch(), actor, reason)
                : peer.unlock(service, record.epoch(), actor, reason));
    ActionReport report =
        new ActionReport(
            steps.action(), true, steps.elapsed().toMillis(), steps.done(), describe(resync));
    store.recordEvent(
        EventKind.OPERATOR_ACTION, service, local.self(), StateStore.SYSTEM_ACTOR, account);
    return report;
  }

  /**
   * The account as the unlock's reason, cut to what a store keeps: with many datasets set aside it
   * ran past the limit, and the unlock failed after the resync was done, the lock left in place
   * with nothing the operator could do. The event keeps the whole account.
   */
  static String unlockReason(String account) {
    if (account.length() <= StateStore.MAX_LABEL_LENGTH) {
      return account;
    }
    String more = " … (cut; the whole account is among the events, GUI or /api/v1/events)";
    return account.substring(0, StateStore.MAX_LABEL_LENGTH - more.length()) + more;
  }

  private void requireBothNodesNamed(Set<String> nodes) {
    Set<String> cluster = Set.of(local.self(), local.peer());
    for (String node : nodes) {
      if (!cluster.contains(node)) {
        throw new OperationException(
            OperationException.Kind.INVALID,
            "'"
                + node
                + "' is not a node of this cluster; name both nodes: "
                + String.join(" ", cluster));
      }
    }
    if (!nodes.equals(cluster)) {
      throw new OperationException(
          OperationException.Kind.INVALID,
          "name both nodes of the cluster: " + String.join(" ", cluster));
    }
  }

  private PeerView.PeerServiceState agreeingPeer(ServiceState record) {
    String service = local.service();
    PeerView view = local.peerView();
    if (!(view instanceof PeerView.Answering answering) || answering.service().isEmpty()) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          local.peer() + " does not answer; mark-sync-as-fixed needs both nodes up");
    }
    PeerView.PeerServiceState theirs = answering.service().get();
    if (theirs.epoch() != record.epoch() || !theirs.activeNode().equals(record.activeNode())) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          "the nodes do not agree on "
              + service
              + " yet (here: owner "
              + record.activeNode()
              + " at epoch "
              + record.epoch()
              + "; "
              + local.peer()
              + ": owner "
              + theirs.activeNode()
              + " at epoch "
              + theirs.epoch()
              + "); try again in a few seconds");
    }
    return theirs;
  }

  private static String describe(ResyncResult resync) {
    String kept =
        resync.keptAside().isEmpty()
            ? "nothing diverged on " + resync.node()
            : resync.node()
                + "'s data after the last common snapshot is kept as "
                + String.join(", ", resync.keptAside())
                + " on "
                + resync.node();
    return kept + (resync.notes().isEmpty() ? "" : "; " + String.join("; ", resync.notes()));
  }
}
