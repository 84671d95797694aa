package io.zferry.service.control;

import io.zferry.lockstate.ServiceState;
import io.zferry.service.failover.PeerView;
import java.util.Optional;

/**
 * When {@code zferry failover SERVICE --force} may make this node active without the peer's
 * consent: when the peer does not answer, or when it answers but both nodes recorded the same epoch
 * with different owners, a dispute only an operator can settle (the failover rules tell the
 * operator to force, so forcing must not be refused then). Otherwise a switchover is the way.
 */
public final class ForceRule {
  private ForceRule() {}

  /** Why forcing is refused, or empty if it is allowed. */
  public static Optional<String> refusal(
      String self, String peer, ServiceState local, PeerView view) {
    if (!(view instanceof PeerView.Answering answering)) {
      return Optional.empty();
    }
    Optional<PeerView.PeerServiceState> theirs = answering.service();
    if (theirs.isPresent()
        && theirs.get().epoch() == local.epoch()
        && !theirs.get().activeNode().equals(local.activeNode())) {
      return Optional.empty();
    }
    return Optional.of(
        peer
            + " answers, so forcing is refused; run a switchover instead (`zferry failover "
            + local.service()
            + " --to "
            + self
            + "`)");
  }

  /**
   * Whether forcing this node rolls its pool back to its newest snapshot first, as an automatic
   * takeover does: only for a passive that followed the peer unlocked, whose copy is read-only and
   * as last received. Never for the node that owned the record before the force (an owner holding
   * after a restart or without the witness's lease: what it accepted after its newest snapshot is
   * its clients' newest data), nor for a locked node (demoted after it served writes, it may hold
   * the only copy of what it accepted; the lock keeps that for mark-sync-as-fixed). Nobody chose to
   * discard those writes.
   *
   * @param local this node's record before the force
   */
  public static boolean rollsBack(String self, ServiceState local) {
    return !local.isActive(self) && !local.isLocked();
  }
}
