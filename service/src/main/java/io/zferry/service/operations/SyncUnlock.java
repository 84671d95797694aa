package io.zferry.service.operations;

import io.zferry.lockstate.EpochConflictException;
import io.zferry.lockstate.StateStore;

/**
 * Clears one node's sync lock, the last step of mark-sync-as-fixed (design §5 rule 4): the only way
 * a lock is ever cleared. Guarded by the epoch, so a record that moved on meanwhile stays locked.
 */
public final class SyncUnlock {
  private SyncUnlock() {}

  /** Clears the lock of {@code service} on {@code self} if its record is still at {@code epoch}. */
  public static String run(
      StateStore store, String service, String self, long epoch, String actor, String reason) {
    try {
      store.unlockSync(service, epoch, actor, reason);
    } catch (EpochConflictException e) {
      throw new OperationException(OperationException.Kind.CONFLICT, e.getMessage(), e);
    }
    return "unlocked on " + self;
  }
}
