package io.zferry.service.operations;

import io.zferry.lockstate.StateStore;
import java.util.Optional;

/**
 * The passive's part of a switchover after the old active recorded it as owner: adopt that record,
 * start as active (hooks, VIPs), and answer. A node that cannot start gives the service back before
 * it answers: it records the old active as owner at the next epoch, exactly what the old active
 * records when it takes the service back, and stops serving. So the two records agree whether or
 * not its answer arrives, and it never serves beside the old active in the meantime.
 */
public final class Promotion {
  /** What promoting asks of this node; the service runtime implements it. */
  public interface Local {
    String service();

    String self();

    /** The old active. */
    String peer();

    /** Serve now, confirmed by the operator's switchover. */
    void serve();

    /** Why the service did not start (pool not mounted, start hooks failed), if it did not. */
    Optional<String> startProblem();

    /** Stop serving: read-only, no VIPs, no pull; {@code reason} for the status. */
    void stepBack(String reason);
  }

  private Promotion() {}

  public static String run(Local local, StateStore store, long epoch, String actor) {
    String service = local.service();
    store.adoptPeerState(service, local.self(), epoch, Optional.empty(), actor);
    local.serve();
    Optional<String> problem = local.startProblem();
    if (problem.isEmpty()) {
      return local.self() + " is active at epoch " + epoch;
    }
    String reason =
        problem.get() + "; " + local.self() + " gives " + service + " back to " + local.peer();
    try {
      store.changeOwner(service, epoch, local.peer(), actor, reason, false);
    } catch (RuntimeException e) {
      // The record moved on meanwhile (the old active took the service back first): it already
      // names the old active, or the failover rules settle it from the peer's newer record.
    }
    local.stepBack(reason);
    throw new OperationException(OperationException.Kind.FAILED, problem.get());
  }
}
