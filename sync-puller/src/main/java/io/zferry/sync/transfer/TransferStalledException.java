package io.zferry.sync.transfer;

import java.time.Duration;

/**
 * No byte moved for the stall timeout, so both commands were killed. Usually a peer that vanished
 * without closing the connection, or a command blocked on something else (a busy pool, a lock).
 */
public final class TransferStalledException extends TransferException {
  private static final long serialVersionUID = 1L;
  private final Duration stallTimeout;

  TransferStalledException(String message, long bytesDone, Duration stallTimeout) {
    super(message, bytesDone, null);
    this.stallTimeout = stallTimeout;
  }

  public Duration stallTimeout() {
    return stallTimeout;
  }
}
