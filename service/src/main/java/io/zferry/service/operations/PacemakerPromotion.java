package io.zferry.service.operations;

import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;
import io.zferry.service.config.DurationText;
import io.zferry.service.pacemaker.PacemakerIntent;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pacemaker's promote on this node ({@code cluster.manager: pacemaker}), with zferry's rules:
 *
 * <ul>
 *   <li>this node owns the record (it was demoted, or the whole cluster restarted): it serves;
 *   <li>the owner answers and no longer serves (Pacemaker demoted it): this node pulls the owner's
 *       final snapshot on every dataset, has the owner release the record to it (epoch+1) and
 *       serves. Nothing is lost and nothing is locked;
 *   <li>the owner answers and still serves: refused, never two actives (I1);
 *   <li>the owner does not answer: Pacemaker promotes only after its STONITH fenced a failed owner
 *       (or after the owner's stop succeeded), so this node takes over with its own copy, and the
 *       sync is locked until an operator has looked (divergence, mark-sync-as-fixed), as after
 *       zferry's own automatic failover.
 * </ul>
 */
public final class PacemakerPromotion {
  private static final Logger log = LoggerFactory.getLogger(PacemakerPromotion.class);

  /** As for a forced takeover: a cycle stuck on the dead owner ends by then. */
  static final Duration WAIT_FOR_CANCELLED_PULL = ForceActive.WAIT_FOR_CANCELLED_PULL;

  /** What promoting asks of this node; the service runtime implements it. */
  public interface Local {
    String service();

    String self();

    /** Records Pacemaker's word before anything else is done. */
    void intend(PacemakerIntent intent);

    /**
     * One control step with the recorded intent, which serves if the rules allow; empty if the
     * service runs as active now, otherwise why not.
     */
    Optional<String> serveNow();

    /** Pulls until the final snapshot is applied on every dataset; throws if it cannot. */
    String catchUp(FinalSnapshot last);

    /**
     * Whether another node answered since zferryd started: until then this node's record may be
     * stale (read after a reboot, while another node took the service over).
     */
    boolean heardSinceStart();

    /**
     * Before a takeover, with pulling stopped: pulls from every other passive that applied a
     * snapshot this node lacks (of several passives, one may be further along); what it did.
     */
    String catchUpFromOtherPassives();

    /** Stops pulling; false if a cancelled cycle still runs after {@code wait}. */
    boolean stopPulling(Duration wait);

    /** Discards what a passive holds after its last applied snapshot, if {@code before} allows. */
    void rollBackIfPassive(ServiceState before);

    /**
     * Asks the peers for their records now: the old owner's last heartbeat, up to an interval old,
     * still names it the owner at the old epoch, and the rules would hold rather than serve beside
     * a node that may still serve.
     */
    void refreshPeerView();
  }

  /** What promoting asks of the owner, over its API. */
  public interface Owner {
    /** Throws {@link OperationException} of kind UNANSWERED when the owner does not answer. */
    PacemakerHandover.Answer handover(String service);

    /** The owner records this node as owner at {@code epoch}+1; returns the new epoch. */
    long release(String service, long epoch, String to, String actor);
  }

  private final Local local;
  private final StateStore store;

  public PacemakerPromotion(Local local, StateStore store) {
    this.local = local;
    this.store = store;
  }

  /** Returns a sentence for Pacemaker's log; throws {@link OperationException} when it fails. */
  public String run(Owner owner, String actor) {
    ServiceState record = store.serviceState(local.service()).orElseThrow();
    if (record.isActive(local.self())) {
      if (!local.heardSinceStart()) {
        throw new OperationException(
            OperationException.Kind.CONFLICT,
            local.self()
                + "'s record names it the owner of "
                + local.service()
                + ", but no other node has answered since zferryd started: another may have"
                + " taken it over meanwhile; it serves once a peer confirms its record");
      }
      return serve(record, actor);
    }
    PacemakerHandover.Answer answer;
    try {
      answer = owner.handover(local.service());
    } catch (OperationException e) {
      if (e.kind() != OperationException.Kind.UNANSWERED) {
        throw e;
      }
      return takeOver(record, e.getMessage(), actor);
    }
    if (answer.epoch() > record.epoch()) {
      // Its record is newer (an earlier promotion released it to this node, say): adopt it first.
      store.adoptPeerState(
          local.service(), answer.owner(), answer.epoch(), Optional.empty(), actor);
      ServiceState adopted = store.serviceState(local.service()).orElseThrow();
      if (adopted.isActive(local.self())) {
        return serve(adopted, actor);
      }
      record = adopted;
    }
    if (answer.serving()) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          record.activeNode()
              + " still serves "
              + local.service()
              + "; Pacemaker must demote it before it promotes "
              + local.self());
    }
    if (answer.epoch() != record.epoch()
        || !answer.owner().equals(record.activeNode())
        || answer.finalSnapshot().isEmpty()) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          local.self()
              + " records "
              + record.activeNode()
              + " as owner of "
              + local.service()
              + " at epoch "
              + record.epoch()
              + ", "
              + record.activeNode()
              + " records "
              + answer.owner()
              + " at epoch "
              + answer.epoch()
              + "; the records settle at the next heartbeat, then Pacemaker may promote again");
    }
    if (record.isLocked()) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          "the sync of "
              + local.service()
              + " is locked, so "
              + local.self()
              + "'s copy is not current and it cannot catch up from "
              + record.activeNode()
              + "; see `zferry divergence "
              + local.service()
              + "`, then mark-sync-as-fixed");
    }
    local.catchUp(answer.finalSnapshot().get());
    long epoch = owner.release(local.service(), record.epoch(), local.self(), actor);
    store.adoptPeerState(local.service(), local.self(), epoch, Optional.empty(), actor);
    local.refreshPeerView();
    ServiceState mine = store.serviceState(local.service()).orElseThrow();
    return serve(mine, actor)
        + " after "
        + record.activeNode()
        + "'s final snapshot "
        + answer.finalSnapshot().get().name();
  }

  private String takeOver(ServiceState record, String why, String actor) {
    if (!local.stopPulling(WAIT_FOR_CANCELLED_PULL)) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          "a cancelled pull cycle of "
              + local.service()
              + " is still running on "
              + local.self()
              + " after "
              + DurationText.format(WAIT_FOR_CANCELLED_PULL)
              + "; not promoting until it ends");
    }
    // The newest copy any survivor holds: what is lost is then only what the owner alone had.
    String others = local.catchUpFromOtherPassives();
    log.info("{}: before taking over: {}", local.service(), others);
    String reason =
        "Pacemaker promoted "
            + local.self()
            + " while the owner did not answer ("
            + why
            + "); Pacemaker fenced or stopped it first, and what it accepted after the last"
            + " snapshot here may exist only there";
    ServiceState owned =
        store.changeOwner(local.service(), record.epoch(), local.self(), actor, reason, true);
    log.warn(
        "{}: {} took over at epoch {} ({}); sync is locked until an operator runs"
            + " mark-sync-as-fixed",
        local.service(),
        local.self(),
        owned.epoch(),
        reason);
    local.rollBackIfPassive(record);
    return serve(owned, actor) + "; " + others + "; sync locked until mark-sync-as-fixed";
  }

  private String serve(ServiceState owned, String actor) {
    local.intend(PacemakerIntent.PROMOTED);
    Optional<String> problem = local.serveNow();
    if (problem.isPresent()) {
      // The rules may hold on a peer's claim older than this promotion: ask once more, fresh.
      local.refreshPeerView();
      problem = local.serveNow();
    }
    if (problem.isPresent()) {
      // Unpromoted again: Pacemaker sees the failure and recovers (elsewhere, or here again).
      local.intend(PacemakerIntent.STARTED);
      throw new OperationException(
          OperationException.Kind.FAILED,
          local.self() + " cannot serve " + local.service() + ": " + problem.get());
    }
    return local.self()
        + " serves "
        + local.service()
        + " at epoch "
        + owned.epoch()
        + " (promoted by "
        + actor
        + ")";
  }
}
