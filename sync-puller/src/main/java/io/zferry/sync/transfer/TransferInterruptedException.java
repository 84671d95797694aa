package io.zferry.sync.transfer;

/** The copying thread was interrupted; both commands were killed and the flag is set again. */
public final class TransferInterruptedException extends TransferException {
  private static final long serialVersionUID = 1L;

  TransferInterruptedException(String message, long bytesDone, Throwable cause) {
    super(message, bytesDone, cause);
  }
}
