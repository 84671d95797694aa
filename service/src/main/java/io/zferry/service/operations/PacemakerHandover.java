package io.zferry.service.operations;

import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;
import io.zferry.service.pacemaker.PacemakerIntent;
import java.util.Optional;

/**
 * The owner's half of a move under Pacemaker ({@code cluster.manager: pacemaker}). Pacemaker
 * demotes the owner before it promotes another node: the demotion stops writes and takes a final
 * snapshot, and the owner stays the owner of the record, read-only, so that every passive can still
 * pull that snapshot from it. The node Pacemaker promotes next asks for the hand-over (the final
 * snapshot, or a refusal while this node still serves), pulls it, and asks this node to release the
 * record to it (epoch+1), which it then adopts ({@link PacemakerPromotion}).
 */
public final class PacemakerHandover {
  /** What the hand-over asks of this node; the service runtime implements it. */
  public interface Local {
    String service();

    String self();

    /** Records Pacemaker's word before anything else is done. */
    void intend(PacemakerIntent intent);

    /** Whether the service runs as active here now. */
    boolean serving();

    /** Runs the stop hooks; throws if one failed. */
    String runStopHooks();

    /** Stops snapshot rounds and makes the pool read-only; throws if it could not. */
    void stopWrites();

    /** Takes a snapshot of every dataset of the service and reads their GUIDs. */
    FinalSnapshot finalSnapshot();

    /** One control step with the intent as recorded; the demoted owner holds read-only. */
    void settle();

    /** The record names another owner now: follow it. */
    void followNewOwner();
  }

  /**
   * The owner's answer to a hand-over request.
   *
   * @param owner the owner this node's record names
   * @param epoch the record's epoch
   * @param serving whether this node serves now (then nothing may be handed over)
   * @param finalSnapshot the snapshot taken when writes stopped; empty while serving or when this
   *     node is not the owner
   */
  public record Answer(
      String owner, long epoch, boolean serving, Optional<FinalSnapshot> finalSnapshot) {}

  private final Local local;
  private final StateStore store;
  private volatile Optional<FinalSnapshot> sinceWritesStopped = Optional.empty();

  public PacemakerHandover(Local local, StateStore store) {
    this.local = local;
    this.store = store;
  }

  /**
   * Pacemaker's demote: stop hooks, no more writes, a final snapshot; the record is left as it is.
   * A stop hook that fails still leaves the pool read-only, and the demotion fails, so that
   * Pacemaker escalates (stop, then STONITH) rather than believing the service stopped cleanly.
   */
  public String demote() {
    local.intend(PacemakerIntent.STARTED);
    if (!local.serving()) {
      local.settle();
      return local.self() + " does not serve " + local.service() + "; nothing to demote";
    }
    RuntimeException hooksFailed = null;
    try {
      local.runStopHooks();
    } catch (RuntimeException e) {
      hooksFailed = e;
    }
    local.stopWrites();
    FinalSnapshot last = local.finalSnapshot();
    sinceWritesStopped = Optional.of(last);
    local.settle();
    if (hooksFailed != null) {
      throw new OperationException(
          OperationException.Kind.FAILED,
          "stop hooks failed on "
              + local.self()
              + " ("
              + hooksFailed.getMessage()
              + "); the pool is read-only and its final snapshot is "
              + last.name());
    }
    return local.self() + " demoted; final snapshot " + last.name();
  }

  /**
   * What the node about to be promoted needs: whether this node still serves and, if it owns the
   * record and does not, the snapshot that holds its last write. An owner that did not serve since
   * it started (a whole cluster restarted) takes that snapshot now: its pool is read-only, so the
   * snapshot holds everything it ever accepted.
   */
  public synchronized Answer handover() {
    ServiceState record = store.serviceState(local.service()).orElseThrow();
    boolean serving = local.serving();
    if (!record.isActive(local.self()) || serving) {
      return new Answer(record.activeNode(), record.epoch(), serving, Optional.empty());
    }
    if (sinceWritesStopped.isEmpty()) {
      local.stopWrites();
      sinceWritesStopped = Optional.of(local.finalSnapshot());
    }
    return new Answer(record.activeNode(), record.epoch(), false, sinceWritesStopped);
  }

  /**
   * Gives the record to {@code to} at {@code epoch}+1 once it holds the final snapshot. Asked again
   * after a lost answer, it answers the same.
   *
   * @return the new epoch
   */
  public synchronized long release(long epoch, String to, String actor) {
    ServiceState record = store.serviceState(local.service()).orElseThrow();
    if (record.epoch() == epoch + 1 && record.isActive(to)) {
      return record.epoch();
    }
    if (record.epoch() != epoch || !record.isActive(local.self())) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          local.self()
              + " cannot release "
              + local.service()
              + " at epoch "
              + epoch
              + ": its record names "
              + record.activeNode()
              + " at epoch "
              + record.epoch());
    }
    if (local.serving()) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          local.self() + " still serves " + local.service() + "; Pacemaker demotes it first");
    }
    ServiceState released =
        store.changeOwner(
            local.service(),
            epoch,
            to,
            actor,
            "Pacemaker promoted " + to + " after a hand-over",
            false);
    sinceWritesStopped = Optional.empty();
    local.followNewOwner();
    return released.epoch();
  }

  /** Serving again (promoted here once more): the final snapshot no longer holds the last write. */
  public void servingAgain() {
    sinceWritesStopped = Optional.empty();
  }
}
