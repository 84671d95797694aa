package io.zferry.sync.pull;

import io.zferry.snapshot.zfs.DatasetName;

/** A pull ended by {@link Puller#cancel()}; the target keeps its last complete snapshot. */
public final class PullCancelledException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PullCancelledException(DatasetName pool) {
    super("the pull of " + pool + " was cancelled");
  }
}
