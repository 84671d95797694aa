package io.zferry.service.control;

import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.SyncLock;
import io.zferry.service.failover.Isolation;
import io.zferry.service.failover.NodeHealth;
import io.zferry.service.failover.PeerView;
import io.zferry.service.pacemaker.PacemakerIntent;
import java.util.Optional;

/**
 * What {@link ServiceControl} reads and asks for, beside the state store: the daemon implements it
 * over ZFS, hooks, VIPs and the pull loop; the simulation over in-memory nodes.
 */
public interface ControlPorts {
  /** What the heartbeats say about the peer now. */
  PeerView peerView();

  /** The peer's sync lock as its last heartbeat claimed it, to adopt with its record. */
  Optional<SyncLock> peerLock();

  /** Whether this node reaches its ping targets; asked only when the peer is suspected. */
  Isolation isolation();

  /** This node's own pool and control-loop health, as its heartbeat reports it. */
  NodeHealth ownHealth();

  /**
   * What Pacemaker last asked of this node's instance of the service, if Pacemaker decides who
   * serves; empty under zferry's own rules.
   */
  default Optional<PacemakerIntent> pacemakerIntent() {
    return Optional.empty();
  }

  /** Whether this node accepted writes since it last became active (pool writable, hooks done). */
  boolean servedWrites();

  /**
   * Whether this node has more than one peer (under Pacemaker): then it may hear of a newer record
   * from a node outside the takeover, whose record carries no lock.
   */
  default boolean severalPeers() {
    return false;
  }

  /**
   * Runs the fence command against the peer and records the outcome; empty if it succeeded, else
   * what failed.
   */
  Optional<String> fencePeer();

  /**
   * Stops the pull loop and returns only when no cycle can act any more; false if a cycle is still
   * running, in which case nothing may be taken over yet.
   */
  boolean stopPulling();

  /** Discards anything after the newest received snapshot of each dataset. */
  void rollBackToLastApplied();

  /** Converges on serving: writable pool, hooks, VIPs, snapshot rounds. */
  void serve();

  /**
   * Stops serving without a ZFS command (the pool is suspended or ZFS hangs): VIPs down, hooks
   * stopped, no snapshot rounds, no pulls; says so with {@code reason}.
   */
  void standAside(String reason);

  /** Converges on not serving: read-only pool, no VIPs; pulls if {@code pull}. */
  void follow(boolean pull, boolean holding);

  /** The record after a change (for logs): nothing to do in the simulation. */
  default void recorded(ServiceState state, String why) {}
}
