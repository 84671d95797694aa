package io.zferry.lockstate;

import io.zferry.lockstate.StateStoreException.Reason;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link StateStore} in one SQLite file, by default {@code /var/lib/zferry/state.db}.
 *
 * <p>One connection, guarded by a monitor: the daemon writes a few times a minute, and a single
 * connection makes every operation one serialised SQLite transaction without a pool to tune. The
 * file is in WAL mode with {@code synchronous=FULL}, so a committed change of owner survives a
 * power cut, which failover rule 1 (write the store before acting) relies on.
 *
 * <p>Opening refuses rather than repairs: a file that is missing (when it must exist), not SQLite,
 * another program's, corrupt, written by a newer zferry, or held by another process is reported
 * with a {@link StateStoreException} naming the file and the fix, and is left untouched.
 */
public final class SqliteStateStore implements StateStore {
  private static final Logger log = LoggerFactory.getLogger(SqliteStateStore.class);

  /**
   * Messages, plans and errors are cut to this many characters: a runaway stderr must not make
   * every event query slow or fill the disk with copies of itself.
   */
  static final int MAX_TEXT_LENGTH = 16 * 1024;

  private static final String INTERRUPTED_RUN_ERROR =
      "interrupted: zferryd stopped before the run finished";

  private static final String SERVICE_COLUMNS =
      "service, active_node, epoch, lock_reason, lock_since_ms, lock_by, lock_common_snapshot,"
          + " lock_common_guid, updated_at_ms";

  private static final String EVENT_COLUMNS = "id, at_ms, kind, service, node, actor, message";

  private static final String RUN_COLUMNS =
      "id, service, source_node, target_node, started_ms, finished_ms, bytes, result, plan, error";

