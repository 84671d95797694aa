package io.zferry.lockstate;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The state store cannot answer or cannot record a change. The daemon treats every one of these as
 * "do not act": the store holds the epochs that prevent split brain, so acting without it would be
 * guessing. The message names the database file and the fix; {@link #reason()} lets callers react
 * without parsing it.
 */
public class StateStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Failure kinds callers treat differently. */
  public enum Reason {
    /** The file does not exist (or is empty) although the caller said it must. */
    MISSING,
    /** The file is not a SQLite database at all. */
    NOT_A_DATABASE,
    /** The file is a SQLite database of some other program. */
    NOT_ZFERRY,
    /** The database failed its integrity check or SQLite found it malformed. */
    CORRUPT,
    /** The database was written by a newer zferry whose schema this build does not know. */
    NEWER_SCHEMA,
    /** Another process held the database longer than the busy timeout. */
    LOCKED,
    /** The file or its directory cannot be opened for reading and writing. */
    ACCESS,
    /** The service or replication run named in the call is not in the store. */
    NOT_FOUND,
    /**
     * A compare-and-set on the epoch found a different epoch; see {@link EpochConflictException}.
     */
    EPOCH_CONFLICT,
    /** The store was closed. */
    CLOSED,
    /** Anything else (disk full, I/O error); the message carries SQLite's text. */
    FAILED
  }

  private final transient Path file;
  private final Reason reason;

  public StateStoreException(Path file, Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.file = Objects.requireNonNull(file, "file");
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public StateStoreException(Path file, Reason reason, String message) {
    this(file, reason, message, null);
  }

  /** The database file concerned. */
  public Path file() {
    return file;
  }

  public Reason reason() {
    return reason;
  }
}
