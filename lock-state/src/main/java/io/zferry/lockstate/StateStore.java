package io.zferry.lockstate;

import java.util.List;
import java.util.Optional;

/**
 * This node's durable memory of who owns each service: roles, epochs, sync locks, the snapshots
 * each node last applied, the event history and the replication runs.
 *
 * <p>Contracts every implementation keeps:
 *
 * <ul>
 *   <li>Every method is atomic and thread-safe. A change of owner or lock is a compare-and-set on
 *       the epoch and writes its event in the same transaction, so the history can never disagree
 *       with the state. A change is durable when the method returns: callers write the store before
 *       they touch ZFS, hooks or VIPs (failover rule 1).
 *   <li>Times come from the injected clock and are kept to the millisecond.
 *   <li>Every failure is a {@link StateStoreException} naming the database and the fix; the caller
 *       must not act on ownership it could not read or record. Invalid arguments are {@link
 *       IllegalArgumentException}s raised before anything is written.
 *   <li>Operations on a service need it registered with {@link #initialiseService} first, otherwise
 *       {@link StateStoreException.Reason#NOT_FOUND}.
 * </ul>
 */
public interface StateStore extends AutoCloseable {
  /** The actor recorded for changes the daemon makes on its own. */
  String SYSTEM_ACTOR = "zferryd";

  /** The longest one-line text (an actor, a lock's or an unlock's reason) a store accepts. */
  int MAX_LABEL_LENGTH = 1024;

  /**
   * Registers a service with {@code activeNode} as owner at epoch 0, or returns the stored state
   * unchanged if it is already registered: the configuration's preferred node must never override
   * an owner decided by a failover.
   */
  ServiceState initialiseService(String service, String activeNode);

  Optional<ServiceState> serviceState(String service);

  /** Every registered service, ordered by name. */
  List<ServiceState> services();

  /**
   * Makes {@code newActiveNode} the owner: epoch+1, a {@link EventKind#ROLE_CHANGE} event. Naming
   * the current owner raises the epoch too, which is how an operator's forced decision out-votes a
   * peer that claimed the same epoch.
   *
   * <p>With {@code lock} (automatic failover) it also sets the sync lock unless one is set already,
   * with {@code reason}, {@code actor} and, as last common snapshot, the snapshot the new owner
   * last applied (a passive node holds exactly what it applied, and the old owner had it too), and
   * a {@link EventKind#SYNC_LOCKED} event. Without {@code lock} an existing lock stays: only {@link
   * #unlockSync} clears one.
   *
   * @throws EpochConflictException if the stored epoch is not {@code expectedEpoch}
   */
  ServiceState changeOwner(
      String service,
      long expectedEpoch,
      String newActiveNode,
      String actor,
      String reason,
      boolean lock);

  /**
   * Takes over the peer's view of a service when the peer's epoch is higher: owner, epoch and lock
   * (set or cleared) all as the peer has them, with events for what changed. An unregistered
   * service is registered with the peer's state. The same epoch with the same owner changes nothing
   * and returns the stored state, whose lock is kept as is: locks change only explicitly.
   *
   * @throws EpochConflictException if the stored epoch is higher (the peer should adopt ours), or
   *     equal with a different owner (both nodes claimed it: an operator must decide)
   */
  ServiceState adoptPeerState(
      String service, String activeNode, long epoch, Optional<SyncLock> lock, String actor);

  /**
   * Sets the sync lock and writes a {@link EventKind#SYNC_LOCKED} event. If the service is locked
   * already the stored lock is kept and returned unchanged, because its time and reason are the
   * evidence of the first failure.
   *
   * @throws EpochConflictException if the stored epoch is not {@code expectedEpoch}
   */
  ServiceState lockSync(String service, long expectedEpoch, SyncLock lock);

  /**
   * Clears the sync lock ({@code mark-sync-as-fixed}) and writes a {@link EventKind#SYNC_UNLOCKED}
   * event; an unlocked service is returned unchanged with no event.
   *
   * @throws EpochConflictException if the stored epoch is not {@code expectedEpoch}
   */
  ServiceState unlockSync(String service, long expectedEpoch, String actor, String reason);

  /**
   * Records that {@code node} now holds {@code snapshotName} as its newest snapshot of the service.
   *
   * @param guid unsigned 64-bit decimal, as {@code zfs get -p guid} prints it
   */
  void recordApplied(String service, String node, String snapshotName, String guid);

  Optional<AppliedSnapshot> lastApplied(String service, String node);

  /**
   * Appends an event; the oldest are pruned beyond the store's limit.
   *
   * @param service null for node-wide events
   * @return the event's id
   */
  long recordEvent(EventKind kind, String service, String node, String actor, String message);

  /** The events matching {@code filter}, newest first. */
  List<Event> events(EventFilter filter);

  /**
   * Records the start of a pull, so that a run the daemon did not live to finish is still on record
   * (the store marks such runs {@link RunResult#FAILED} when it is next opened).
   *
   * @return the run's id, for {@link #finishRun}
   */
  long startRun(String service, String sourceNode, String targetNode, Optional<String> plan);

  /**
   * Records how a started run ended, at the clock's now. A plan present here replaces the one given
   * at the start, which may have been decided before the source was listed.
   *
   * @throws StateStoreException {@link StateStoreException.Reason#NOT_FOUND} if no unfinished run
   *     has this id
   */
  void finishRun(
      long runId, long bytes, RunResult result, Optional<String> plan, Optional<String> error);

  /**
   * The newest finished runs of a service, newest first; runs still in progress are not included.
   * The oldest runs of each service are pruned beyond the store's limit.
   */
  List<ReplicationRun> recentRuns(String service, int limit);

  /**
   * Replaces the settings an operator set for {@code scope} (a service name, or {@link
   * #CLUSTER_SCOPE}) and writes a {@link EventKind#CONFIG} event in the same transaction. Values
   * are stored as given; the caller validates them. An empty map removes the scope's settings.
   */
  void saveSettingOverrides(
      String scope, java.util.Map<String, String> values, String node, String actor);

  /** Every scope's operator settings, by scope and key. */
  java.util.Map<String, java.util.Map<String, String>> settingOverrides();

  /** The scope of settings that apply to every service. */
  String CLUSTER_SCOPE = "*cluster*";

  /** Releases the database; idempotent. Later calls fail with {@code CLOSED}. */
  @Override
  void close();
}
