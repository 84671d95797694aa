package io.zferry.service.operations;

import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;
import io.zferry.service.config.DurationText;
import io.zferry.service.control.ForceRule;
import io.zferry.service.failover.PeerView;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code zferry failover SERVICE --force} on this node: become active without the peer's consent,
 * for when the operator knows the peer is down (manual policy, or a node restarted alone). The sync
 * is locked, as after an automatic failover: the peer may hold writes this node lacks. With a
 * witness, this node must acquire the lease first: the witness, not the operator's view of the
 * peer, says whether the peer still serves.
 */
public final class ForceActive {
  private static final Logger log = LoggerFactory.getLogger(ForceActive.class);

  /**
   * Longer than an SSH connect time-out plus the missed keep-alives that declare a peer gone
   * (SshSettings), so a cycle stuck on the dead peer has ended by then.
   */
  static final Duration WAIT_FOR_CANCELLED_PULL = Duration.ofMinutes(2);

  /** What forcing asks of this node; the service runtime implements it. */
  public interface Local {
    String service();

    String self();

    String peer();

    /** What this node knows of its peer now. */
    PeerView peerView();

    /**
     * Stops pulling and waits up to {@code wait} for a cancelled cycle to end; false if it still
     * runs (it could still unmount or set properties on the pool).
     */
    boolean stopPulling(Duration wait);

    /**
     * Acquires the witness's leader key for this node; empty if it holds it now or the cluster has
     * no witness, otherwise why not.
     */
    Optional<String> acquireLease();

    /**
     * Serve now as the forced owner, rolling back to the last applied snapshot only a passive whose
     * record {@code before} allows it; empty if serving, otherwise why it still holds (the control
     * step serves once it may, e.g. through the witness's lease).
     */
    Optional<String> serveForced(ServiceState before);
  }

  private final Local local;
  private final StateStore store;

  public ForceActive(Local local, StateStore store) {
    this.local = local;
    this.store = store;
  }

  /** Returns a sentence for the operator; throws {@link OperationException} when refused. */
  public String run(String actor) {
    String service = local.service();
    PeerView peer = local.peerView();
    ServiceState record = store.serviceState(service).orElseThrow();
    Optional<String> refusal = ForceRule.refusal(local.self(), local.peer(), record, peer);
    if (refusal.isPresent()) {
      throw new OperationException(OperationException.Kind.CONFLICT, refusal.get());
    }
    // The operator forces because the peer is gone, so a pull cycle may still be waiting on it:
    // it ends once its SSH connection times out, and nothing is taken over before it has.
    if (!local.stopPulling(WAIT_FOR_CANCELLED_PULL)) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          "a cancelled pull cycle of "
              + service
              + " is still running on "
              + local.self()
              + " after "
              + DurationText.format(WAIT_FOR_CANCELLED_PULL)
              + " (a hung zfs or ssh?); see its log, then try again");
    }
    // With a witness the operator's word is not enough: the peer may be cut off from this node
    // only, still serving and holding the lease. Forcing then would make two actives (design §5
    // rule 8); once its lease expires unrenewed, forcing succeeds.
    Optional<String> noLease = local.acquireLease();
    if (noLease.isPresent()) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          "forcing "
              + service
              + " on "
              + local.self()
              + " is refused: "
              + noLease.get()
              + "; "
              + local.peer()
              + " may still serve, so try again once its lease has expired");
    }
    ServiceState owned =
        store.changeOwner(
            service,
            record.epoch(),
            local.self(),
            actor,
            "forced by "
                + actor
                + (peer instanceof PeerView.Answering
                    ? " to settle equal epochs with different owners"
                    : " while " + local.peer() + " did not answer"),
            true);
    // The journal says it too: the operator who forced may not be the one who reads the log.
    log.warn(
        "{}: {} made active at epoch {} by {} ({}); sync is locked until an operator runs"
            + " mark-sync-as-fixed",
        service,
        local.self(),
        owned.epoch(),
        actor,
        peer instanceof PeerView.Answering
            ? "equal epochs with different owners"
            : local.peer() + " did not answer");
    Optional<String> waiting = local.serveForced(record);
    if (waiting.isPresent()) {
      return local.self()
          + " owns "
          + service
          + " at epoch "
          + owned.epoch()
          + " (sync locked), and serves once it may: "
          + waiting.get();
    }
    return local.self()
        + " is active for "
        + service
        + " at epoch "
        + owned.epoch()
        + "; sync is locked";
  }
}
