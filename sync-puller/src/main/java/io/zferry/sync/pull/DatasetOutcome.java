package io.zferry.sync.pull;

import io.zferry.snapshot.zfs.DatasetName;
import java.util.List;

/** What one pull cycle did for one dataset. */
public sealed interface DatasetOutcome {
  DatasetName dataset();

  /** One line for logs and the status. */
  String describe();

  /** Snapshots arrived: a full stream (bootstrap) or an incremental one. */
  record Received(DatasetName dataset, String plan, long bytes) implements DatasetOutcome {
    @Override
    public String describe() {
      return dataset + ": " + plan + ", " + bytes + " bytes";
    }
  }

  /** Nothing to send. */
  record Current(DatasetName dataset, String plan) implements DatasetOutcome {
    @Override
    public String describe() {
      return dataset + ": " + plan;
    }
  }

  /**
   * Both sides wrote after their newest common snapshot; nothing was sent. Resolving it discards
   * one side's writes, which is an operator's decision.
   */
  record Diverged(DatasetName dataset, String plan, List<UniqueData> evidence)
      implements DatasetOutcome {
    public Diverged {
      evidence = List.copyOf(evidence);
    }

    public Diverged(DatasetName dataset, String plan) {
      this(dataset, plan, List.of());
    }

    @Override
    public String describe() {
      return dataset
          + ": "
          + plan
          + (evidence.isEmpty()
              ? ""
              : "; " + String.join("; ", evidence.stream().map(UniqueData::describe).toList()));
    }
  }

  /**
   * A bootstrap would replace data that exists only on the target, and the pool has no room to keep
   * a copy aside: nothing was received or destroyed. Only an operator choosing to discard
   * (mark-sync-as-fixed --discard-divergent) or freeing space lets it go on.
   */
  record NoRoomToKeep(DatasetName dataset, String plan, long neededBytes, long availableBytes)
      implements DatasetOutcome {
    @Override
    public String describe() {
      return dataset
          + ": "
          + plan
          + " refused: keeping the data it would replace needs "
          + neededBytes
          + " bytes, only "
          + availableBytes
          + " are free; free space or discard it explicitly";
    }
  }

  /** Not attempted because its parent could not be brought up to date. */
  record Skipped(DatasetName dataset, String reason) implements DatasetOutcome {
    @Override
    public String describe() {
      return dataset + ": skipped, " + reason;
    }
  }

  /**
   * The attempt failed; the dataset stays at its last complete snapshot.
   *
   * @param permanent every later cycle fails the same way until an operator changes the hosts or
   *     the configuration (e.g. an encrypted dataset and a host that cannot send raw streams); a
   *     switchover waiting for this dataset gives up at once
   */
  record Failed(DatasetName dataset, String plan, String error, boolean permanent)
      implements DatasetOutcome {
    /** A failure that a later cycle may not repeat (a lost connection, a busy pool). */
    public Failed(DatasetName dataset, String plan, String error) {
      this(dataset, plan, error, false);
    }

    @Override
    public String describe() {
      return dataset + ": " + plan + " failed: " + error;
    }
  }
}
