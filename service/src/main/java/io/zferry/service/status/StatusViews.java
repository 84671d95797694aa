package io.zferry.service.status;

import io.zferry.service.status.HeartbeatView.LockView;
import java.util.List;
import java.util.Optional;

/**
 * The JSON shapes of {@code GET /api/v1/status}: plain values only (instants as ISO-8601 text,
 * absent values as null), so the CLI, the GUI and the peer read them without extra modules.
 */
public final class StatusViews {
  private StatusViews() {}

  /**
   * One node's view of the cluster.
   *
   * @param peer the peer node as this node last heard it; null from a daemon that does not say
   */
  /**
   * @param peer the other node of two; of more, the first listed
   * @param peers every other node (one of two nodes, up to eight under Pacemaker)
   */
  public record NodeStatus(
      String node,
      String cluster,
      String time,
      List<ServiceStatus> services,
      PeerStatus peer,
      List<PeerStatus> peers) {
    public NodeStatus {
      // A status from a zferryd before several passives names one peer.
      peers = peers != null ? List.copyOf(peers) : peer == null ? List.of() : List.of(peer);
    }

    public NodeStatus(
        String node, String cluster, String time, List<ServiceStatus> services, PeerStatus peer) {
      this(node, cluster, time, services, peer, null);
    }

    /** The named service as this node reports it. */
    public Optional<ServiceStatus> service(String name) {
      return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public NodeStatus(String node, String cluster, String time, List<ServiceStatus> services) {
      this(node, cluster, time, services, null);
    }
  }

  /**
   * The peer node as this node's heartbeats see it.
   *
   * @param reachable whether its API answered the last heartbeat in time
   * @param lastAnswer when its API last answered (ISO-8601), null if never since zferryd started
   */
  public record PeerStatus(String name, boolean reachable, String lastAnswer) {}

  /** One service as seen from this node. */
  public record ServiceStatus(
      String name,
      String pool,
      String activeNode,
      String role,
      long epoch,
      boolean syncLocked,
      Long lagSeconds,
      SnapshotView lastAppliedSnapshot,
      SnapshotView lastSnapshot,
      List<String> vips,
      TransferView transfer,
      RunView lastRun,
      String nextSnapshot,
      SettingsView settings,
      String state,
      LockView lock,
      List<String> vipsHeld,
      List<String> vipProblems,
      HookView lastHooks,
      List<String> keptForTransfer,
      List<PassiveView> passives) {
    public ServiceStatus {
      // A status from a zferryd before several passives has none.
      passives = passives == null ? List.of() : List.copyOf(passives);
    }
  }

  /**
   * One passive of a service, as the active sees it (asked of the passive, cached briefly); on a
   * passive the list is empty. The service's lagSeconds is the smallest of them: the data a
   * takeover of the most up-to-date passive would lose.
   *
   * @param answering whether the passive's status answered
   * @param lagSeconds now − creation of the snapshot it applied last; null when unknown
   * @param pullInterval how often it pulls (its own, or the service's), as its status says; null
   *     when it does not answer
   */
  public record PassiveView(
      String node,
      boolean answering,
      Long lagSeconds,
      SnapshotView lastApplied,
      String pullInterval) {}

  /**
   * The last hook phase that ran on this node.
   *
   * @param phase start or stop
   * @param at when its last hook started
   * @param ok whether every hook succeeded
   * @param summary what happened, naming a failing hook
   */
  public record HookView(String phase, String at, boolean ok, String summary) {}

  public record SnapshotView(String name, String guid, String creation) {}

  /** The running transfer; null fields are unknown. */
  public record TransferView(
      String dataset,
      String plan,
      long bytesDone,
      Long totalBytesEstimate,
      double bytesPerSecond,
      Long etaSeconds,
      boolean finished) {}

  public record RunView(
      String started, String finished, long bytes, String result, String summary, String error) {}

  public record SettingsView(
      String snapshotInterval, int retentionCount, String pullInterval, String rollbackWindow) {}
}
