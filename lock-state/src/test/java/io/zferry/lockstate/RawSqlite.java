package io.zferry.lockstate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.sqlite.SQLiteConfig;

/** Plain JDBC access to a state file, playing "another process" or inspecting what was written. */
final class RawSqlite {
  private RawSqlite() {}

  static Connection connect(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(0);
    return config.createConnection("jdbc:sqlite:" + file);
  }

  /** A connection holding an exclusive write transaction until it is closed. */
  static Connection holdExclusiveLock(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(0);
    config.setTransactionMode(SQLiteConfig.TransactionMode.EXCLUSIVE);
    Connection connection = config.createConnection("jdbc:sqlite:" + file);
    connection.setAutoCommit(false); // sqlite-jdbc issues BEGIN EXCLUSIVE here
    return connection;
  }

  static void execute(Path file, String... statements) throws SQLException {
    try (Connection connection = connect(file);
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  static List<String> query(Path file, String sql) throws SQLException {
    try (Connection connection = connect(file);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rows.next()) {
        values.add(rows.getString(1));
      }
      return values;
    }
  }

  static <T extends Throwable> T thrown(Class<T> type, ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(type);
    return type.cast(thrown);
  }
}
