package io.zferry.lockstate;

import java.nio.file.Path;

/**
 * A change was decided on an epoch that is no longer the stored one: someone else changed the owner
 * first, or the peer's state is older than ours. The caller must re-read the state and decide again
 * rather than retry blindly; the stored values are carried as evidence.
 */
public final class EpochConflictException extends StateStoreException {
  private static final long serialVersionUID = 1L;

  private final String service;
  private final long offeredEpoch;
  private final long storedEpoch;
  private final String storedActiveNode;

  /**
   * @param offeredEpoch the epoch the caller expected (compare-and-set) or offered (peer state)
   */
  public EpochConflictException(
      Path file,
      String service,
      long offeredEpoch,
      long storedEpoch,
      String storedActiveNode,
      String message) {
    super(file, Reason.EPOCH_CONFLICT, message);
    this.service = service;
    this.offeredEpoch = offeredEpoch;
    this.storedEpoch = storedEpoch;
    this.storedActiveNode = storedActiveNode;
  }

  public String service() {
    return service;
  }

  public long offeredEpoch() {
    return offeredEpoch;
  }

  public long storedEpoch() {
    return storedEpoch;
  }

  public String storedActiveNode() {
    return storedActiveNode;
  }
}
