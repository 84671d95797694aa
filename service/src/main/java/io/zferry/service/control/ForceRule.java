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
}
