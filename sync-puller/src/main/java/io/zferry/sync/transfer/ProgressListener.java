package io.zferry.sync.transfer;

/**
 * Receives progress reports on the copying thread, at most about once per {@link
 * TransferOptions#progressInterval()} and once at the end. Must return quickly; an exception it
 * throws is logged and does not affect the transfer.
 */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = progress -> {};

  void onProgress(TransferProgress progress);
}
