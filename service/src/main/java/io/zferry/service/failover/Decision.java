package io.zferry.service.failover;

import java.util.Objects;

/**
 * What a node does with a service now. The daemon converges on the decision each heartbeat; acting
 * on one twice changes nothing.
 */
public sealed interface Decision
    permits Decision.Serve,
        Decision.Follow,
        Decision.AdoptPeer,
        Decision.TakeOver,
        Decision.Hold,
        Decision.StandAside,
        Decision.Unchanged {

  /** Short text for logs and the status. */
  String describe();

  /** This node owns the service and may serve it: writable pool, hooks run, VIPs up, snapshots. */
  record Serve() implements Decision {
    @Override
    public String describe() {
      return "active";
    }
  }

  /**
   * The peer owns the service: pool read-only, no VIPs, pulling unless the sync is locked.
   *
   * @param pull false while the sync lock is set on either node
   */
  record Follow(boolean pull) implements Decision {
    @Override
    public String describe() {
      return pull ? "passive" : "passive, sync locked";
    }
  }

  /**
   * The peer's record is newer (higher epoch): record it here first, then decide again.
   *
   * @param peer the peer's record to adopt
   */
  record AdoptPeer(PeerView.PeerServiceState peer) implements Decision {
    public AdoptPeer {
      Objects.requireNonNull(peer, "peer");
    }

    @Override
    public String describe() {
      return "adopting the peer's epoch " + peer.epoch();
    }
  }

  /**
   * The active peer is gone and the policy allows taking over.
   *
   * @param fenceFirst whether the fence command must succeed first
   * @param reason why, for the event history
   */
  record TakeOver(boolean fenceFirst, String reason) implements Decision {
    public TakeOver {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String describe() {
      return "taking over: " + reason;
    }
  }

  /**
   * Serve nothing and pull nothing: pool read-only, no VIPs, until the situation changes or an
   * operator decides.
   *
   * @param reason what is being waited for and what an operator can do, shown in the status
   */
  record Hold(String reason) implements Decision {
    public Hold {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String describe() {
      return "holding: " + reason;
    }
  }

  /**
   * This node owns the service but cannot serve it: its pool is suspended, or ZFS hangs (design §5
   * rule 9). The VIPs go down and the hooks stop, but no ZFS command is run (it would hang too) and
   * the record stays as it is: the node serves again when its pool recovers, unless the peer has
   * fenced it and taken over meanwhile.
   *
   * @param reason what is wrong, shown in the status and the event history
   */
  record StandAside(String reason) implements Decision {
    public StandAside {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String describe() {
      return "standing aside: " + reason;
    }
  }

  /**
   * Too early to tell: keep whatever is in place. A daemon that restarted while its node served
   * must not drop the VIPs before its first heartbeat had a chance to reach the peer.
   *
   * @param reason what is awaited
   */
  record Unchanged(String reason) implements Decision {
    public Unchanged {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String describe() {
      return "waiting: " + reason;
    }
  }
}
