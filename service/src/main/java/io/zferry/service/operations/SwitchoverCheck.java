package io.zferry.service.operations;

import io.zferry.lockstate.ServiceState;
import io.zferry.service.failover.PeerView;

/**
 * Whether a switchover may start from this node: it owns the service and serves it, the sync is not
 * locked, and the peer answers with the same record. Nothing is touched before all of that holds.
 */
public final class SwitchoverCheck {
  private SwitchoverCheck() {}

  /**
   * @param runningActive whether this node already runs the service as active (not starting)
   * @throws OperationException CONFLICT naming what is missing and what to do
   */
  public static void require(
      String self, String peer, ServiceState record, PeerView view, boolean runningActive) {
    String service = record.service();
    if (!record.isActive(self)) {
      throw conflict(
          service + " is not active on " + self + "; ask its active node, " + record.activeNode());
    }
    if (record.isLocked()) {
      throw conflict(
          "the sync of "
              + service
              + " is locked since a failover; resolve it with mark-sync-as-fixed before switching"
              + " over");
    }
    if (!(view instanceof PeerView.Answering answering) || answering.service().isEmpty()) {
      throw conflict(
          peer
              + " does not answer; a switchover needs both nodes (if it is down, it is not a"
              + " switchover: see `zferry failover --force` on it when it is back)");
    }
    PeerView.PeerServiceState theirs = answering.service().get();
    if (theirs.epoch() != record.epoch() || !theirs.activeNode().equals(self) || theirs.locked()) {
      throw conflict(
          peer
              + " does not agree on "
              + service
              + " yet (its record: owner "
              + theirs.activeNode()
              + ", epoch "
              + theirs.epoch()
              + "); try again in a few seconds");
    }
    if (!runningActive) {
      throw conflict(service + " is not running as active here yet");
    }
  }

  private static OperationException conflict(String message) {
    return new OperationException(OperationException.Kind.CONFLICT, message);
  }
}
