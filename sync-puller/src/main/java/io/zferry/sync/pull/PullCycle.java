package io.zferry.sync.pull;

import io.zferry.snapshot.zfs.Bookmark;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.snapshot.zfs.Zfs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What one pull cycle accumulates besides the per-dataset outcomes. */
final class PullCycle {
  private final Zfs source;
  private final DatasetName pool;
  private List<Bookmark> sourceBookmarks;

  final List<DatasetOutcome> outcomes = new ArrayList<>();
  final List<DatasetName> setAside = new ArrayList<>();
  long resumedBytes;

  /**
   * Datasets whose interrupted receive this cycle completed: the rest of that stream is to come.
   */
  final Set<DatasetName> resumed = new HashSet<>();

  boolean remountAtEnd;
  final List<SnapshotName> expired = new ArrayList<>();
  final List<ForeignRollback> foreignRolledBack = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  boolean madeWritable;
  boolean transferred;

  PullCycle(Zfs source, DatasetName pool) {
    this.source = source;
    this.pool = pool;
  }

  /** The source's bookmarks, listed once per cycle and only if a plan needs them. */
  List<Bookmark> sourceBookmarks() {
    if (sourceBookmarks == null) {
      sourceBookmarks = source.listBookmarks(pool);
    }
    return sourceBookmarks;
  }

  /** Whether anything was received, renamed or destroyed on the target. */
  boolean changedTarget() {
    return madeWritable || transferred || !expired.isEmpty();
  }
}
