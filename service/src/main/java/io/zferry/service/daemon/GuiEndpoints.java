package io.zferry.service.daemon;

import io.zferry.lockstate.Event;
import io.zferry.lockstate.EventFilter;
import io.zferry.lockstate.EventKind;
import io.zferry.lockstate.ReplicationRun;
import io.zferry.service.api.ApiCallException;
import io.zferry.service.api.ApiProblem;
import io.zferry.service.api.ApiRequest;
import io.zferry.service.api.ApiRoutes;
import io.zferry.service.api.auth.Access;
import io.zferry.service.config.ServiceConfig;
import io.zferry.service.operations.Steps;
import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The read endpoints the GUI needs beyond {@code /status}: both nodes at once, both nodes'
 * snapshots, replication runs, the event history, the lag history and the operation under way.
 */
final class GuiEndpoints {
  private static final PropertyName USED = PropertyName.of("used");
  // Sizes cost one zfs call per snapshot: only the newest are sized.
  private static final int SIZED_SNAPSHOTS = 100;

  private final NodeDaemon daemon;

  GuiEndpoints(NodeDaemon daemon) {
    this.daemon = daemon;
  }

  /** Both nodes as this node sees them. */
  record ClusterView(
      String self,
      String peer,
      boolean peerReachable,
      Long heartbeatAgeSeconds,
      String peerError,
      NodeStatus selfStatus,
      NodeStatus peerStatus) {}

  record SnapshotRow(String name, String guid, long createTxg, String creation, Long usedBytes) {}

  /** One node's snapshots of a service's pool (root dataset), oldest first. */
  record NodeSnapshots(String node, List<SnapshotRow> snapshots, String error) {}

  record SnapshotsView(String service, String activeNode, NodeSnapshots self, NodeSnapshots peer) {}

  record RunRow(
      long id,
      String sourceNode,
      String targetNode,
      String started,
      String finished,
      long seconds,
      long bytes,
      String result,
      String plan,
      String error) {}

  /** The runs as the node that recorded them (the passive) has them. */
  record RunsView(String node, List<RunRow> runs, String error) {}

  record EventRow(
      long id, String at, String kind, String service, String node, String actor, String message) {}

  record LagView(
      String service, String node, long sampleSeconds, List<LagHistory.Sample> samples) {}

  /** The multi-step action under way on the node that runs it, if any. */
  record OperationView(
      String node, boolean running, String action, List<Steps.Step> done, String current) {}

  void register(ApiRoutes routes) {
    routes.get("/cluster", Access.READ, request -> cluster());
    routes.get("/services/{service}/snapshots", Access.READ, this::snapshots);
    routes.get(
        "/internal/services/{service}/snapshots",
        Access.PEER,
        request -> localSnapshots(service(request).pool().value()));
    routes.get("/internal/services/{service}/runs", Access.PEER, this::runs);
    // Runs are recorded by the passive, which pulls: asked of the active, the passive answers.
    routes.get(
        "/services/{service}/runs",
        Access.READ,
        request -> {
          String name = service(request).name().value();
          ServiceRuntime runtime = daemon.service(name).orElseThrow();
          if (!runtime.claim().activeNode().equals(daemon.self().value())) {
            return new RunsView(daemon.self().value(), runs(request), null);
          }
          try {
            RunRow[] rows =
                daemon
                    .peerApi()
                    .get(
                        "/internal/services/"
                            + name
                            + "/runs?limit="
                            + intParam(request, "limit", 50, 1, 1000),
                        RunRow[].class);
            return new RunsView(daemon.peer().value(), List.of(rows), null);
          } catch (ApiCallException e) {
            return new RunsView(daemon.peer().value(), List.of(), e.getMessage());
          }
        });
    routes.get("/events", Access.READ, this::events);
    routes.get(
        "/services/{service}/lag-history",
        Access.READ,
        request -> {
          String name = service(request).name().value();
          return new LagView(
              name,
              daemon.self().value(),
              LagHistory.EVERY.toSeconds(),
              daemon.lagHistory().of(name));
        });
    routes.get("/internal/services/{service}/operation", Access.PEER, this::localOperation);
    routes.get(
        "/services/{service}/operation",
        Access.READ,
        request -> {
          OperationView local = localOperation(request);
          if (local.running()) {
            return local;
          }
          try {
            return daemon
                .peerApi()
                .get(
                    "/internal/services/" + service(request).name().value() + "/operation",
                    OperationView.class);
          } catch (ApiCallException e) {
            return local;
          }
        });
  }

  private ClusterView cluster() {
    Optional<Instant> answer = daemon.peerWatch().lastApiAnswer();
    Long age =
        answer.map(a -> Duration.between(a, daemon.clock().instant()).toSeconds()).orElse(null);
    NodeStatus peer = null;
    String error = null;
    try {
      peer = daemon.peerApi().get("/status", NodeStatus.class);
    } catch (ApiCallException e) {
      error = e.getMessage();
    }
    return new ClusterView(
        daemon.self().value(),
        daemon.peer().value(),
        peer != null,
        age,
        error,
        daemon.status(),
        peer);
  }

