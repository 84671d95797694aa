package io.zferry.service.daemon;

import io.zferry.service.operations.PacemakerHandover;
import io.zferry.service.operations.PacemakerPromotion;
import io.zferry.service.pacemaker.MonitorReport;
import java.util.function.Supplier;

/**
 * What the API asks of a service's instance under Pacemaker, each call serialised with the
 * service's control loop (a control step never acts on a half-done promotion) and the monitor's
 * report written at once after it, not at the next control step.
 */
public final class PacemakerActions {
  /** Runs an action holding the service's control loop. */
  interface Serialised {
    <T> T run(Supplier<T> action);
  }

  private final PacemakerInstance instance;
  private final Serialised serialised;

  PacemakerActions(PacemakerInstance instance, Serialised serialised) {
    this.instance = instance;
    this.serialised = serialised;
  }

  /** The agent's start; see {@link PacemakerInstance}. */
  public String start() {
    return reported(instance::start);
  }

  public String stop() {
    return reported(instance::stop);
  }

  /**
   * The agent's promote: see {@link PacemakerPromotion}. No heartbeat round after it, unlike a
   * switchover's promotion: the old owner released the record itself, or it was fenced, and a round
   * against a dead node waits out its time-outs.
   */
  public String promote(PacemakerPromotion.Owner owner, String actor) {
    return reported(() -> instance.promote(owner, actor));
  }

  /** The agent's demote: see {@link PacemakerHandover}. */
  public String demote() {
    return reported(instance::demote);
  }

  /** The owner's answer to the node Pacemaker promotes next. */
  public PacemakerHandover.Answer handover() {
    return serialised.run(instance::handover);
  }

  /** The owner releases the record to the node Pacemaker promotes. */
  public long release(long epoch, String to, String actor) {
    return serialised.run(() -> instance.release(epoch, to, actor));
  }

  /** What Pacemaker's monitor reads, now. */
  public MonitorReport report() {
    return serialised.run(instance::monitorReport);
  }

  private String reported(Supplier<String> action) {
    return serialised.run(
        () -> {
          String result = action.get();
          instance.report();
          return result;
        });
  }
}
