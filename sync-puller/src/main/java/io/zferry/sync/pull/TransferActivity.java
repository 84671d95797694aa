package io.zferry.sync.pull;

import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.sync.transfer.TransferProgress;

/** The transfer a pull is running right now, for the status, the GUI and the logs. */
public record TransferActivity(DatasetName dataset, String plan, TransferProgress progress) {
  /** Receives activity reports on the copying thread; must return quickly. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = activity -> {};

    void onActivity(TransferActivity activity);
  }
}
