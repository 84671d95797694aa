package io.zferry.service.daemon;

import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;
import io.zferry.service.failover.FollowedPeer;
import io.zferry.service.failover.PeerView;
import io.zferry.service.operations.PacemakerHandover;
import io.zferry.service.operations.PacemakerPromotion;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which other node one service on this node deals with: the peer its control step weighs ({@link
 * FollowedPeer}, chosen anew at every step), and the owner it pulls from. Of two nodes both are
 * always the one peer.
 */
final class PeerRoute {
  private final String service;
  private final String self;
  private final List<PeerChannel> channels;
  private final StateStore store;
  private final Duration heartbeatTimeout;
  private volatile PeerChannel followed;

  PeerRoute(
      String service,
      String self,
      List<PeerChannel> channels,
      StateStore store,
      Duration heartbeatTimeout) {
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("a service needs at least one other node");
    }
    this.service = service;
    this.self = self;
    this.channels = List.copyOf(channels);
    this.store = store;
    this.heartbeatTimeout = heartbeatTimeout;
    this.followed = this.channels.get(0);
  }

  /** Chooses the peer a decision weighs, from the stored record and every peer's view. */
  PeerChannel choose() {
    if (channels.size() == 1) {
      return followed;
    }
    Optional<ServiceState> local = store.serviceState(service);
    if (local.isEmpty()) {
      return followed;
    }
    Map<String, PeerView> views = new LinkedHashMap<>();
    for (PeerChannel channel : channels) {
      views.put(channel.name().value(), channel.watch().view(service, heartbeatTimeout));
    }
    String chosen = FollowedPeer.choose(self, local.get(), views);
    followed = of(chosen).orElse(followed);
    return followed;
  }

  /** The peer the last control step chose. */
  PeerChannel followed() {
    return followed;
  }

  /** The owner of this node's record, if another node owns it: whom this node pulls from. */
  Optional<PeerChannel> owner() {
    return store
        .serviceState(service)
        .filter(s -> !s.isActive(self))
        .flatMap(s -> of(s.activeNode()));
  }

  /** The first other node whose heartbeat says its record of the service is locked. */
  Optional<PeerChannel> locked() {
    return channels.stream()
        .filter(
            c ->
                c.watch().view(service, heartbeatTimeout) instanceof PeerView.Answering a
                    && a.service().map(PeerView.PeerServiceState::locked).orElse(false))
        .findFirst();
  }

  Optional<PeerChannel> of(String node) {
    return channels.stream().filter(c -> c.name().value().equals(node)).findFirst();
  }

  List<PeerChannel> all() {
    return channels;
  }

  /** Each other node's status (cached briefly by its client), or empty when it does not answer. */
  Map<String, Optional<io.zferry.service.status.StatusViews.NodeStatus>> statuses() {
    Map<String, Optional<io.zferry.service.status.StatusViews.NodeStatus>> statuses =
        new LinkedHashMap<>();
    for (PeerChannel channel : channels) {
      statuses.put(channel.name().value(), channel.client().status());
    }
    return statuses;
  }

  /** Whether any other node's API answered since zferryd started. */
  boolean heardSinceStart() {
    return channels.stream().anyMatch(c -> c.watch().lastApiAnswer().isPresent());
  }

  /** Asks every peer now rather than at the next heartbeat. */
  void beatAll() {
    channels.forEach(c -> c.watch().beat());
  }

  /**
   * The owner of the record as a promotion under Pacemaker asks it, resolved at each request: the
   * record may change between the hand-over and the release only through this node.
   */
  PacemakerPromotion.Owner ownerCommands() {
    return new PacemakerPromotion.Owner() {
      @Override
      public PacemakerHandover.Answer handover(String service) {
        PeerChannel owner = ownerOrFollowed();
        // Still asked, never presumed gone: but an owner silent for a heartbeat timeout gets the
        // short connect time-out.
        boolean silent = owner.watch().apiSilentFor().compareTo(heartbeatTimeout) >= 0;
        return (silent ? owner.silentOwner() : owner.owner()).handover(service);
      }

      @Override
      public long release(String service, long epoch, String to, String actor) {
        return ownerOrFollowed().owner().release(service, epoch, to, actor);
      }
    };
  }

  private PeerChannel ownerOrFollowed() {
    return owner().orElse(followed);
  }
}
