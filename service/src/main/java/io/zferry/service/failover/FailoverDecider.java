package io.zferry.service.failover;

import io.zferry.lockstate.ServiceState;
import io.zferry.service.config.DurationText;
import io.zferry.service.config.FencingPolicy;
import io.zferry.service.failover.PeerView.Answering;
import io.zferry.service.failover.PeerView.PeerServiceState;
import io.zferry.service.failover.PeerView.Silent;
import io.zferry.service.pacemaker.PacemakerIntent;
import java.time.Duration;
import java.util.Optional;

/**
 * The failover rules of design §5 as a pure function from a {@link Situation} to a {@link
 * Decision}. The caller records any change of owner in the state store before it acts (rule 1);
 * this class only says what the rules allow.
 */
public final class FailoverDecider {
  private FailoverDecider() {}

  public static Decision decide(Situation situation) {
    PeerView peer = situation.peer();
    Decision decision =
        peer instanceof Answering answering
            ? withPeerAnswering(situation, answering)
            : withPeerSilent(situation, (Silent) peer);
    if (situation.pacemaker().isPresent()) {
      decision = underPacemaker(situation, decision, situation.pacemaker().get());
    }
    return withOwnHealth(situation, decision);
  }

  /**
   * {@code cluster.manager: pacemaker}: Pacemaker decides who serves, with its quorum and STONITH.
   * This node serves only where Pacemaker promoted it, and never takes over on its own: a promotion
   * does that ({@code PacemakerPromotion}). What the rules say about records (adopt a newer one,
   * hold on a dispute) still applies, and a promoted owner serves with its peer silent, which
   * Pacemaker promotes only after fencing it.
   */
  private static Decision underPacemaker(
      Situation situation, Decision decision, PacemakerIntent intent) {
    if (decision instanceof Decision.AdoptPeer) {
      return decision;
    }
    ServiceState local = situation.local();
    String self = situation.self();
    if (local.isActive(self)) {
      if (intent != PacemakerIntent.PROMOTED) {
        return new Decision.Hold(
            self
                + " owns the record at epoch "
                + local.epoch()
                + ", but Pacemaker has not promoted it here ("
                + intent.word()
                + "): read-only until it does");
      }
      if (situation.peer() instanceof Silent
          && (decision instanceof Decision.Hold || decision instanceof Decision.Unchanged)) {
        return new Decision.Serve();
      }
      return decision;
    }
    if (decision instanceof Decision.TakeOver takeOver) {
      return new Decision.Hold(
          takeOver.reason()
              + "; Pacemaker decides: it promotes another node once STONITH has fenced "
              + local.activeNode());
    }
    if (decision instanceof Decision.Follow follow) {
      return new Decision.Follow(follow.pull() && intent != PacemakerIntent.STOPPED);
    }
    return decision;
  }

  /**
   * Rule 9 on this node: with its own pool suspended or its ZFS hung, it serves nothing (the VIPs
   * go down so clients stop waiting on it) and takes nothing over; what the rules say otherwise,
   * such as following or adopting a newer record, still applies.
   */
  private static Decision withOwnHealth(Situation situation, Decision decision) {
    Optional<String> failure = situation.ownHealth().failure();
    if (failure.isEmpty()) {
      return decision;
    }
    String self = situation.self();
    boolean owner = situation.local().isActive(self);
    // An owner that holds would still make its pool read-only: a ZFS command that hangs too.
    if (decision instanceof Decision.Serve
        || (owner
            && (decision instanceof Decision.Unchanged || decision instanceof Decision.Hold))) {
      return new Decision.StandAside(
          self
              + " cannot serve: "
              + failure.get()
              + "; its VIPs are down and its hooks stopped until the pool answers again"
              + " (the peer takes over if its fencing policy lets it fence this node)");
    }
    if (decision instanceof Decision.TakeOver takeOver) {
      return new Decision.Hold(
          takeOver.reason() + ", but " + self + " itself cannot serve: " + failure.get());
    }
    return decision;
  }

