package io.zferry.service.failover;

import io.zferry.lockstate.ServiceState;
import io.zferry.service.config.DurationText;
import io.zferry.service.config.FencingPolicy;
import io.zferry.service.failover.PeerView.Answering;
import io.zferry.service.failover.PeerView.PeerServiceState;
import io.zferry.service.failover.PeerView.Silent;
import java.time.Duration;

/**
 * The failover rules of design §5 as a pure function from a {@link Situation} to a {@link
 * Decision}. The caller records any change of owner in the state store before it acts (rule 1);
 * this class only says what the rules allow.
 */
public final class FailoverDecider {
  private FailoverDecider() {}

  public static Decision decide(Situation situation) {
    PeerView peer = situation.peer();
    if (peer instanceof Answering answering) {
      return withPeerAnswering(situation, answering);
    }
    return withPeerSilent(situation, (Silent) peer);
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
    // A lower epoch on the peer is the peer's to correct: it adopts this node's record.
    if (owner) {
      return new Decision.Serve();
    }
    return new Decision.Follow(!local.isLocked() && !theirs.locked());
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
