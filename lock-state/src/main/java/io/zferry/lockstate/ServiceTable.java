package io.zferry.lockstate;

import io.zferry.lockstate.StateStoreException.Reason;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rows of {@code service_state}: each service's owner, epoch and sync lock, and the epoch
 * checks every change of them makes. Works inside the caller's transaction.
 */
final class ServiceTable {
  private static final String SERVICE_COLUMNS =
      "service, active_node, epoch, lock_reason, lock_since_ms, lock_by, lock_common_snapshot,"
          + " lock_common_guid, updated_at_ms";

  private final Path file;
  private final Clock clock;

  ServiceTable(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  Optional<ServiceState> select(Connection c, String service) throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement("SELECT " + SERVICE_COLUMNS + " FROM service_state WHERE service = ?")) {
      select.setString(1, service);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(serviceRow(rows)) : Optional.empty();
      }
    }
  }

  /** Every service, ordered by name. */
  List<ServiceState> selectAll(Connection c) throws SQLException {
    List<ServiceState> all = new ArrayList<>();
    try (PreparedStatement select =
            c.prepareStatement(
                "SELECT " + SERVICE_COLUMNS + " FROM service_state ORDER BY service");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        all.add(serviceRow(rows));
      }
    }
    return List.copyOf(all);
  }

  ServiceState require(Connection c, String service) throws SQLException {
    return select(c, service)
        .orElseThrow(
            () ->
                new StateStoreException(
                    file,
                    Reason.NOT_FOUND,
                    "service "
                        + Checks.printable(service)
                        + " is not in state database "
                        + file
                        + ". Fix: check the service name against the configuration; zferryd"
                        + " registers every configured service when it starts."));
  }

  void requireEpoch(ServiceState current, long expectedEpoch, String action) {
    if (current.epoch() != expectedEpoch) {
      throw conflict(
          current,
          expectedEpoch,
          "the change ("
              + action
              + ") was decided on epoch "
              + expectedEpoch
              + ". Fix: re-read"
              + " the state and decide again; another change of owner happened first.");
    }
  }

  EpochConflictException conflict(ServiceState current, long offered, String detail) {
    return new EpochConflictException(
        file,
        current.service(),
        offered,
        current.epoch(),
        current.activeNode(),
        "service "
            + current.service()
            + ": epoch conflict in state database "
            + file
            + ": it holds epoch "
            + current.epoch()
            + " with active node "
            + current.activeNode()
            + ", but "
            + detail);
  }

  void insert(Connection c, String service, String activeNode, long epoch, Optional<SyncLock> lock)
      throws SQLException {
    try (PreparedStatement insert =
        c.prepareStatement(
            "INSERT INTO service_state (active_node, epoch, lock_reason, lock_since_ms, lock_by,"
                + " lock_common_snapshot, lock_common_guid, updated_at_ms, service)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      bindServiceValues(insert, activeNode, epoch, lock);
      insert.setString(9, service);
      insert.executeUpdate();
    }
  }

  /** The update is itself a compare-and-set on the epoch, besides the check before it. */
  void update(
      Connection c,
      String service,
      long expectedEpoch,
      String activeNode,
      long epoch,
      Optional<SyncLock> lock)
      throws SQLException {
    try (PreparedStatement update =
        c.prepareStatement(
            "UPDATE service_state SET active_node = ?, epoch = ?, lock_reason = ?,"
                + " lock_since_ms = ?, lock_by = ?, lock_common_snapshot = ?,"
                + " lock_common_guid = ?, updated_at_ms = ? WHERE service = ? AND epoch = ?")) {
      bindServiceValues(update, activeNode, epoch, lock);
      update.setString(9, service);
      update.setLong(10, expectedEpoch);
      if (update.executeUpdate() != 1) {
        throw new IllegalStateException(
            "service " + service + " changed inside a write transaction; SQLite lost its lock");
      }
    }
  }

  private void bindServiceValues(
      PreparedStatement statement, String activeNode, long epoch, Optional<SyncLock> lock)
      throws SQLException {
    statement.setString(1, activeNode);
    statement.setLong(2, epoch);
    SqlValues.setOptional(statement, 3, lock.map(SyncLock::reason));
    if (lock.isPresent()) {
      statement.setLong(4, lock.get().since().toEpochMilli());
    } else {
      statement.setNull(4, Types.INTEGER);
    }
    SqlValues.setOptional(statement, 5, lock.map(SyncLock::lockedBy));
    SqlValues.setOptional(statement, 6, lock.flatMap(SyncLock::lastCommonSnapshot));
    SqlValues.setOptional(statement, 7, lock.flatMap(SyncLock::lastCommonGuid));
    statement.setLong(8, SqlValues.now(clock).toEpochMilli());
  }

  private ServiceState serviceRow(ResultSet rows) throws SQLException {
    try {
      String reason = rows.getString("lock_reason");
      Optional<SyncLock> lock =
          reason == null
              ? Optional.empty()
              : Optional.of(
                  new SyncLock(
                      reason,
                      Instant.ofEpochMilli(rows.getLong("lock_since_ms")),
                      rows.getString("lock_by"),
                      Optional.ofNullable(rows.getString("lock_common_snapshot")),
                      Optional.ofNullable(rows.getString("lock_common_guid"))));
      return new ServiceState(
          rows.getString("service"),
          rows.getString("active_node"),
          rows.getLong("epoch"),
          lock,
          Instant.ofEpochMilli(rows.getLong("updated_at_ms")));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw SqlValues.invalidRow(file, "service_state", e);
    }
  }
}
