package io.zferry.lockstate;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Brings a database's schema up to this build's by applying the migrations it has not had. */
final class SchemaMigrator {
  // Logs under the store's name, so that log lines and log filters read as they always have.
  private static final Logger log = LoggerFactory.getLogger(SqliteStateStore.class);

  private final SqliteTransactions transactions;

  SchemaMigrator(SqliteTransactions transactions) {
    this.transactions = transactions;
  }

  /** Applies each migration above the file's {@code user_version}, each in its own transaction. */
  void migrate(List<Migration> migrations) {
    int from = transactions.read("reading the schema version", c -> userVersion(c));
    for (Migration migration : migrations) {
      if (migration.version() <= from) {
        continue;
      }
      transactions.write(
          "applying schema migration " + migration.version() + " (" + migration.description() + ")",
          c -> {
            // Another process may have migrated between the read above and our write lock.
            if (userVersion(c) >= migration.version()) {
              return null;
            }
            try (Statement statement = c.createStatement()) {
              for (String sql : migration.statements()) {
                statement.execute(sql);
              }
              statement.execute("PRAGMA user_version = " + migration.version());
            }
            return null;
          });
      log.info(
          "State database {}: applied schema migration {} ({})",
          transactions.file(),
          migration.version(),
          migration.description());
    }
  }

  private static int userVersion(Connection c) throws SQLException {
    try (Statement statement = c.createStatement()) {
      return SqliteSetup.intPragma(statement, "user_version");
    }
  }
}
