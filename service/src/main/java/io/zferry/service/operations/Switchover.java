package io.zferry.service.operations;

import io.zferry.lockstate.EventKind;
import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A switchover from this node (the active) to its peer, losing nothing (design §5 rule 6): VIPs
 * down, stop hooks, no more writes, final snapshot, the peer pulls it, the witness's leader key is
 * handed to the peer (if the cluster has a witness), roles swap (epoch+1 on both), the peer starts
 * and raises the VIPs, this node pulls from it.
 *
 * <p>What happens on a failure depends on what is known (rule 7):
 *
 * <ul>
 *   <li>before the owner record changed: this node is restored as active (if the hand-over of the
 *       leader key was refused or unanswered, it serves again only once the witness grants it the
 *       key again, which a handed-over key delays by at most one lease TTL);
 *   <li>the owner record could not be written: read back; if it is unchanged this node is restored,
 *       otherwise it serves nothing and the failover rules take it from there;
 *   <li>the peer answered that it could not start: it has stepped back, so the service is taken
 *       back (epoch+2);
 *   <li>the peer's answer was lost (a reset, a time-out): it may be serving, so this node never
 *       serves again on its own; it holds, read-only, until the peer's heartbeat says who owns the
 *       service, or until the failover rules (fencing, sync lock) let it take over.
 * </ul>
 */
public final class Switchover {
  /** What the switchover asks of this node; the service runtime implements it. */
  public interface Local {
    String service();

    String self();

    void vipsDown();

    /** Runs the stop hooks; throws if one failed. */
    String runStopHooks();

    /** Stops snapshot rounds and makes the pool read-only; throws if it could not. */
    void stopWrites();

    /** Takes the final snapshot and reads its GUID on every dataset of the service. */
    FinalSnapshot finalSnapshot();

    /** Whether the cluster has a witness, whose leader key a switchover hands over. */
    boolean hasWitness();

    /**
     * Hands the witness's leader key to {@code to} (compare leader == this node, put {@code to});
     * throws if the witness refused or did not answer.
     */
    void handOverLease(String to);

    /** Serves again as before the switchover. */
    void restoreActive();

    /** Gave the service away: passive, no pull until the peer confirmed. */
    void stepDown();

    /** The peer started the service: pull from it. */
    void followPeer();

    /** The outcome is unknown: serve nothing, pull nothing, say why in the status. */
    void holdUnresolved(String reason);
  }

  private final Local local;
  private final StateStore store;
  private final Clock clock;
  private final Consumer<Steps> started;

  public Switchover(Local local, StateStore store, Clock clock, Consumer<Steps> started) {
    this.local = local;
    this.store = store;
    this.clock = clock;
    this.started = started;
  }

  public ActionReport run(ServiceState before, String to, String actor, PeerCommands peer) {
    String self = local.self();
    Steps steps = new Steps("switchover of " + local.service() + " to " + to, clock, s -> {});
    started.accept(steps);
    event(actor + " started a switchover to " + to);
    try {
      steps.run("VIPs down", local::vipsDown);
      steps.run("stop hooks", local::runStopHooks);
      steps.run("stop writes and snapshots", local::stopWrites);
      FinalSnapshot last = steps.run("final snapshot", local::finalSnapshot);
      steps.run(
          to + " pulls the final snapshot and holds it on every dataset",
          () -> peer.catchUp(local.service(), last));
      if (local.hasWitness()) {
        steps.run("hand the witness's leader key to " + to, () -> local.handOverLease(to));
      }
    } catch (RuntimeException e) {
      steps.run("restore " + self + " as active", local::restoreActive);
      return report(steps, false, "switchover failed at a step; " + self + " is active");
    }
    ServiceState swapped;
    try {
      swapped =
          steps.run(
              "record " + to + " as owner",
              () ->
                  store.changeOwner(
                      local.service(), before.epoch(), to, actor, "switchover to " + to, false));
    } catch (RuntimeException e) {
      return ownerNotRecorded(steps, before, to);
    }
    local.stepDown();
    try {
      steps.run(
          to + " starts the service", () -> peer.promote(local.service(), swapped.epoch(), actor));
    } catch (OperationException e) {
      if (e.kind() == OperationException.Kind.UNANSWERED) {
        return promoteUnanswered(steps, swapped, to, e);
      }
      return takeBack(steps, swapped, to, actor, e);
    } catch (RuntimeException e) {
      return promoteUnanswered(steps, swapped, to, e);
    }
    local.followPeer();
    ActionReport report = report(steps, true, "switchover to " + to + " done");
    store.recordEvent(
        EventKind.ROLE_CHANGE,
        local.service(),
        self,
        StateStore.SYSTEM_ACTOR,
        report.summary() + " in " + report.millis() + " ms");
    return report;
  }

  /** The store refused the swap: what it holds now decides whether this node may serve again. */
  private ActionReport ownerNotRecorded(Steps steps, ServiceState before, String to) {
    String self = local.self();
    Optional<ServiceState> now;
    try {
      now = store.serviceState(local.service());
    } catch (RuntimeException e) {
      now = Optional.empty();
    }
    if (now.isPresent() && now.get().epoch() == before.epoch() && now.get().isActive(self)) {
      steps.run("restore " + self + " as active", local::restoreActive);
      return report(
          steps,
          false,
          "switchover failed: the owner record could not be written; " + self + " is active");
    }
    String reason =
        "the switchover to "
            + to
            + " could not confirm the owner record ("
            + now.map(s -> "owner " + s.activeNode() + " at epoch " + s.epoch())
                .orElse("the state store cannot be read")
            + "); "
            + self
            + " serves nothing until the record and the peer agree";
    steps.run("hold " + self, () -> local.holdUnresolved(reason));
    return report(steps, false, reason);
  }

  /** The peer said it could not start, and stepped back before saying so. */
  private ActionReport takeBack(
      Steps steps, ServiceState swapped, String to, String actor, RuntimeException e) {
    String self = local.self();
    steps.run(
        "take the service back",
        () -> {
          store.changeOwner(
              local.service(),
              swapped.epoch(),
              self,
              actor,
              "switchover to " + to + " failed: " + e.getMessage(),
              false);
          local.restoreActive();
        });
    return report(steps, false, to + " could not start the service; " + self + " is active again");
  }

  /**
   * The peer may have started: taking the service back now could make two actives. The record
   * already names the peer, which adopts it when it sees it; this node holds until it knows.
   */
  private ActionReport promoteUnanswered(
      Steps steps, ServiceState swapped, String to, RuntimeException e) {
    String self = local.self();
    String reason =
        "the answer of "
            + to
            + " to starting the service was lost ("
            + e.getMessage()
            + "); the record names "
            + to
            + " owner at epoch "
            + swapped.epoch()
            + ", so "
            + self
            + " serves nothing until "
            + to
            + " answers (or the failover rules let it take over)";
    steps.run("hold " + self + " until " + to + " answers", () -> local.holdUnresolved(reason));
    return report(steps, false, reason);
  }

  private ActionReport report(Steps steps, boolean ok, String summary) {
    ActionReport report =
        new ActionReport(steps.action(), ok, steps.elapsed().toMillis(), steps.done(), summary);
    if (!ok) {
      event(summary);
    }
    return report;
  }

  private void event(String message) {
    store.recordEvent(
        EventKind.OPERATOR_ACTION, local.service(), local.self(), StateStore.SYSTEM_ACTOR, message);
  }
}