  private static Decision withPeerAnswering(Situation situation, Answering answering) {
    ServiceState local = situation.local();
    boolean owner = local.isActive(situation.self());
    if (answering.service().isEmpty()) {
      // The peer does not run this service: nobody disputes this node's record.
      return owner ? new Decision.Serve() : new Decision.Follow(!local.isLocked());
    }
    PeerServiceState theirs = answering.service().get();
    if (theirs.epoch() > local.epoch()) {
      return new Decision.AdoptPeer(theirs);
    }
    if (theirs.epoch() == local.epoch() && !theirs.activeNode().equals(local.activeNode())) {
      return new Decision.Hold(
          "both nodes recorded epoch "
              + local.epoch()
              + " with different owners ("
              + local.activeNode()
              + " here, "
              + theirs.activeNode()
              + " on the peer); an operator must choose with `zferry failover "
              + local.service()
              + " --to NODE --force`");
    }
    // A lower epoch on the peer is the peer's to correct: it adopts this node's record. Until it
    // has, a peer whose record names itself the owner may still be serving (forced while this node
    // was off, say): this node serves once the peer's record names it.
    if (owner) {
      if (theirs.epoch() < local.epoch() && !theirs.activeNode().equals(situation.self())) {
        return new Decision.Hold(
            theirs.activeNode()
                + " still names itself the owner at epoch "
                + theirs.epoch()
                + " and may serve until it adopts epoch "
                + local.epoch()
                + " from here; this node serves once it has");
      }
      return new Decision.Serve();
    }
    Optional<String> failing = theirs.health().failure();
    if (theirs.epoch() == local.epoch() && failing.isPresent()) {
      return withActiveFailing(situation, theirs, failing.get());
    }
    return new Decision.Follow(!local.isLocked() && !theirs.locked());
  }

  /**
   * Rule 9 on the passive: the active answers but says its pool is suspended, its ZFS hangs or its
   * control loop is wedged. That is a failure like a dead node, except that the node is alive: it
   * may serve again the moment its pool or its command recovers. A fence makes that impossible
   * ({@code fencing: command}); so does the witness's leader lease, which {@code fencing: ignore}
   * always has (the configuration refuses it without one): the sick node stands aside and renews
   * nothing, its dead man's switch stops it if its loop hangs, and it cannot serve again without
   * the key, which this node takes over only once it holds. With {@code fencing: manual} the
   * operator decides.
   */
  private static Decision withActiveFailing(
      Situation situation, PeerServiceState theirs, String failure) {
    ServiceState local = situation.local();
    String failing = "the active node " + local.activeNode() + " answers, but " + failure;
    String operator =
        "stop zferryd on "
            + local.activeNode()
            + " or power it off, then run `zferry failover "
            + local.service()
            + " --force` here";
    if (local.isLocked() || theirs.locked()) {
      return new Decision.Hold(
          failing
              + ", and the sync is locked, so this node's copy is not current; not taking over");
    }
    FencingPolicy fencing = situation.fencing();
    if (fencing instanceof FencingPolicy.Command) {
      return new Decision.TakeOver(true, failing);
    }
    if (fencing instanceof FencingPolicy.Manual) {
      return new Decision.Hold(failing + "; fencing policy manual: " + operator);
    }
    return new Decision.TakeOver(
        false,
        failing
            + "; it renews no lease while it cannot serve, and serves nothing again without the"
            + " witness's leader key");
  }

  private static Decision withPeerSilent(Situation situation, Silent silent) {
    ServiceState local = situation.local();
    Duration timeout = situation.heartbeatTimeout();
    if (local.isActive(situation.self())) {
      if (silent.seenSinceStart() || situation.operatorConfirmed()) {
        return new Decision.Serve();
      }
      if (silent.apiSilentFor().compareTo(timeout) < 0) {
        return new Decision.Unchanged("the first heartbeat from the peer");
      }
      // Rule 5: the peer may have taken over while this node was down.
      return new Decision.Hold(
          "restarted without reaching the peer for "
              + DurationText.format(silent.apiSilentFor())
              + "; it may have taken over meanwhile, so this node serves nothing until the peer"
              + " answers or an operator runs `zferry failover "
              + local.service()
              + " --force` here");
    }
    if (silent.hostSilentFor().compareTo(timeout) < 0) {
      // The peer machine is up (its sshd answers) and may still serve: never suspected.
      return new Decision.Follow(!local.isLocked());
    }
    String silence =
        "the active node " + local.activeNode() + " is silent for " + since(silent.hostSilentFor());
    if (!silent.seenSinceStart()) {
      return new Decision.Hold(
          silence
              + " and was not reached since this node started; it never takes over on its own"
              + " (an operator can: `zferry failover "
              + local.service()
              + " --force`)");
    }
    if (local.isLocked()) {
      return new Decision.Hold(
          silence
              + ", but the sync is locked, so this node's copy is not current; not taking over");
    }
    if (situation.isolation() == Isolation.ISOLATED) {
      return new Decision.Hold(
          silence + ", but this node reaches none of its ping targets: it is the one cut off");
    }
    FencingPolicy fencing = situation.fencing();
    if (fencing instanceof FencingPolicy.Manual) {
      return new Decision.Hold(
          silence
              + "; fencing policy manual: after making sure it is down, run `zferry failover "
              + local.service()
              + " --force`");
    }
    return new Decision.TakeOver(fencing instanceof FencingPolicy.Command, silence);
  }

  private static String since(Duration duration) {
    // Heartbeat silences are whole seconds or more; milliseconds would only be noise.
    return DurationText.format(Duration.ofSeconds(Math.max(1, duration.toSeconds())));
  }
}
