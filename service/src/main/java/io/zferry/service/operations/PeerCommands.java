package io.zferry.service.operations;

import io.zferry.sync.pull.Puller;

/**
 * What one node asks of its peer during an operator action; implemented over the peer's API. Every
 * call either succeeds or throws {@link OperationException} with the peer's own message.
 */
public interface PeerCommands {
  /**
   * Pull until the final snapshot of a switchover is applied on every dataset of the service, each
   * with the active's GUID.
   */
  String catchUp(String service, FinalSnapshot last);

  /** Become the active node at this epoch, written by the old active first (switchover). */
  String promote(String service, long epoch, String actor);

  /**
   * On the locked old active: keep its divergent data aside, roll back, pull, unlock (the first
   * half of mark-sync-as-fixed).
   */
  ResyncResult resync(String service, Puller.Divergence how, String actor);

  /** Clear the sync lock at this epoch (the second half of mark-sync-as-fixed). */
  String unlock(String service, long epoch, String actor, String reason);
}