  private SnapshotsView snapshots(ApiRequest request) {
    ServiceConfig service = service(request);
    String name = service.name().value();
    ServiceRuntime runtime = daemon.service(name).orElseThrow();
    NodeSnapshots self = localSnapshots(service.pool().value());
    NodeSnapshots peer;
    try {
      peer = daemon.peerApi().get("/internal/services/" + name + "/snapshots", NodeSnapshots.class);
    } catch (ApiCallException e) {
      peer = new NodeSnapshots(daemon.peer().value(), List.of(), e.getMessage());
    }
    return new SnapshotsView(name, runtime.claim().activeNode(), self, peer);
  }

  private NodeSnapshots localSnapshots(String pool) {
    String node = daemon.self().value();
    try {
      List<Snapshot> all =
          daemon
              .localZfs()
              .listSnapshots(io.zferry.snapshot.zfs.DatasetName.of(pool))
              .snapshots()
              .stream()
              .filter(s -> s.dataset().value().equals(pool))
              .toList();
      int sizedFrom = Math.max(0, all.size() - SIZED_SNAPSHOTS);
      List<SnapshotRow> rows =
          java.util.stream.IntStream.range(0, all.size())
              .mapToObj(
                  i -> {
                    Snapshot s = all.get(i);
                    Long used = i >= sizedFrom ? used(s) : null;
                    return new SnapshotRow(
                        s.name().toString(),
                        s.guid().toString(),
                        s.createTxg(),
                        s.creation().toString(),
                        used);
                  })
              .toList();
      return new NodeSnapshots(node, rows, null);
    } catch (RuntimeException e) {
      return new NodeSnapshots(node, List.of(), String.valueOf(e.getMessage()));
    }
  }

  private Long used(Snapshot s) {
    try {
      return daemon
          .localZfs()
          .getSnapshotProperty(s.name(), USED)
          .map(GuiEndpoints::bytes)
          .orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** {@code zfs get -p} prints bytes; zfs-fuse may print 1.5K-style sizes. */
  static Long bytes(String value) {
    String v = value.strip();
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      String units = "BKMGTPE";
      char unit = Character.toUpperCase(v.charAt(v.length() - 1));
      int power = units.indexOf(unit);
      if (power < 0) {
        return null;
      }
      try {
        double number = Double.parseDouble(v.substring(0, v.length() - 1));
        return (long) (number * Math.pow(1024, power));
      } catch (NumberFormatException again) {
        return null;
      }
    }
  }

  private List<RunRow> runs(ApiRequest request) {
    String name = service(request).name().value();
    int limit = intParam(request, "limit", 50, 1, 1000);
    List<ReplicationRun> runs = daemon.store().recentRuns(name, limit);
    return runs.stream()
        .map(
            r ->
                new RunRow(
                    r.id(),
                    r.sourceNode(),
                    r.targetNode(),
                    r.started().toString(),
                    r.finished().toString(),
                    Math.max(0, Duration.between(r.started(), r.finished()).toSeconds()),
                    r.bytes(),
                    r.result().name().toLowerCase(Locale.ROOT),
                    r.plan().orElse(null),
                    r.error().orElse(null)))
        .toList();
  }

  private List<EventRow> events(ApiRequest request) {
    EventFilter filter = EventFilter.latest(intParam(request, "limit", 200, 1, 5000));
    Optional<String> service = request.queryParam("service").filter(s -> !s.isBlank());
    if (service.isPresent()) {
      filter = filter.withService(service(service.get()).name().value());
    }
    Optional<String> kinds = request.queryParam("kind").filter(s -> !s.isBlank());
    if (kinds.isPresent()) {
      Set<EventKind> set = EnumSet.noneOf(EventKind.class);
      for (String k : kinds.get().split(",")) {
        try {
          set.add(EventKind.valueOf(k.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw ApiProblem.badRequest(
              "unknown event kind '" + k.strip() + "'",
              "use one of "
                  + Arrays.stream(EventKind.values())
                      .map(x -> x.name().toLowerCase(Locale.ROOT))
                      .collect(Collectors.joining(", ")));
        }
      }
      filter =
          new EventFilter(filter.service(), set, filter.from(), filter.until(), filter.limit());
    }
    List<Event> events = daemon.store().events(filter);
    return events.stream()
        .map(
            e ->
                new EventRow(
                    e.id(),
                    e.at().toString(),
                    e.kind().name().toLowerCase(Locale.ROOT),
                    e.service(),
                    e.node(),
                    e.actor(),
                    e.message()))
        .toList();
  }

  private OperationView localOperation(ApiRequest request) {
    String name = service(request).name().value();
    Optional<Steps> steps = daemon.service(name).flatMap(ServiceRuntime::currentAction);
    String node = daemon.self().value();
    return steps
        .map(s -> new OperationView(node, true, s.action(), s.done(), s.current()))
        .orElseGet(() -> new OperationView(node, false, null, List.of(), null));
  }

  private static int intParam(ApiRequest request, String name, int fallback, int min, int max) {
    Optional<String> text = request.queryParam(name);
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.get());
      if (value < min || value > max) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw ApiProblem.badRequest(
          "'" + name + "' must be a whole number from " + min + " to " + max,
          "correct the query parameter " + name);
    }
  }

  private ServiceConfig service(ApiRequest request) {
    return service(request.pathParam("service"));
  }

  private ServiceConfig service(String name) {
    return daemon.config().services().stream()
        .filter(s -> s.name().value().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                ApiProblem.notFound(
                    "no service '" + name + "' on this node",
                    "use a service name from `zferry status`"));
  }
}
