package io.zferry.lockstate;

import io.zferry.lockstate.StateStoreException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/** Connects to a state file and vets it before the store trusts it with a decision. */
final class SqliteSetup {
  private static final Logger log = LoggerFactory.getLogger(SqliteSetup.class);

  /**
   * Up to this size the full {@code integrity_check} runs at open (it also verifies indexes); above
   * it the linear {@code quick_check}, so that a large history does not delay a failover.
   */
  static final long INTEGRITY_CHECK_MAX_BYTES = 16L * 1024 * 1024;

  /** How many problems an integrity check reports at most; the first few say enough. */
  private static final int INTEGRITY_PROBLEMS_SHOWN = 5;

  private SqliteSetup() {}

  static Connection connect(Path file, Duration busyTimeout, SqliteErrors errors) {
    SQLiteConfig config = new SQLiteConfig();
    // DatabaseFile.prepare() made the file (owner-only) if it was allowed to; SQLite must never
    // create one, least of all when the caller said it must exist.
    config.resetOpenMode(SQLiteOpenMode.CREATE);
    config.setBusyTimeout((int) busyTimeout.toMillis());
    // Writes take the write lock at BEGIN, so a busy database fails before anything is read and
    // a read-then-write transaction cannot be refused halfway by a stale snapshot.
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    try {
      return config.createConnection("jdbc:sqlite:" + file);
    } catch (SQLException e) {
      throw errors.translate(e, "opening it");
    }
  }

  /** Runs SQLite's integrity check and refuses a file that fails it. Reads only. */
  static void requireIntact(Connection connection, Path file, SqliteErrors errors) {
    String pragma;
    try {
      pragma = Files.size(file) <= INTEGRITY_CHECK_MAX_BYTES ? "integrity_check" : "quick_check";
    } catch (IOException e) {
      throw SqliteErrors.access(file, "cannot read its size: " + e, e);
    }
    List<String> problems = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("PRAGMA " + pragma + "(" + INTEGRITY_PROBLEMS_SHOWN + ")")) {
      while (rows.next()) {
        String row = rows.getString(1);
        if (!"ok".equals(row)) {
          problems.add(row);
        }
      }
    } catch (SQLException e) {
      throw errors.translate(e, "checking its integrity");
    }
    if (!problems.isEmpty()) {
      throw SqliteErrors.corrupt(
          file, "PRAGMA " + pragma + " found: " + String.join("; ", problems), null);
    }
  }

  /** Refuses another program's database and one written by a newer zferry. Reads only. */
  static void requireZferrySchema(
      Connection connection, Path file, SqliteErrors errors, int knownVersion) {
    int applicationId;
    int version;
    List<String> tables = new ArrayList<>();
    try (Statement statement = connection.createStatement()) {
      applicationId = intPragma(statement, "application_id");
      version = intPragma(statement, "user_version");
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name LIMIT 5")) {
        while (rows.next()) {
          tables.add(rows.getString(1));
        }
      }
    } catch (SQLException e) {
      throw errors.translate(e, "reading its schema version");
    }
    if (applicationId != Schema.APPLICATION_ID && applicationId != 0) {
      throw SqliteErrors.notZferry(
          file, String.format("its application_id is 0x%08x", applicationId));
    }
    // Migration 1 sets the application id in the same transaction that creates the tables, so a
    // file with tables but no id was made by something else.
    if (applicationId == 0 && (version != 0 || !tables.isEmpty())) {
      throw SqliteErrors.notZferry(
          file,
          "it has no zferry application_id but has schema version "
              + version
              + " and tables "
              + tables);
    }
    if (version > knownVersion) {
      throw SqliteErrors.newerSchema(file, version, knownVersion);
    }
  }

  /** Sets the connection up for the store: WAL, full sync, foreign keys. */
  static void configure(Connection connection, Path file, SqliteErrors errors) {
    try (Statement statement = connection.createStatement()) {
      String journalMode;
      try (ResultSet rows = statement.executeQuery("PRAGMA journal_mode = WAL")) {
        journalMode = rows.next() ? rows.getString(1) : "unknown";
      }
      if (!"wal".equalsIgnoreCase(journalMode)) {
        // Only a file system without shared memory support (some network ones) refuses WAL; the
        // rollback journal is as durable, it just blocks readers during writes.
        log.warn(
            "State database {} stays in journal mode {}: this file system does not support WAL",
            file,
            journalMode);
      }
      statement.execute("PRAGMA synchronous = FULL");
      statement.execute("PRAGMA foreign_keys = ON");
      if (intPragma(statement, "foreign_keys") != 1) {
        throw new StateStoreException(
            file,
            Reason.FAILED,
            "state database "
                + file
                + ": this SQLite build does not enforce foreign keys. Fix: use the sqlite-jdbc"
                + " version pinned in zferry's build.");
      }
    } catch (SQLException e) {
      throw errors.translate(e, "configuring the connection");
    }
  }

  static int intPragma(Statement statement, String pragma) throws SQLException {
    try (ResultSet rows = statement.executeQuery("PRAGMA " + pragma)) {
      return rows.next() ? rows.getInt(1) : 0;
    }
  }
}
