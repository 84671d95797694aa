package io.zferry.lockstate;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** How values go into and come out of the store's statements, shared by its tables. */
final class SqlValues {
  /**
   * Messages, plans and errors are cut to this many characters: a runaway stderr must not make
   * every event query slow or fill the disk with copies of itself.
   */
  static final int MAX_TEXT_LENGTH = 16 * 1024;

  private SqlValues() {}

  /** The clock's now, to the millisecond the columns keep. */
  static Instant now(Clock clock) {
    return Instant.ofEpochMilli(clock.millis());
  }

  static String clip(String text) {
    if (text.length() <= MAX_TEXT_LENGTH) {
      return text;
    }
    String marker = " … (truncated)";
    return text.substring(0, MAX_TEXT_LENGTH - marker.length()) + marker;
  }

  static void setOptional(PreparedStatement statement, int index, Optional<String> value)
      throws SQLException {
    if (value.isPresent()) {
      statement.setString(index, value.get());
    } else {
      statement.setNull(index, Types.VARCHAR);
    }
  }

  /** Binds strings, longs and ints, in order. */
  static void bind(PreparedStatement statement, List<Object> parameters) throws SQLException {
    for (int i = 0; i < parameters.size(); i++) {
      Object value = parameters.get(i);
      if (value instanceof String) {
        statement.setString(i + 1, (String) value);
      } else if (value instanceof Long) {
        statement.setLong(i + 1, (Long) value);
      } else {
        statement.setInt(i + 1, (Integer) value);
      }
    }
  }

  static long lastInsertId(Connection c) throws SQLException {
    try (Statement statement = c.createStatement();
        ResultSet rows = statement.executeQuery("SELECT last_insert_rowid()")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** A stored row that the records refuse: the file was edited or damaged outside zferry. */
  static StateStoreException invalidRow(Path file, String table, RuntimeException e) {
    return SqliteErrors.corrupt(
        file, "a row of table " + table + " holds an invalid value: " + e.getMessage(), e);
  }
}
