package io.zferry.lockstate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code event} table: the history, appended to, queried newest first and pruned. */
final class EventLog {
  // Logs under the store's name, so that log lines and log filters read as they always have.
  private static final Logger log = LoggerFactory.getLogger(SqliteStateStore.class);

  private static final String EVENT_COLUMNS = "id, at_ms, kind, service, node, actor, message";

  private final SqliteTransactions transactions;
  private final Clock clock;
  private final int maxEvents;
  private final int pruneEvery;

  /** Guarded by the transactions' monitor: only touched inside a transaction. */
  private int eventsSincePrune;

  EventLog(SqliteTransactions transactions, Clock clock, int maxEvents, int pruneEvery) {
    this.transactions = transactions;
    this.clock = clock;
    this.maxEvents = maxEvents;
    this.pruneEvery = pruneEvery;
  }

  /** {@link StateStore#recordEvent}. */
  long record(EventKind kind, String service, String node, String actor, String message) {
    Objects.requireNonNull(kind, "kind");
    if (service != null) {
      Checks.name("service", service);
    }
    Checks.name("node", node);
    Checks.label("actor", actor);
    Checks.text("message", message);
    return transactions.write(
        "recording a " + kind + " event", c -> insert(c, kind, service, node, actor, message));
  }

  /** {@link StateStore#events}. */
  List<Event> find(EventFilter filter) {
    Objects.requireNonNull(filter, "filter");
    StringBuilder sql = new StringBuilder("SELECT " + EVENT_COLUMNS + " FROM event WHERE 1 = 1");
    List<Object> parameters = new ArrayList<>();
    filter
        .service()
        .ifPresent(
            service -> {
              sql.append(" AND service = ?");
              parameters.add(service);
            });
    if (!filter.kinds().isEmpty()) {
      sql.append(" AND kind IN (");
      String separator = "";
      for (EventKind kind : filter.kinds()) {
        sql.append(separator).append('?');
        parameters.add(kind.name());
        separator = ", ";
      }
      sql.append(')');
    }
    filter
        .from()
        .ifPresent(
            from -> {
              sql.append(" AND at_ms >= ?");
              parameters.add(from.toEpochMilli());
            });
    filter
        .until()
        .ifPresent(
            until -> {
              sql.append(" AND at_ms < ?");
              parameters.add(until.toEpochMilli());
            });
    // By id, not by time: the wall clock may step back, the insertion order cannot.
    sql.append(" ORDER BY id DESC LIMIT ?");
    parameters.add(filter.limit());
    return transactions.read(
        "reading events",
        c -> {
          List<Event> found = new ArrayList<>();
          try (PreparedStatement select = c.prepareStatement(sql.toString())) {
            SqlValues.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                found.add(eventRow(rows));
              }
            }
          }
          return List.copyOf(found);
        });
  }

  /**
   * Appends an event inside the caller's transaction, so it commits or rolls back with the change
   * it records; prunes every {@code pruneEvery} inserts.
   */
  long insert(
      Connection c, EventKind kind, String service, String node, String actor, String message)
      throws SQLException {
    long id;
    try (PreparedStatement insert =
        c.prepareStatement(
            "INSERT INTO event (at_ms, kind, service, node, actor, message)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setLong(1, SqlValues.now(clock).toEpochMilli());
      insert.setString(2, kind.name());
      SqlValues.setOptional(insert, 3, Optional.ofNullable(service));
      insert.setString(4, node);
      insert.setString(5, actor);
      insert.setString(6, SqlValues.clip(message));
      insert.executeUpdate();
      id = SqlValues.lastInsertId(c);
    }
    if (++eventsSincePrune >= pruneEvery) {
      prune(c);
    }
    return id;
  }

  /** Deletes all but the newest {@code maxEvents} events. */
  void prune(Connection c) throws SQLException {
    eventsSincePrune = 0;
    try (PreparedStatement delete =
        c.prepareStatement(
            "DELETE FROM event WHERE id <= (SELECT id FROM event ORDER BY id DESC"
                + " LIMIT 1 OFFSET ?)")) {
      delete.setInt(1, maxEvents);
      int deleted = delete.executeUpdate();
      if (deleted > 0) {
        log.debug("State database {}: pruned {} old events", transactions.file(), deleted);
      }
    }
  }

  private Event eventRow(ResultSet rows) throws SQLException {
    try {
      return new Event(
          rows.getLong("id"),
          Instant.ofEpochMilli(rows.getLong("at_ms")),
          EventKind.valueOf(rows.getString("kind")),
          rows.getString("service"),
          rows.getString("node"),
          rows.getString("actor"),
          rows.getString("message"));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw SqlValues.invalidRow(transactions.file(), "event", e);
    }
  }
}
