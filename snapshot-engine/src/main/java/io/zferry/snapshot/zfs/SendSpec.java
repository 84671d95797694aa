package io.zferry.snapshot.zfs;

import java.util.ArrayList;
import java.util.List;

/** What one {@code zfs send} transmits. */
public sealed interface SendSpec {
  SnapshotName to();

  SendFlags flags();

  /** The argv after {@code zfs}. */
  List<String> arguments();

  /** A full stream of one snapshot (or, with -R, of the tree and all its snapshots up to it). */
  record Full(SnapshotName to, SendFlags flags) implements SendSpec {
    @Override
    public List<String> arguments() {
      List<String> args = baseArguments(flags);
      args.add(to.toString());
      return args;
    }
  }

  /**
   * The changes from {@code from} to {@code to}; with {@code intermediates} ({@code -I}) every
   * snapshot between them arrives as well, without it ({@code -i}) only {@code to}.
   */
  record Incremental(SnapshotName from, SnapshotName to, boolean intermediates, SendFlags flags)
      implements SendSpec {
    public Incremental {
      if (!from.dataset().equals(to.dataset())) {
        throw new IllegalArgumentException(
            "an incremental send needs both snapshots of one dataset: " + from + " and " + to);
      }
      if (from.equals(to)) {
        throw new IllegalArgumentException(
            "an incremental send from " + from + " to itself is empty");
      }
    }

    @Override
    public List<String> arguments() {
      List<String> args = baseArguments(flags);
      args.add(intermediates ? "-I" : "-i");
      args.add(from.toString());
      args.add(to.toString());
      return args;
    }
  }

  /**
   * The changes from a bookmark to {@code to} ({@code zfs send -i DATASET#BOOKMARK SNAPSHOT}): only
   * {@code to} arrives; a bookmark cannot start an {@code -I} stream.
   */
  record FromBookmark(Bookmark from, SnapshotName to, SendFlags flags) implements SendSpec {
    public FromBookmark {
      if (!from.dataset().equals(to.dataset())) {
        throw new IllegalArgumentException(
            "an incremental send from a bookmark needs both of one dataset: "
                + from
                + " and "
                + to);
      }
      if (flags.replicate()) {
        throw new IllegalArgumentException("a send from a bookmark cannot replicate (-R)");
      }
    }

    @Override
    public List<String> arguments() {
      List<String> args = baseArguments(flags);
      args.add("-i");
      args.add(from.fullName());
      args.add(to.toString());
      return args;
    }
  }

  private static List<String> baseArguments(SendFlags flags) {
    List<String> args = new ArrayList<>(List.of("send"));
    if (flags.replicate()) {
      args.add("-R");
    }
    if (flags.properties() && !flags.replicate()) {
      args.add("-p");
    }
    if (flags.compressed()) {
      args.add("-c");
    }
    if (flags.raw()) {
      args.add("-w");
    }
    if (flags.largeBlocks()) {
      args.add("-L");
    }
    if (flags.embedded()) {
      args.add("-e");
    }
    return args;
  }
}
