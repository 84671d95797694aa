package io.zferry.sync.transfer;

/**
 * A stream transfer did not complete. When this is thrown both commands have ended or been killed;
 * a {@code zfs recv} that saw a truncated stream discards the partial snapshot, so the target keeps
 * its last complete one.
 */
public abstract sealed class TransferException extends RuntimeException
    permits TransferFailedException, TransferStalledException, TransferInterruptedException {
  private static final long serialVersionUID = 1L;
  private final long bytesDone;

  TransferException(String message, long bytesDone, Throwable cause) {
    super(message, cause);
    this.bytesDone = bytesDone;
  }

  /** Bytes that reached the receiver's stdin before the transfer stopped. */
  public long bytesDone() {
    return bytesDone;
  }
}
