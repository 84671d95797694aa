package io.zferry.service.metrics;

import io.zferry.lockstate.AppliedSnapshot;
import io.zferry.lockstate.Event;
import io.zferry.lockstate.EventFilter;
import io.zferry.lockstate.EventKind;
import io.zferry.lockstate.ReplicationRun;
import io.zferry.lockstate.RunResult;
import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;
import io.zferry.lockstate.SyncLock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link StateStore} that also counts, for {@code /metrics}, what is recorded in it: finished
 * pulls (bytes and result) and fence attempts. The store is where every pull and fence is recorded
 * anyway, so counting here needs no hook in the loops that do them. Everything else is passed on
 * unchanged; a call the store refuses is not counted.
 */
public final class CountingStateStore implements StateStore {
  /** How a successful fence's event begins; a failed one says "fencing NODE failed". */
  static final String FENCED_PREFIX = "fenced ";

  private final StateStore store;
  private final NodeCounters counters;
  private final Map<Long, String> runningPulls = new ConcurrentHashMap<>();

  public CountingStateStore(StateStore store, NodeCounters counters) {
    this.store = Objects.requireNonNull(store, "store");
    this.counters = Objects.requireNonNull(counters, "counters");
  }

  @Override
  public ServiceState initialiseService(String service, String activeNode) {
    return store.initialiseService(service, activeNode);
  }

  @Override
  public Optional<ServiceState> serviceState(String service) {
    return store.serviceState(service);
  }

  @Override
  public List<ServiceState> services() {
    return store.services();
  }

  @Override
  public ServiceState changeOwner(
      String service,
      long expectedEpoch,
      String newActiveNode,
      String actor,
      String reason,
      boolean lock) {
    return store.changeOwner(service, expectedEpoch, newActiveNode, actor, reason, lock);
  }

  @Override
  public ServiceState adoptPeerState(
      String service, String activeNode, long epoch, Optional<SyncLock> lock, String actor) {
    return store.adoptPeerState(service, activeNode, epoch, lock, actor);
  }

  @Override
  public ServiceState lockSync(String service, long expectedEpoch, SyncLock lock) {
    return store.lockSync(service, expectedEpoch, lock);
  }

  @Override
  public ServiceState unlockSync(String service, long expectedEpoch, String actor, String reason) {
    return store.unlockSync(service, expectedEpoch, actor, reason);
  }

  @Override
  public void recordApplied(String service, String node, String snapshotName, String guid) {
    store.recordApplied(service, node, snapshotName, guid);
  }

  @Override
  public Optional<AppliedSnapshot> lastApplied(String service, String node) {
    return store.lastApplied(service, node);
  }

  @Override
  public long recordEvent(
      EventKind kind, String service, String node, String actor, String message) {
    long id = store.recordEvent(kind, service, node, actor, message);
    if (kind == EventKind.FENCE && service != null) {
      counters.fenced(service, message != null && message.startsWith(FENCED_PREFIX));
    }
    return id;
  }

  @Override
  public List<Event> events(EventFilter filter) {
    return store.events(filter);
  }

  @Override
  public long startRun(
      String service, String sourceNode, String targetNode, Optional<String> plan) {
    long id = store.startRun(service, sourceNode, targetNode, plan);
    runningPulls.put(id, service);
    return id;
  }

  @Override
  public void finishRun(
      long runId, long bytes, RunResult result, Optional<String> plan, Optional<String> error) {
    store.finishRun(runId, bytes, result, plan, error);
    String service = runningPulls.remove(runId);
    if (service != null) {
      counters.pulled(service, bytes, result);
    }
  }

  @Override
  public List<ReplicationRun> recentRuns(String service, int limit) {
    return store.recentRuns(service, limit);
  }

  @Override
  public void saveSettingOverrides(
      String scope, java.util.Map<String, String> values, String node, String actor) {
    store.saveSettingOverrides(scope, values, node, actor);
  }

  @Override
  public java.util.Map<String, java.util.Map<String, String>> settingOverrides() {
    return store.settingOverrides();
  }

  @Override
  public void close() {
    store.close();
  }
}
