package io.zferry.lockstate;

import io.zferry.lockstate.StateStoreException.Reason;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import org.sqlite.SQLiteErrorCode;

/**
 * Turns SQLite's failures into {@link StateStoreException}s whose messages name the database file
 * and the fix. Kept in one place so that every path (open, read, write) explains a locked or
 * corrupt database the same way.
 */
final class SqliteErrors {
  private final Path file;
  private final Duration busyTimeout;

  SqliteErrors(Path file, Duration busyTimeout) {
    this.file = file;
    this.busyTimeout = busyTimeout;
  }

  /**
   * @param operation what was being done, as a gerund phrase ("changing the owner of service 'x'")
   */
  StateStoreException translate(SQLException e, String operation) {
    // Extended result codes (SQLITE_BUSY_SNAPSHOT, SQLITE_CORRUPT_INDEX …) share the low byte.
    int primary = e.getErrorCode() & 0xFF;
    String detail = sqliteText(e);
    if (primary == SQLiteErrorCode.SQLITE_BUSY.code
        || primary == SQLiteErrorCode.SQLITE_LOCKED.code) {
      return locked(file, busyTimeout, operation, e);
    }
    if (primary == SQLiteErrorCode.SQLITE_CORRUPT.code) {
      return corrupt(file, "SQLite reported while " + operation + ": " + detail, e);
    }
    if (primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
      return notADatabase(file, "SQLite reported while " + operation + ": " + detail, e);
    }
    if (primary == SQLiteErrorCode.SQLITE_CANTOPEN.code
        || primary == SQLiteErrorCode.SQLITE_PERM.code
        || primary == SQLiteErrorCode.SQLITE_READONLY.code
        || primary == SQLiteErrorCode.SQLITE_AUTH.code) {
      return access(file, detail + ", while " + operation, e);
    }
    if (primary == SQLiteErrorCode.SQLITE_FULL.code) {
      return new StateStoreException(
          file,
          Reason.FAILED,
          "state database "
              + file
              + ": the file system is full ("
              + operation
              + " was not recorded). Fix: free space on the file system holding "
              + file
              + " and retry.",
          e);
    }
    return new StateStoreException(
        file,
        Reason.FAILED,
        "state database "
            + file
            + ": "
            + operation
            + " failed and was not recorded ("
            + detail
            + "). Fix: check the disk and the system log for I/O errors, then retry.",
        e);
  }

  static StateStoreException missing(Path file) {
    return new StateStoreException(
        file,
        Reason.MISSING,
        "state database "
            + file
            + " does not exist, and zferryd was told it must: it holds the epochs and sync locks"
            + " that prevent split brain, so starting without it would be guessing. Fix: restore"
            + " it from a backup or from the peer, or, if this node has never run zferry, start it"
            + " with state creation allowed.");
  }

  static StateStoreException empty(Path file) {
    return new StateStoreException(
        file,
        Reason.MISSING,
        "state database "
            + file
            + " is empty (0 bytes), and zferryd was told it must hold this node's state: there are"
            + " no epochs to act on. Fix: restore it from a backup or from the peer, or remove the"
            + " empty file and start with state creation allowed.");
  }

  static StateStoreException notADatabase(Path file, String detail, Throwable cause) {
    return new StateStoreException(
        file,
        Reason.NOT_A_DATABASE,
        "state database "
            + file
            + " is not a SQLite database (file is not a database: "
            + detail
            + "). zferryd left it untouched and will not act on it. Fix: check the state path in"
            + " the configuration; if it is right, stop zferryd, move the file aside (mv "
            + file
            + " "
            + file
            + ".broken) and restore the peer's copy or a backup, or let zferryd create a fresh"
            + " one, which re-learns roles and epochs from the peer.",
        cause);
  }

  static StateStoreException notZferry(Path file, String detail) {
    return new StateStoreException(
        file,
        Reason.NOT_ZFERRY,
        "state database "
            + file
            + " is a SQLite database of some other program, not a zferry state store ("
            + detail
            + "). zferryd left it untouched. Fix: point the state path in the configuration at"
            + " zferry's own file (by default /var/lib/zferry/state.db).");
  }

  static StateStoreException corrupt(Path file, String detail, Throwable cause) {
    return new StateStoreException(
        file,
        Reason.CORRUPT,
        "state database "
            + file
            + " is corrupt ("
            + detail
            + "). zferryd left it untouched and will not act on it. Fix: stop zferryd, move it"
            + " aside (mv "
            + file
            + " "
            + file
            + ".corrupt, with its -wal and -shm files if present) and restore the peer's copy or a"
            + " backup, or let zferryd create a fresh one, which re-learns roles and epochs from"
            + " the peer.",
        cause);
  }

  static StateStoreException newerSchema(Path file, int found, int known) {
    return new StateStoreException(
        file,
        Reason.NEWER_SCHEMA,
        "state database "
            + file
            + " has schema version "
            + found
            + ", but this zferry knows versions up to "
            + known
            + ": it was written by a newer zferry. zferryd left it untouched. Fix: upgrade zferry"
            + " on this node (to the version the peer runs), or restore a state file written by"
            + " this version.");
  }

  static StateStoreException locked(
      Path file, Duration busyTimeout, String operation, Throwable cause) {
    return new StateStoreException(
        file,
        Reason.LOCKED,
        "state database "
            + file
            + " is locked by another process (waited "
            + busyTimeout.toMillis()
            + " ms while "
            + operation
            + "). Another zferryd is probably running on this node, or a sqlite3 shell holds a"
            + " transaction open. Fix: stop the other process (systemctl status zferryd; fuser -v "
            + file
            + ") and retry.",
        cause);
  }

  static StateStoreException access(Path file, String detail, Throwable cause) {
    return new StateStoreException(
        file,
        Reason.ACCESS,
        "state database "
            + file
            + " cannot be opened for reading and writing ("
            + detail
            + "). Fix: run zferryd as the owner of the file (root), and check that the file and"
            + " its directory are writable and the file system is not mounted read-only.",
        cause);
  }

  static StateStoreException closed(Path file) {
    return new StateStoreException(
        file,
        Reason.CLOSED,
        "state database "
            + file
            + " was closed; this is a bug in the caller, which must not use the store after"
            + " close(). Fix: restart zferryd.");
  }

  private static String sqliteText(SQLException e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }
}
