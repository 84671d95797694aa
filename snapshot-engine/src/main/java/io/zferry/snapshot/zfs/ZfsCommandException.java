package io.zferry.snapshot.zfs;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandFailedException;
import java.util.Locale;

/** A {@code zfs} command failed; {@link #reason()} classifies stderr so callers can react. */
public final class ZfsCommandException extends CommandFailedException {
  private static final long serialVersionUID = 1L;

  /** Failure kinds callers treat differently. */
  public enum Reason {
    /** The dataset or snapshot does not exist. */
    NOT_FOUND,
    /** It exists already. */
    ALREADY_EXISTS,
    /** Busy: zfs-fuse reports this for a just-unmounted filesystem; a retry usually succeeds. */
    BUSY,
    /** The pool has no space left. */
    OUT_OF_SPACE,
    /**
     * The target changed since its newest snapshot, or has snapshots the stream does not expect.
     */
    TARGET_MODIFIED,
    /** The stream is damaged or does not fit the target (incremental source missing, checksum). */
    BAD_STREAM,
    /** The ZFS daemon or kernel module is not running. */
    ZFS_UNAVAILABLE,
    /** Anything else; stderr says what. */
    OTHER
  }

  private final Reason reason;

  public ZfsCommandException(String host, Command command, int exitCode, String stderr) {
    super(host, command, exitCode, stderr);
    this.reason = classify(stderr);
  }

  public Reason reason() {
    return reason;
  }

  static Reason classify(String stderr) {
    String text = stderr == null ? "" : stderr.toLowerCase(Locale.ROOT);
    if (text.contains("zfs-fuse daemon is running")
        || text.contains("modules are not loaded")
        || text.contains("failed to initialize zfs library")
        || text.contains("/dev/zfs")) {
      return Reason.ZFS_UNAVAILABLE;
    }
    if (text.contains("out of space") || text.contains("no space left")) {
      return Reason.OUT_OF_SPACE;
    }
    if (text.contains("has been modified") || text.contains("destination has snapshots")) {
      return Reason.TARGET_MODIFIED;
    }
    if (text.contains("does not match incremental source")
        || text.contains("invalid backup stream")
        || text.contains("checksum mismatch")
        || text.contains("most recent snapshot of") && text.contains("does not match")
        || text.contains("incremental source") && text.contains("no longer exists")
        || text.contains("destination") && text.contains("does not exist")) {
      return Reason.BAD_STREAM;
    }
    if (text.contains("dataset is busy") || text.contains("resource busy")) {
      return Reason.BUSY;
    }
    if (text.contains("already exists")) {
      return Reason.ALREADY_EXISTS;
    }
    if (text.contains("does not exist") || text.contains("could not find any snapshots")) {
      return Reason.NOT_FOUND;
    }
    return Reason.OTHER;
  }
}
