package io.zferry.lockstate;

import io.zferry.lockstate.StateStoreException.Reason;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link StateStore} in one SQLite file, by default {@code /var/lib/zferry/state.db}.
 *
 * <p>One connection, guarded by a monitor ({@link SqliteTransactions}), makes every operation one
 * serialised SQLite transaction. The file is in WAL mode with {@code synchronous=FULL}, so a
 * committed change of owner survives a power cut, which failover rule 1 (write the store before
 * acting) relies on.
 *
 * <p>Opening refuses rather than repairs: a file that is missing (when it must exist), not SQLite,
 * another program's, corrupt, written by a newer zferry, or held by another process is reported
 * with a {@link StateStoreException} naming the file and the fix, and is left untouched.
 *
 * <p>This class opens the file and delegates each operation to the class that owns its tables:
 * {@link ServiceOwnership} and {@link SyncLocks} (over {@link ServiceTable}), {@link
 * AppliedSnapshots}, {@link EventLog}, {@link RunHistory} and {@link SettingOverrides}.
 */
public final class SqliteStateStore implements StateStore {
  private static final Logger log = LoggerFactory.getLogger(SqliteStateStore.class);

  /**
   * Messages, plans and errors are cut to this many characters: a runaway stderr must not make
   * every event query slow or fill the disk with copies of itself.
   */
  static final int MAX_TEXT_LENGTH = SqlValues.MAX_TEXT_LENGTH;

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

  private final SqliteTransactions transactions;
  private final ServiceOwnership ownership;
  private final SyncLocks locks;
  private final AppliedSnapshots applied;
  private final EventLog events;
  private final RunHistory runs;
  private final SettingOverrides overrides;

  private SqliteStateStore(SqliteTransactions transactions, Clock clock, Settings settings) {
    this.transactions = transactions;
    ServiceTable services = new ServiceTable(transactions.file(), clock);
    this.events = new EventLog(transactions, clock, settings.maxEvents(), settings.pruneEvery());
    this.applied = new AppliedSnapshots(transactions, services, clock);
    this.ownership = new ServiceOwnership(transactions, services, applied, events, clock);
    this.locks = new SyncLocks(transactions, services, events);
    this.runs =
        new RunHistory(
            transactions,
            services,
            events,
            clock,
            settings.maxRunsPerService(),
            settings.pruneEvery());
    this.overrides = new SettingOverrides(transactions, events, clock);
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
      SqliteTransactions transactions = new SqliteTransactions(absolute, errors, connection);
      SqliteStateStore store = new SqliteStateStore(transactions, clock, settings);
      new SchemaMigrator(transactions).migrate(schema);
      store.runs.recoverInterruptedAndPrune();
      DatabaseFile.restrictPermissions(absolute);
      log.info(
          "Opened state database {} (schema version {}{})",
          absolute,
          schema.size(),
          created ? ", created" : "");
      return store;
    } catch (RuntimeException e) {
      SqliteTransactions.closeQuietly(connection, absolute);
      throw e;
    }
  }

  @Override
  public ServiceState initialiseService(String service, String activeNode) {
    return ownership.initialise(service, activeNode);
  }

  @Override
  public Optional<ServiceState> serviceState(String service) {
    return ownership.state(service);
  }

  @Override
  public List<ServiceState> services() {
    return ownership.all();
  }

  @Override
  public ServiceState changeOwner(
      String service,
      long expectedEpoch,
      String newActiveNode,
      String actor,
      String reason,
      boolean lock) {
    return ownership.changeOwner(service, expectedEpoch, newActiveNode, actor, reason, lock);
  }

  @Override
  public ServiceState adoptPeerState(
      String service, String activeNode, long epoch, Optional<SyncLock> lock, String actor) {
    return ownership.adoptPeerState(service, activeNode, epoch, lock, actor);
  }

  @Override
  public ServiceState lockSync(String service, long expectedEpoch, SyncLock lock) {
    return locks.lock(service, expectedEpoch, lock);
  }

  @Override
  public ServiceState unlockSync(String service, long expectedEpoch, String actor, String reason) {
    return locks.unlock(service, expectedEpoch, actor, reason);
  }

  @Override
  public void recordApplied(String service, String node, String snapshotName, String guid) {
    applied.record(service, node, snapshotName, guid);
  }

  @Override
  public Optional<AppliedSnapshot> lastApplied(String service, String node) {
    return applied.last(service, node);
  }

  @Override
  public long recordEvent(
      EventKind kind, String service, String node, String actor, String message) {
    return events.record(kind, service, node, actor, message);
  }

  @Override
  public List<Event> events(EventFilter filter) {
    return events.find(filter);
  }

  @Override
  public long startRun(
      String service, String sourceNode, String targetNode, Optional<String> plan) {
    return runs.start(service, sourceNode, targetNode, plan);
  }

  @Override
  public void finishRun(
      long runId, long bytes, RunResult result, Optional<String> plan, Optional<String> error) {
    runs.finish(runId, bytes, result, plan, error);
  }

  @Override
  public List<ReplicationRun> recentRuns(String service, int limit) {
    return runs.recent(service, limit);
  }

  @Override
  public void saveSettingOverrides(
      String scope, Map<String, String> values, String node, String actor) {
    overrides.save(scope, values, node, actor);
  }

  @Override
  public Map<String, Map<String, String>> settingOverrides() {
    return overrides.all();
  }

  /** The database file, absolute. */
  public Path file() {
    return transactions.file();
  }

  @Override
  public void close() {
    transactions.close();
  }

  @Override
  public String toString() {
    return "SqliteStateStore[" + transactions.file() + "]";
  }
}