  /**
   * Tuning of the store; {@link #DEFAULTS} suits the daemon.
   *
   * @param busyTimeout how long an operation waits for another process's lock before it fails with
   *     {@link Reason#LOCKED}
   * @param maxEvents the newest events kept
   * @param maxRunsPerService the newest replication runs kept per service
   * @param pruneEvery prune after this many inserts of events (or runs): pruning scans the table,
   *     and doing it on every insert would make each pull pay for it
   */
  public record Settings(
      Duration busyTimeout, int maxEvents, int maxRunsPerService, int pruneEvery) {
    public static final Settings DEFAULTS =
        new Settings(Duration.ofSeconds(5), 100_000, 10_000, 100);

    public Settings {
      Objects.requireNonNull(busyTimeout, "busyTimeout");
      if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "busy timeout " + busyTimeout + " is out of range; use 0 ms to about 24 days");
      }
      requirePositive("maxEvents", maxEvents);
      requirePositive("maxRunsPerService", maxRunsPerService);
      requirePositive("pruneEvery", pruneEvery);
    }

    public Settings withBusyTimeout(Duration timeout) {
      return new Settings(timeout, maxEvents, maxRunsPerService, pruneEvery);
    }

    public Settings withMaxEvents(int max) {
      return new Settings(busyTimeout, max, maxRunsPerService, pruneEvery);
    }

    public Settings withMaxRunsPerService(int max) {
      return new Settings(busyTimeout, maxEvents, max, pruneEvery);
    }

    public Settings withPruneEvery(int inserts) {
      return new Settings(busyTimeout, maxEvents, maxRunsPerService, inserts);
    }

    private static void requirePositive(String what, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(what + " must be at least 1: " + value);
      }
    }
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  private final Path file;
  private final Clock clock;
  private final Settings settings;
  private final SqliteErrors errors;
  private final Object guard = new Object();

  /** Null once closed. Guarded by {@link #guard}, as are the counters. */
  private Connection connection;

  private int eventsSincePrune;
  private int runsSincePrune;

  private SqliteStateStore(Path file, Clock clock, Settings settings, Connection connection) {
    this.file = file;
    this.clock = clock;
    this.settings = settings;
    this.errors = new SqliteErrors(file, settings.busyTimeout());
    this.connection = connection;
  }

  /** Opens with {@link Settings#DEFAULTS}. */
  public static SqliteStateStore open(Path file, OpenMode mode, Clock clock) {
    return open(file, mode, clock, Settings.DEFAULTS);
  }

  /**
   * Opens the store: checks the file, migrates its schema to this build's, marks replication runs a
   * previous process left unfinished as failed, and prunes. Opening takes the write lock once, so a
   * database held by another process fails here, at start-up, and not at the first failover.
   *
   * @throws StateStoreException naming the file and the fix; the file is then left as it was
   */
  public static SqliteStateStore open(Path file, OpenMode mode, Clock clock, Settings settings) {
    return open(file, mode, clock, settings, Schema.MIGRATIONS);
  }

  /** With a schema of the caller's, so tests can show an upgrade from one version to the next. */
  static SqliteStateStore open(
      Path file, OpenMode mode, Clock clock, Settings settings, List<Migration> migrations) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(settings, "settings");
    List<Migration> schema = Migration.requireSequence(migrations);
    Path absolute = file.toAbsolutePath().normalize();

    boolean created = DatabaseFile.prepare(absolute, mode);
    DatabaseFile.requireSqliteHeader(absolute);
    SqliteErrors errors = new SqliteErrors(absolute, settings.busyTimeout());
    Connection connection = SqliteSetup.connect(absolute, settings.busyTimeout(), errors);
    try {
      // Read-only checks first: nothing is written to a file that is refused.
      SqliteSetup.requireIntact(connection, absolute, errors);
      SqliteSetup.requireZferrySchema(connection, absolute, errors, schema.size());
      SqliteSetup.configure(connection, absolute, errors);
      SqliteStateStore store = new SqliteStateStore(absolute, clock, settings, connection);
      store.migrate(schema);
      store.recoverAndPrune();
      DatabaseFile.restrictPermissions(absolute);
      log.info(
          "Opened state database {} (schema version {}{})",
          absolute,
          schema.size(),
          created ? ", created" : "");
      return store;
    } catch (RuntimeException e) {
      closeQuietly(connection, absolute);
      throw e;
    }
  }

  private void migrate(List<Migration> migrations) {
    int from = read("reading the schema version", c -> userVersion(c));
    for (Migration migration : migrations) {
      if (migration.version() <= from) {
        continue;
      }
      write(
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
          file,
          migration.version(),
          migration.description());
    }
  }

  /**
   * A run without a finish was cut short by a crash or a kill; it is recorded as failed so the
   * history shows the attempt and the next pull is not mistaken for the first.
   */
  private void recoverAndPrune() {
    write(
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
              update.setLong(1, now().toEpochMilli());
              update.setString(2, RunResult.FAILED.name());
              update.setString(3, INTERRUPTED_RUN_ERROR);
              update.setLong(4, run.id());
              update.executeUpdate();
            }
            insertEvent(
                c,
                EventKind.REPLICATION_ERROR,
                run.service(),
                run.targetNode(),
                SYSTEM_ACTOR,
                "replication run " + run.id() + " " + INTERRUPTED_RUN_ERROR);
          }
          pruneEvents(c);
          pruneRuns(c);
          return null;
        });
  }

  @Override
  public ServiceState initialiseService(String service, String activeNode) {
    Checks.name("service", service);
    Checks.name("active node", activeNode);
    return write(
        "registering service " + Checks.printable(service),
        c -> {
          Optional<ServiceState> stored = selectService(c, service);
          if (stored.isPresent()) {
            return stored.get();
          }
          insertService(c, service, activeNode, 0, Optional.empty());
          insertEvent(
              c,
              EventKind.CONFIG,
              service,
              activeNode,
              SYSTEM_ACTOR,
              "service registered with active node " + activeNode + " at epoch 0");
          return requireService(c, service);
        });
  }

  @Override
  public Optional<ServiceState> serviceState(String service) {
    Checks.name("service", service);
    return read("reading service " + Checks.printable(service), c -> selectService(c, service));
  }

  @Override
  public List<ServiceState> services() {
    return read(
        "listing services",
        c -> {
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
        });
  }

  @Override
  public ServiceState changeOwner(
      String service,
      long expectedEpoch,
      String newActiveNode,
      String actor,
      String reason,
      boolean lock) {
    Checks.name("service", service);
    Checks.name("new active node", newActiveNode);
    Checks.label("actor", actor);
    Checks.label("reason", reason);
    return write(
        "changing the owner of service " + Checks.printable(service) + " to " + newActiveNode,
        c -> {
          ServiceState current = requireService(c, service);
          requireEpoch(current, expectedEpoch, "make " + newActiveNode + " its owner");
          long newEpoch = Math.addExact(current.epoch(), 1);
          Optional<SyncLock> newLock = current.lock();
          boolean locking = lock && current.lock().isEmpty();
          if (locking) {
            SyncLock fresh = SyncLock.of(reason, now(), actor);
            Optional<AppliedSnapshot> common = selectApplied(c, service, newActiveNode);
            if (common.isPresent()) {
              fresh = fresh.withLastCommon(common.get().snapshotName(), common.get().guid());
            }
            newLock = Optional.of(fresh);
          }
          updateService(c, service, current.epoch(), newActiveNode, newEpoch, newLock);
          insertEvent(
              c,
              EventKind.ROLE_CHANGE,
              service,
              newActiveNode,
              actor,
              "active node "
                  + current.activeNode()
                  + " -> "
                  + newActiveNode
                  + ", epoch "
                  + current.epoch()
                  + " -> "
                  + newEpoch
                  + ": "
                  + reason);
          if (locking) {
            insertEvent(
                c,
                EventKind.SYNC_LOCKED,
                service,
                newActiveNode,
                actor,
                describeLock(newLock.get()));
          }
          return requireService(c, service);
        });
  }

  @Override
  public ServiceState adoptPeerState(
      String service, String activeNode, long epoch, Optional<SyncLock> lock, String actor) {
    Checks.name("service", service);
    Checks.name("active node", activeNode);
    if (epoch < 0) {
      throw new IllegalArgumentException(
          "the peer's epoch of service " + Checks.printable(service) + " is negative: " + epoch);
    }
    Checks.present("lock", lock);
    Checks.label("actor", actor);
    return write(
        "adopting the peer's state of service " + Checks.printable(service),
        c -> {
          Optional<ServiceState> stored = selectService(c, service);
          if (stored.isEmpty()) {
            insertService(c, service, activeNode, epoch, lock);
            insertEvent(
                c,
                EventKind.ROLE_CHANGE,
                service,
                activeNode,
                actor,
                "service registered from the peer's state: active node "
                    + activeNode
                    + " at epoch "
                    + epoch);
            if (lock.isPresent()) {
              insertEvent(
                  c, EventKind.SYNC_LOCKED, service, activeNode, actor, describeLock(lock.get()));
            }
            return requireService(c, service);
          }
          ServiceState current = stored.get();
          if (epoch < current.epoch()) {
            throw conflict(
                current,
                epoch,
                "the peer's epoch "
                    + epoch
                    + " (active node "
                    + activeNode
                    + ") is older than the stored one. Fix: none needed here; the peer must adopt"
                    + " this node's state instead.");
          }
          if (epoch == current.epoch()) {
            if (current.activeNode().equals(activeNode)) {
              return current;
            }
            throw conflict(
                current,
                epoch,
                "the peer claims the same epoch with active node "
                    + activeNode
                    + ": both nodes made themselves owner. Fix: an operator must choose the"
                    + " owner with `zferry failover "
                    + service
                    + " --to NODE --force`, which raises the epoch above both.");
          }
          updateService(c, service, current.epoch(), activeNode, epoch, lock);
          insertEvent(
              c,
              EventKind.ROLE_CHANGE,
              service,
              activeNode,
              actor,
              "adopted the peer's state: active node "
                  + current.activeNode()
                  + " -> "
                  + activeNode
                  + ", epoch "
                  + current.epoch()
                  + " -> "
                  + epoch);
          ServiceState adopted = requireService(c, service);
          if (!adopted.lock().equals(current.lock())) {
            if (adopted.lock().isPresent()) {
              insertEvent(
                  c,
                  EventKind.SYNC_LOCKED,
                  service,
                  activeNode,
                  actor,
                  describeLock(adopted.lock().get()) + " (adopted from the peer)");
            } else {
              insertEvent(
                  c,
                  EventKind.SYNC_UNLOCKED,
                  service,
                  activeNode,
                  actor,
                  "sync unlocked: the peer holds no lock at epoch "
                      + epoch
                      + " (it was "
                      + describeLock(current.lock().get())
                      + ")");
            }
          }
          return adopted;
        });
  }

  @Override
  public ServiceState lockSync(String service, long expectedEpoch, SyncLock lock) {
    Checks.name("service", service);
    Objects.requireNonNull(lock, "lock");
    return write(
        "locking the sync of service " + Checks.printable(service),
        c -> {
          ServiceState current = requireService(c, service);
          requireEpoch(current, expectedEpoch, "lock its sync");
          if (current.isLocked()) {
            return current;
          }
          Optional<SyncLock> newLock = Optional.of(lock);
          updateService(
              c, service, current.epoch(), current.activeNode(), current.epoch(), newLock);
          insertEvent(
              c,
              EventKind.SYNC_LOCKED,
              service,
              current.activeNode(),
              lock.lockedBy(),
              describeLock(lock));
          return requireService(c, service);
        });
  }

  @Override
  public ServiceState unlockSync(String service, long expectedEpoch, String actor, String reason) {
    Checks.name("service", service);
    Checks.label("actor", actor);
    Checks.label("reason", reason);
    return write(
        "unlocking the sync of service " + Checks.printable(service),
        c -> {
          ServiceState current = requireService(c, service);
          requireEpoch(current, expectedEpoch, "unlock its sync");
          if (!current.isLocked()) {
            return current;
          }
          updateService(
              c, service, current.epoch(), current.activeNode(), current.epoch(), Optional.empty());
          insertEvent(
              c,
              EventKind.SYNC_UNLOCKED,
              service,
              current.activeNode(),
              actor,
              "sync unlocked: " + reason + " (it was " + describeLock(current.lock().get()) + ")");
          return requireService(c, service);
        });
  }

  @Override
  public void recordApplied(String service, String node, String snapshotName, String guid) {
    Checks.name("service", service);
    Checks.name("node", node);
    Checks.label("snapshot name", snapshotName);
    Checks.guid("snapshot GUID", guid);
    write(
        "recording snapshot " + Checks.printable(snapshotName) + " as applied on " + node,
        c -> {
          requireService(c, service);
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
            upsert.setLong(5, now().toEpochMilli());
            upsert.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Optional<AppliedSnapshot> lastApplied(String service, String node) {
    Checks.name("service", service);
    Checks.name("node", node);
    return read(
        "reading the snapshot last applied on " + node, c -> selectApplied(c, service, node));
  }

  @Override
  public long recordEvent(
      EventKind kind, String service, String node, String actor, String message) {
    Objects.requireNonNull(kind, "kind");
    if (service != null) {
      Checks.name("service", service);
    }
    Checks.name("node", node);
    Checks.label("actor", actor);
    Checks.text("message", message);
    return write(
        "recording a " + kind + " event", c -> insertEvent(c, kind, service, node, actor, message));
  }

  @Override
  public List<Event> events(EventFilter filter) {
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
    return read(
        "reading events",
        c -> {
          List<Event> found = new ArrayList<>();
          try (PreparedStatement select = c.prepareStatement(sql.toString())) {
            bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                found.add(eventRow(rows));
              }
            }
          }
          return List.copyOf(found);
        });
  }

  @Override
  public long startRun(
      String service, String sourceNode, String targetNode, Optional<String> plan) {
    Checks.name("service", service);
    ReplicationRun.requireDistinctNodes(service, sourceNode, targetNode);
    Checks.present("plan", plan);
    return write(
        "recording the start of a replication run of service " + Checks.printable(service),
        c -> {
          requireService(c, service);
          long id;
          try (PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO replication_run (service, source_node, target_node, started_ms,"
                      + " plan) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, service);
            insert.setString(2, sourceNode);
            insert.setString(3, targetNode);
            insert.setLong(4, now().toEpochMilli());
            setOptional(insert, 5, plan.map(SqliteStateStore::clip));
            insert.executeUpdate();
            id = lastInsertId(c);
          }
          if (++runsSincePrune >= settings.pruneEvery()) {
            pruneRuns(c);
          }
          return id;
        });
  }

  @Override
  public void finishRun(
      long runId, long bytes, RunResult result, Optional<String> plan, Optional<String> error) {
    Checks.present("plan", plan);
    ReplicationRun.requireOutcome("replication run " + runId, bytes, result, error);
    write(
        "recording the end of replication run " + runId,
        c -> {
          try (PreparedStatement update =
              c.prepareStatement(
                  "UPDATE replication_run SET finished_ms = ?, bytes = ?, result = ?,"
                      + " plan = coalesce(?, plan), error = ?"
                      + " WHERE id = ? AND finished_ms IS NULL")) {
            update.setLong(1, now().toEpochMilli());
            update.setLong(2, bytes);
            update.setString(3, result.name());
            setOptional(update, 4, plan.map(SqliteStateStore::clip));
            setOptional(update, 5, error.map(SqliteStateStore::clip));
            update.setLong(6, runId);
            if (update.executeUpdate() != 1) {
              throw new StateStoreException(
                  file,
                  Reason.NOT_FOUND,
                  "state database "
                      + file
                      + " has no unfinished replication run "
                      + runId
                      + " (it is unknown, already finished, or was marked interrupted when the"
                      + " store was reopened). Fix: record a new run with startRun.");
            }
          }
          return null;
        });
  }

  @Override
  public List<ReplicationRun> recentRuns(String service, int limit) {
    Checks.name("service", service);
    if (limit < 1) {
      throw new IllegalArgumentException("limit of recent runs must be at least 1: " + limit);
    }
    return read(
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

  @Override
  public void saveSettingOverrides(
      String scope, java.util.Map<String, String> values, String node, String actor) {
    if (!scope.equals(CLUSTER_SCOPE)) {
      Checks.name("scope", scope);
    }
    Checks.name("node", node);
    Checks.label("actor", actor);
    java.util.Map<String, String> copy = new java.util.TreeMap<>(values);
    copy.forEach(
        (k, v) -> {
          Checks.label("setting key", k);
          Checks.label("setting value", v);
        });
    String what = scope.equals(CLUSTER_SCOPE) ? "cluster" : "service " + scope;
    String message =
        copy.isEmpty()
            ? "settings of " + what + " reset to the configuration"
            : "settings of " + what + " set to " + copy;
    write(
        "saving the settings of " + what,
        c -> {
          try (PreparedStatement delete =
              c.prepareStatement("DELETE FROM setting_override WHERE scope = ?")) {
            delete.setString(1, scope);
            delete.executeUpdate();
          }
          try (PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO setting_override (scope, key, value, updated_at_ms)"
                      + " VALUES (?, ?, ?, ?)")) {
            for (var e : copy.entrySet()) {
              insert.setString(1, scope);
              insert.setString(2, e.getKey());
              insert.setString(3, e.getValue());
              insert.setLong(4, now().toEpochMilli());
              insert.executeUpdate();
            }
          }
          return insertEvent(
              c,
              EventKind.CONFIG,
              scope.equals(CLUSTER_SCOPE) ? null : scope,
              node,
              actor,
              message);
        });
  }

  @Override
  public java.util.Map<String, java.util.Map<String, String>> settingOverrides() {
    return read(
        "reading the operator's settings",
        c -> {
          java.util.Map<String, java.util.Map<String, String>> all = new java.util.TreeMap<>();
          try (PreparedStatement select =
                  c.prepareStatement(
                      "SELECT scope, key, value FROM setting_override ORDER BY scope, key");
              ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              all.computeIfAbsent(rows.getString(1), k -> new java.util.TreeMap<>())
                  .put(rows.getString(2), rows.getString(3));
            }
          }
          return all;
        });
  }

  /** The database file, absolute. */
  public Path file() {
    return file;
  }

  @Override
  public void close() {
    synchronized (guard) {
      if (connection == null) {
        return;
      }
      closeQuietly(connection, file);
      connection = null;
    }
  }

  @Override
  public String toString() {
    return "SqliteStateStore[" + file + "]";
  }

  // --- transactions ---------------------------------------------------------------------------

  private <T> T read(String operation, SqlWork<T> work) {
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
  private <T> T write(String operation, SqlWork<T> work) {
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

  private static void closeQuietly(Connection connection, Path file) {
    try {
      connection.close();
    } catch (SQLException e) {
      log.warn("Closing state database {} failed: {}", file, e.toString());
    }
  }

  // --- rows -----------------------------------------------------------------------------------

  private Instant now() {
    return Instant.ofEpochMilli(clock.millis());
  }

  private ServiceState requireService(Connection c, String service) throws SQLException {
    return selectService(c, service)
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

  private void requireEpoch(ServiceState current, long expectedEpoch, String action) {
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

  private EpochConflictException conflict(ServiceState current, long offered, String detail) {
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

  private Optional<ServiceState> selectService(Connection c, String service) throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement("SELECT " + SERVICE_COLUMNS + " FROM service_state WHERE service = ?")) {
      select.setString(1, service);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(serviceRow(rows)) : Optional.empty();
      }
    }
  }

  private void insertService(
      Connection c, String service, String activeNode, long epoch, Optional<SyncLock> lock)
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
  private void updateService(
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
    setOptional(statement, 3, lock.map(SyncLock::reason));
    if (lock.isPresent()) {
      statement.setLong(4, lock.get().since().toEpochMilli());
    } else {
      statement.setNull(4, Types.INTEGER);
    }
    setOptional(statement, 5, lock.map(SyncLock::lockedBy));
    setOptional(statement, 6, lock.flatMap(SyncLock::lastCommonSnapshot));
    setOptional(statement, 7, lock.flatMap(SyncLock::lastCommonGuid));
    statement.setLong(8, now().toEpochMilli());
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
      throw invalidRow("service_state", e);
    }
  }

  private Optional<AppliedSnapshot> selectApplied(Connection c, String service, String node)
      throws SQLException {
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
          throw invalidRow("applied_snapshot", e);
        }
      }
    }
  }

  private long insertEvent(
      Connection c, EventKind kind, String service, String node, String actor, String message)
      throws SQLException {
    long id;
    try (PreparedStatement insert =
        c.prepareStatement(
            "INSERT INTO event (at_ms, kind, service, node, actor, message)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setLong(1, now().toEpochMilli());
      insert.setString(2, kind.name());
      setOptional(insert, 3, Optional.ofNullable(service));
      insert.setString(4, node);
      insert.setString(5, actor);
      insert.setString(6, clip(message));
      insert.executeUpdate();
      id = lastInsertId(c);
    }
    if (++eventsSincePrune >= settings.pruneEvery()) {
      pruneEvents(c);
    }
    return id;
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
      throw invalidRow("event", e);
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
      throw invalidRow("replication_run", e);
    }
  }

  private StateStoreException invalidRow(String table, RuntimeException e) {
    return SqliteErrors.corrupt(
        file, "a row of table " + table + " holds an invalid value: " + e.getMessage(), e);
  }

  private void pruneEvents(Connection c) throws SQLException {
    eventsSincePrune = 0;
    try (PreparedStatement delete =
        c.prepareStatement(
            "DELETE FROM event WHERE id <= (SELECT id FROM event ORDER BY id DESC"
                + " LIMIT 1 OFFSET ?)")) {
      delete.setInt(1, settings.maxEvents());
      int deleted = delete.executeUpdate();
      if (deleted > 0) {
        log.debug("State database {}: pruned {} old events", file, deleted);
      }
    }
  }

  private void pruneRuns(Connection c) throws SQLException {
    runsSincePrune = 0;
    try (PreparedStatement delete =
        c.prepareStatement(
            "DELETE FROM replication_run WHERE id IN (SELECT id FROM (SELECT id, row_number()"
                + " OVER (PARTITION BY service ORDER BY id DESC) AS newer FROM replication_run)"
                + " WHERE newer > ?)")) {
      delete.setInt(1, settings.maxRunsPerService());
      int deleted = delete.executeUpdate();
      if (deleted > 0) {
        log.debug("State database {}: pruned {} old replication runs", file, deleted);
      }
    }
  }

  private static String describeLock(SyncLock lock) {
    return "sync locked since "
        + lock.since()
        + " by "
        + lock.lockedBy()
        + ": "
        + lock.reason()
        + lock.lastCommonSnapshot()
            .map(
                name ->
                    "; last common snapshot "
                        + name
                        + " (guid "
                        + lock.lastCommonGuid().get()
                        + ")")
            .orElse("; last common snapshot unknown");
  }

  private static int userVersion(Connection c) throws SQLException {
    try (Statement statement = c.createStatement()) {
      return SqliteSetup.intPragma(statement, "user_version");
    }
  }

  private static long lastInsertId(Connection c) throws SQLException {
    try (Statement statement = c.createStatement();
        ResultSet rows = statement.executeQuery("SELECT last_insert_rowid()")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static void setOptional(PreparedStatement statement, int index, Optional<String> value)
      throws SQLException {
    if (value.isPresent()) {
      statement.setString(index, value.get());
    } else {
      statement.setNull(index, Types.VARCHAR);
    }
  }

  private static void bind(PreparedStatement statement, List<Object> parameters)
      throws SQLException {
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

  static String clip(String text) {
    if (text.length() <= MAX_TEXT_LENGTH) {
      return text;
    }
    String marker = " … (truncated)";
    return text.substring(0, MAX_TEXT_LENGTH - marker.length()) + marker;
  }
}
