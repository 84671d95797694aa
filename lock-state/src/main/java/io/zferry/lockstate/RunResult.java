package io.zferry.lockstate;

/** How a replication run ended; stored by name, so constants may be added but never renamed. */
public enum RunResult {
  /** The target now has the source's newest snapshot. */
  OK,
  /** The transfer or a command failed; the run's error says why. */
  FAILED,
  /** The target has snapshots after the common one that the source lacks; nothing was pulled. */
  DIVERGED,
  /** Nothing was attempted, for example because the service is sync-locked. */
  SKIPPED
}
