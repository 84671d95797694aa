package io.zferry.lockstate;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's one connection and the transactions on it.
 *
 * <p>One connection, guarded by a monitor: the daemon writes a few times a minute, and a single
 * connection makes every operation one serialised SQLite transaction without a pool to tune. The
 * tables' classes keep their own counters, which are safe because they are only touched inside
 * {@link #read} or {@link #write}, under the same monitor.
 */
final class SqliteTransactions {
  // Logs under the store's name, so that log lines and log filters read as they always have.
  private static final Logger log = LoggerFactory.getLogger(SqliteStateStore.class);

  /** Work on the connection; an SQLException it throws is translated, naming the operation. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  private final Path file;
  private final SqliteErrors errors;
  private final Object guard = new Object();

  /** Null once closed. Guarded by {@link #guard}. */
  private Connection connection;

  SqliteTransactions(Path file, SqliteErrors errors, Connection connection) {
    this.file = file;
    this.errors = errors;
    this.connection = connection;
  }

  /** The database file, absolute. */
  Path file() {
    return file;
  }

  <T> T read(String operation, SqlWork<T> work) {
    synchronized (guard) {
      Connection c = requireOpen();
      try {
        return work.run(c);
      } catch (SQLException e) {
        throw errors.translate(e, operation);
      }
    }
  }

  /**
   * Runs {@code work} in one IMMEDIATE transaction and commits, or rolls back on any exception.
   *
   * <p>sqlite-jdbc commits after every statement in auto-commit mode and re-opens a transaction
   * right after {@code commit()} or {@code rollback()} outside it; leaving auto-commit starts the
   * transaction and returning to it commits, so those two calls bracket the work, and a rollback is
   * a plain statement so that it never re-acquires the lock.
   */
  <T> T write(String operation, SqlWork<T> work) {
    synchronized (guard) {
      Connection c = requireOpen();
      try {
        c.setAutoCommit(false);
      } catch (SQLException e) {
        rollback(c);
        throw errors.translate(e, operation);
      }
      boolean committed = false;
      try {
        T result = work.run(c);
        c.setAutoCommit(true);
        committed = true;
        return result;
      } catch (SQLException e) {
        throw errors.translate(e, operation);
      } finally {
        if (!committed) {
          rollback(c);
        }
      }
    }
  }

  /** Releases the connection; idempotent. Later operations fail with {@code CLOSED}. */
  void close() {
    synchronized (guard) {
      if (connection == null) {
        return;
      }
      closeQuietly(connection, file);
      connection = null;
    }
  }

  /**
   * Ends whatever transaction is open, whichever state the driver is in. Errors are expected here
   * (no transaction left to end) and are not worth more than a debug line: the exception that made
   * us roll back is the one the caller needs.
   */
  private void rollback(Connection c) {
    try (Statement statement = c.createStatement()) {
      statement.execute("ROLLBACK");
    } catch (SQLException e) {
      log.debug("State database {}: nothing to roll back ({})", file, e.getMessage());
    }
    try {
      c.setAutoCommit(true);
    } catch (SQLException e) {
      log.debug("State database {}: back to auto-commit ({})", file, e.getMessage());
    }
  }

  private Connection requireOpen() {
    if (connection == null) {
      throw SqliteErrors.closed(file);
    }
    return connection;
  }

  static void closeQuietly(Connection connection, Path file) {
    try {
      connection.close();
    } catch (SQLException e) {
      log.warn("Closing state database {} failed: {}", file, e.toString());
    }
  }
}
