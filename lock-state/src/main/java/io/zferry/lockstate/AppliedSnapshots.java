package io.zferry.lockstate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** The {@code applied_snapshot} table: the newest snapshot each node holds of each service. */
final class AppliedSnapshots {
  private final SqliteTransactions transactions;
  private final ServiceTable services;
  private final Clock clock;

  AppliedSnapshots(SqliteTransactions transactions, ServiceTable services, Clock clock) {
    this.transactions = transactions;
    this.services = services;
    this.clock = clock;
  }

  /** {@link StateStore#recordApplied}. */
  void record(String service, String node, String snapshotName, String guid) {
    Checks.name("service", service);
    Checks.name("node", node);
    Checks.label("snapshot name", snapshotName);
    Checks.guid("snapshot GUID", guid);
    transactions.write(
        "recording snapshot " + Checks.printable(snapshotName) + " as applied on " + node,
        c -> {
          services.require(c, service);
          try (PreparedStatement upsert =
              c.prepareStatement(
                  "INSERT INTO applied_snapshot (service, node, snapshot_name, guid, applied_at_ms)"
                      + " VALUES (?, ?, ?, ?, ?)"
                      + " ON CONFLICT (service, node) DO UPDATE SET"
                      + " snapshot_name = excluded.snapshot_name, guid = excluded.guid,"
                      + " applied_at_ms = excluded.applied_at_ms")) {
            upsert.setString(1, service);
            upsert.setString(2, node);
            upsert.setString(3, snapshotName);
            upsert.setString(4, guid);
            upsert.setLong(5, SqlValues.now(clock).toEpochMilli());
            upsert.executeUpdate();
          }
          return null;
        });
  }

  /** {@link StateStore#lastApplied}. */
  Optional<AppliedSnapshot> last(String service, String node) {
    Checks.name("service", service);
    Checks.name("node", node);
    return transactions.read(
        "reading the snapshot last applied on " + node, c -> select(c, service, node));
  }

  Optional<AppliedSnapshot> select(Connection c, String service, String node) throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement(
            "SELECT snapshot_name, guid, applied_at_ms FROM applied_snapshot"
                + " WHERE service = ? AND node = ?")) {
      select.setString(1, service);
      select.setString(2, node);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        try {
          return Optional.of(
              new AppliedSnapshot(
                  service,
                  node,
                  rows.getString(1),
                  rows.getString(2),
                  Instant.ofEpochMilli(rows.getLong(3))));
        } catch (IllegalArgumentException | NullPointerException e) {
          throw SqlValues.invalidRow(transactions.file(), "applied_snapshot", e);
        }
      }
    }
  }
}
