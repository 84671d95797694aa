package io.zferry.lockstate;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A {@link StateStore} in memory with the same contract as {@link SqliteStateStore}:
 * compare-and-set on the epoch, locks set only with an owner change or {@link #lockSync} and
 * cleared only by {@link #unlockSync} or by adopting a peer's higher epoch. For unit tests and the
 * simulation, where a node's store outlives the node (a crash keeps it).
 *
 * <p>{@link #failNext} makes the next write matching a predicate fail, as a full disk or a locked
 * database would; {@link #unlockHistory} lists every lock that was cleared and how.
 */
public final class InMemoryStateStore implements StateStore {
  private static final Path FILE = Path.of("in-memory");

  /** A cleared lock: the service, the epoch it was cleared at, and the operation that did it. */
  public record Unlock(String service, long epoch, String how) {}

  private final Clock clock;
  private final Map<String, ServiceState> services = new TreeMap<>();
  private final Map<String, AppliedSnapshot> applied = new HashMap<>();
  private final List<Event> events = new ArrayList<>();
  private final Map<Long, ReplicationRun> finished = new HashMap<>();
  private final Map<Long, String[]> running = new HashMap<>();
  private final Map<String, Map<String, String>> settings = new TreeMap<>();
  private final List<Unlock> unlocks = new ArrayList<>();
  private Predicate<String> failing = call -> false;
  private long nextId = 1;
  private boolean closed;

  public InMemoryStateStore(Clock clock) {
    this.clock = clock;
  }

  /** The next write whose method name matches fails once with {@code FAILED}. */
  public synchronized void failNext(Predicate<String> method) {
    failing = method;
  }

  public synchronized List<Unlock> unlockHistory() {
    return List.copyOf(unlocks);
  }

  private void write(String method) {
    if (closed) {
      throw new StateStoreException(FILE, StateStoreException.Reason.CLOSED, "store closed");
    }
    if (failing.test(method)) {
      failing = call -> false;
      throw new StateStoreException(
          FILE, StateStoreException.Reason.FAILED, method + " failed: disk I/O error");
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private ServiceState require(String service) {
    ServiceState state = services.get(service);
    if (state == null) {
      throw new StateStoreException(
          FILE, StateStoreException.Reason.NOT_FOUND, "service " + service + " is not registered");
    }
    return state;
  }

  private static EpochConflictException conflict(ServiceState current, long offered, String why) {
    return new EpochConflictException(
        FILE,
        current.service(),
        offered,
        current.epoch(),
        current.activeNode(),
        "service " + current.service() + " is at epoch " + current.epoch() + ": " + why);
  }

  private ServiceState put(String service, String owner, long epoch, Optional<SyncLock> lock) {
    ServiceState state = new ServiceState(service, owner, epoch, lock, now());
    services.put(service, state);
    return state;
  }

  @Override
  public synchronized ServiceState initialiseService(String service, String activeNode) {
    write("initialiseService");
    ServiceState stored = services.get(service);
    return stored != null ? stored : put(service, activeNode, 0, Optional.empty());
  }

  @Override
  public synchronized Optional<ServiceState> serviceState(String service) {
    return Optional.ofNullable(services.get(service));
  }

  @Override
  public synchronized List<ServiceState> services() {
    return List.copyOf(services.values());
  }

  @Override
  public synchronized ServiceState changeOwner(
      String service,
      long expectedEpoch,
      String newActiveNode,
      String actor,
      String reason,
      boolean lock) {
    write("changeOwner");
    ServiceState current = require(service);
    if (current.epoch() != expectedEpoch) {
      throw conflict(current, expectedEpoch, "expected " + expectedEpoch);
    }
    Optional<SyncLock> newLock = current.lock();
    boolean locking = lock && current.lock().isEmpty();
    if (locking) {
      SyncLock fresh = SyncLock.of(reason, now(), actor);
      AppliedSnapshot common = applied.get(service + "/" + newActiveNode);
      if (common != null) {
        fresh = fresh.withLastCommon(common.snapshotName(), common.guid());
      }
      newLock = Optional.of(fresh);
    }
    ServiceState changed = put(service, newActiveNode, current.epoch() + 1, newLock);
    event(EventKind.ROLE_CHANGE, service, newActiveNode, actor, "owner " + newActiveNode);
    if (locking) {
      event(EventKind.SYNC_LOCKED, service, newActiveNode, actor, reason);
    }
    return changed;
  }

  @Override
  public synchronized ServiceState adoptPeerState(
      String service, String activeNode, long epoch, Optional<SyncLock> lock, String actor) {
    write("adoptPeerState");
    ServiceState current = services.get(service);
    if (current == null) {
      return put(service, activeNode, epoch, lock);
    }
    if (epoch < current.epoch()) {
      throw conflict(current, epoch, "the peer's epoch is older");
    }
    if (epoch == current.epoch()) {
      if (current.activeNode().equals(activeNode)) {
        return current;
      }
      throw conflict(current, epoch, "the peer claims the same epoch with owner " + activeNode);
    }
    if (current.lock().isPresent() && lock.isEmpty()) {
      unlocks.add(new Unlock(service, epoch, "adoptPeerState"));
    }
    ServiceState adopted = put(service, activeNode, epoch, lock);
    event(EventKind.ROLE_CHANGE, service, activeNode, actor, "adopted epoch " + epoch);
    return adopted;
  }

  @Override
  public synchronized ServiceState lockSync(String service, long expectedEpoch, SyncLock lock) {
    write("lockSync");
    ServiceState current = require(service);
    if (current.epoch() != expectedEpoch) {
      throw conflict(current, expectedEpoch, "expected " + expectedEpoch);
    }
    if (current.isLocked()) {
      return current;
    }
    event(EventKind.SYNC_LOCKED, service, current.activeNode(), lock.lockedBy(), lock.reason());
    return put(service, current.activeNode(), current.epoch(), Optional.of(lock));
  }

  @Override
  public synchronized ServiceState unlockSync(
      String service, long expectedEpoch, String actor, String reason) {
    write("unlockSync");
    ServiceState current = require(service);
    if (current.epoch() != expectedEpoch) {
      throw conflict(current, expectedEpoch, "expected " + expectedEpoch);
    }
    if (!current.isLocked()) {
      return current;
    }
    unlocks.add(new Unlock(service, expectedEpoch, "unlockSync: " + reason));
    event(EventKind.SYNC_UNLOCKED, service, current.activeNode(), actor, reason);
    return put(service, current.activeNode(), current.epoch(), Optional.empty());
  }

  @Override
  public synchronized void recordApplied(
      String service, String node, String snapshotName, String guid) {
    write("recordApplied");
    applied.put(
        service + "/" + node, new AppliedSnapshot(service, node, snapshotName, guid, now()));
  }

  @Override
  public synchronized Optional<AppliedSnapshot> lastApplied(String service, String node) {
    return Optional.ofNullable(applied.get(service + "/" + node));
  }

  @Override
  public synchronized long recordEvent(
      EventKind kind, String service, String node, String actor, String message) {
    write("recordEvent");
    return event(kind, service, node, actor, message);
  }

  private long event(EventKind kind, String service, String node, String actor, String message) {
    long id = nextId++;
    events.add(new Event(id, now(), kind, service, node, actor, message));
    return id;
  }

  @Override
  public synchronized List<Event> events(EventFilter filter) {
    return events.stream()
        .filter(e -> filter.service().map(s -> s.equals(e.service())).orElse(true))
        .filter(e -> filter.kinds().isEmpty() || filter.kinds().contains(e.kind()))
        .filter(e -> filter.from().map(f -> !e.at().isBefore(f)).orElse(true))
        .filter(e -> filter.until().map(u -> e.at().isBefore(u)).orElse(true))
        .sorted(Comparator.comparingLong(Event::id).reversed())
        .limit(filter.limit())
        .toList();
  }

  @Override
  public synchronized long startRun(
      String service, String sourceNode, String targetNode, Optional<String> plan) {
    write("startRun");
    long id = nextId++;
    running.put(id, new String[] {service, sourceNode, targetNode, now().toString()});
    return id;
  }

  @Override
  public synchronized void finishRun(
      long runId, long bytes, RunResult result, Optional<String> plan, Optional<String> error) {
    write("finishRun");
    String[] run = running.remove(runId);
    if (run == null) {
      throw new StateStoreException(
          FILE, StateStoreException.Reason.NOT_FOUND, "no unfinished run " + runId);
    }
    finished.put(
        runId,
        new ReplicationRun(
            runId,
            run[0],
            run[1],
            run[2],
            Instant.parse(run[3]),
            now(),
            bytes,
            result,
            plan,
            error));
  }

  @Override
  public synchronized List<ReplicationRun> recentRuns(String service, int limit) {
    return finished.values().stream()
        .filter(r -> r.service().equals(service))
        .sorted(Comparator.comparingLong(ReplicationRun::id).reversed())
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized void saveSettingOverrides(
      String scope, Map<String, String> values, String node, String actor) {
    write("saveSettingOverrides");
    if (values.isEmpty()) {
      settings.remove(scope);
    } else {
      settings.put(scope, Map.copyOf(values));
    }
  }

  @Override
  public synchronized Map<String, Map<String, String>> settingOverrides() {
    return Map.copyOf(settings);
  }

  @Override
  public synchronized void close() {
    closed = true;
  }
}
