package io.zferry.lockstate;

import io.zferry.lockstate.StateStoreException.Reason;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code replication_run} table: each pull's start and end, pruned per service. */
final class RunHistory {
  // Logs under the store's name, so that log lines and log filters read as they always have.
  private static final Logger log = LoggerFactory.getLogger(SqliteStateStore.class);

  private static final String INTERRUPTED_RUN_ERROR =
      "interrupted: zferryd stopped before the run finished";

  private static final String RUN_COLUMNS =
      "id, service, source_node, target_node, started_ms, finished_ms, bytes, result, plan, error";

  private final SqliteTransactions transactions;
  private final ServiceTable services;
  private final EventLog events;
  private final Clock clock;
  private final int maxRunsPerService;
  private final int pruneEvery;

  /** Guarded by the transactions' monitor: only touched inside a transaction. */
  private int runsSincePrune;

  RunHistory(
      SqliteTransactions transactions,
      ServiceTable services,
      EventLog events,
      Clock clock,
      int maxRunsPerService,
      int pruneEvery) {
    this.transactions = transactions;
    this.services = services;
    this.events = events;
    this.clock = clock;
    this.maxRunsPerService = maxRunsPerService;
    this.pruneEvery = pruneEvery;
  }

  /**
   * A run without a finish was cut short by a crash or a kill; it is recorded as failed so the
   * history shows the attempt and the next pull is not mistaken for the first. The history is
   * pruned in the same transaction.
   */
  void recoverInterruptedAndPrune() {
    transactions.write(
        "opening it (recording interrupted replication runs, pruning the history)",
        c -> {
          record Interrupted(long id, String service, String targetNode) {}
          List<Interrupted> interrupted = new ArrayList<>();
          try (PreparedStatement select =
                  c.prepareStatement(
                      "SELECT id, service, target_node FROM replication_run"
                          + " WHERE finished_ms IS NULL ORDER BY id");
              ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              interrupted.add(
                  new Interrupted(rows.getLong(1), rows.getString(2), rows.getString(3)));
            }
          }
          for (Interrupted run : interrupted) {
            try (PreparedStatement update =
                c.prepareStatement(
                    "UPDATE replication_run SET finished_ms = ?, result = ?, error = ?"
                        + " WHERE id = ?")) {
              update.setLong(1, SqlValues.now(clock).toEpochMilli());
              update.setString(2, RunResult.FAILED.name());
              update.setString(3, INTERRUPTED_RUN_ERROR);
              update.setLong(4, run.id());
              update.executeUpdate();
            }
            events.insert(
                c,
                EventKind.REPLICATION_ERROR,
                run.service(),
                run.targetNode(),
                StateStore.SYSTEM_ACTOR,
                "replication run " + run.id() + " " + INTERRUPTED_RUN_ERROR);
          }
          events.prune(c);
          prune(c);
          return null;
        });
  }

  /** {@link StateStore#startRun}. */
  long start(String service, String sourceNode, String targetNode, Optional<String> plan) {
    Checks.name("service", service);
    ReplicationRun.requireDistinctNodes(service, sourceNode, targetNode);
    Checks.present("plan", plan);
    return transactions.write(
        "recording the start of a replication run of service " + Checks.printable(service),
        c -> {
          services.require(c, service);
          long id;
          try (PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO replication_run (service, source_node, target_node, started_ms,"
                      + " plan) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, service);
            insert.setString(2, sourceNode);
            insert.setString(3, targetNode);
            insert.setLong(4, SqlValues.now(clock).toEpochMilli());
            SqlValues.setOptional(insert, 5, plan.map(SqlValues::clip));
            insert.executeUpdate();
            id = SqlValues.lastInsertId(c);
          }
          if (++runsSincePrune >= pruneEvery) {
            prune(c);
          }
          return id;
        });
  }

  /** {@link StateStore#finishRun}. */
  void finish(
      long runId, long bytes, RunResult result, Optional<String> plan, Optional<String> error) {
    Checks.present("plan", plan);
    ReplicationRun.requireOutcome("replication run " + runId, bytes, result, error);
    transactions.write(
        "recording the end of replication run " + runId,
        c -> {
          try (PreparedStatement update =
              c.prepareStatement(
                  "UPDATE replication_run SET finished_ms = ?, bytes = ?, result = ?,"
                      + " plan = coalesce(?, plan), error = ?"
                      + " WHERE id = ? AND finished_ms IS NULL")) {
            update.setLong(1, SqlValues.now(clock).toEpochMilli());
            update.setLong(2, bytes);
            update.setString(3, result.name());
            SqlValues.setOptional(update, 4, plan.map(SqlValues::clip));
            SqlValues.setOptional(update, 5, error.map(SqlValues::clip));
            update.setLong(6, runId);
            if (update.executeUpdate() != 1) {
              throw new StateStoreException(
                  transactions.file(),
                  Reason.NOT_FOUND,
                  "state database "
                      + transactions.file()
                      + " has no unfinished replication run "
                      + runId
                      + " (it is unknown, already finished, or was marked interrupted when the"
                      + " store was reopened). Fix: record a new run with startRun.");
            }
          }
          return null;
        });
  }

  /** {@link StateStore#recentRuns}. */
  List<ReplicationRun> recent(String service, int limit) {
    Checks.name("service", service);
    if (limit < 1) {
      throw new IllegalArgumentException("limit of recent runs must be at least 1: " + limit);
    }
    return transactions.read(
        "reading the replication runs of service " + Checks.printable(service),
        c -> {
          List<ReplicationRun> found = new ArrayList<>();
          try (PreparedStatement select =
              c.prepareStatement(
                  "SELECT "
                      + RUN_COLUMNS
                      + " FROM replication_run WHERE service = ? AND finished_ms IS NOT NULL"
                      + " ORDER BY id DESC LIMIT ?")) {
            select.setString(1, service);
            select.setInt(2, limit);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                found.add(runRow(rows));
              }
            }
          }
          return List.copyOf(found);
        });
  }

  /** Deletes all but the newest {@code maxRunsPerService} runs of each service. */
  private void prune(Connection c) throws SQLException {
    runsSincePrune = 0;
    try (PreparedStatement delete =
        c.prepareStatement(
            "DELETE FROM replication_run WHERE id IN (SELECT id FROM (SELECT id, row_number()"
                + " OVER (PARTITION BY service ORDER BY id DESC) AS newer FROM replication_run)"
                + " WHERE newer > ?)")) {
      delete.setInt(1, maxRunsPerService);
      int deleted = delete.executeUpdate();
      if (deleted > 0) {
        log.debug(
            "State database {}: pruned {} old replication runs", transactions.file(), deleted);
      }
    }
  }

  private ReplicationRun runRow(ResultSet rows) throws SQLException {
    try {
      return new ReplicationRun(
          rows.getLong("id"),
          rows.getString("service"),
          rows.getString("source_node"),
          rows.getString("target_node"),
          Instant.ofEpochMilli(rows.getLong("started_ms")),
          Instant.ofEpochMilli(rows.getLong("finished_ms")),
          rows.getLong("bytes"),
          RunResult.valueOf(rows.getString("result")),
          Optional.ofNullable(rows.getString("plan")),
          Optional.ofNullable(rows.getString("error")));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw SqlValues.invalidRow(transactions.file(), "replication_run", e);
    }
  }
}
