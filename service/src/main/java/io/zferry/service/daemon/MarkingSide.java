package io.zferry.service.daemon;

import io.zferry.service.failover.PeerView;
import io.zferry.service.operations.MarkSyncAsFixed;
import io.zferry.service.operations.ResyncResult;
import io.zferry.sync.pull.Puller;

/**
 * This node's part in mark-sync-as-fixed: its resync and its unlock go through the runtime, like
 * the peer's requests for them, so they count as an action holding the control loop.
 */
final class MarkingSide implements MarkSyncAsFixed.Local {
  private final ServiceSide side;
  private final ServiceRuntime runtime;
  private final String peer;
  private final java.util.function.Supplier<PeerView> peerView;

  /**
   * @param peer the other node the operator named (of two nodes, the peer)
   * @param peerView that node's view
   */
  MarkingSide(
      ServiceSide side,
      ServiceRuntime runtime,
      String peer,
      java.util.function.Supplier<PeerView> peerView) {
    this.side = side;
    this.runtime = runtime;
    this.peer = peer;
    this.peerView = peerView;
  }

  @Override
  public String service() {
    return side.service();
  }

  @Override
  public String self() {
    return side.self();
  }

  @Override
  public String peer() {
    return peer;
  }

  @Override
  public PeerView peerView() {
    return peerView.get();
  }

  @Override
  public ResyncResult resync(Puller.Divergence how, String actor) {
    return runtime.resync(how, actor);
  }

  @Override
  public String unlock(long epoch, String actor, String reason) {
    return runtime.unlock(epoch, actor, reason);
  }
}
