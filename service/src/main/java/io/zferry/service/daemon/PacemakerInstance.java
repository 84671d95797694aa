package io.zferry.service.daemon;

import io.zferry.lockstate.ServiceState;
import io.zferry.lockstate.StateStore;
import io.zferry.service.operations.FinalSnapshot;
import io.zferry.service.operations.OperationException;
import io.zferry.service.operations.PacemakerHandover;
import io.zferry.service.operations.PacemakerPromotion;
import io.zferry.service.pacemaker.IntentFile;
import io.zferry.service.pacemaker.MonitorReport;
import io.zferry.service.pacemaker.PacemakerIntent;
import io.zferry.service.pacemaker.PromotionScore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service's instance of the promotable clone on this node ({@code cluster.manager: pacemaker}):
 * what the resource agent's start, stop, promote and demote do here, and the report its monitor
 * reads after every control step. Called with the service runtime's lock held.
 */
final class PacemakerInstance implements PacemakerPromotion.Local, PacemakerHandover.Local {
  private static final Logger log = LoggerFactory.getLogger(PacemakerInstance.class);

  private final ServiceSide side;
  private final IntentFile intent;
  private final Path directory;
  private final StateStore store;
  private final Function<FinalSnapshot, String> catchUp;
  private final Supplier<String> catchUpFromOtherPassives;
  private final java.util.function.BooleanSupplier heardSinceStart;
  private final Supplier<Optional<Instant>> newestApplied;
  private final Runnable refreshPeerView;
  private final Duration staleAfter;
  private final Clock clock;
  private final PacemakerHandover handover;

  /**
   * @param intent Pacemaker's last word, kept in {@code directory}
   * @param directory where the monitor's report is written ({@code /run/zferry/pacemaker})
   * @param newestApplied the creation time of the newest snapshot this node applied, if any
   */
  PacemakerInstance(
      ServiceSide side,
      IntentFile intent,
      Path directory,
      StateStore store,
      Function<FinalSnapshot, String> catchUp,
      Supplier<String> catchUpFromOtherPassives,
      java.util.function.BooleanSupplier heardSinceStart,
      Supplier<Optional<Instant>> newestApplied,
      Runnable refreshPeerView,
      Duration heartbeatTimeout,
      Clock clock) {
    this.side = side;
    this.directory = directory;
    this.intent = intent;
    this.store = store;
    this.catchUp = catchUp;
    this.catchUpFromOtherPassives = catchUpFromOtherPassives;
    this.heardSinceStart = heardSinceStart;
    this.newestApplied = newestApplied;
    this.refreshPeerView = refreshPeerView;
    this.staleAfter = staleAfter(heartbeatTimeout);
    this.clock = clock;
    this.handover = new PacemakerHandover(this, store);
  }

  /** The agent's start: run unpromoted here (follow the owner). */
  String start() {
    if (intent.intent() == PacemakerIntent.STOPPED) {
      intent.set(PacemakerIntent.STARTED);
    }
    side.settle();
    return self() + " runs " + service() + " (" + intent.intent().word() + ")";
  }

  /** The agent's stop: demoted first if it serves, then neither serve nor pull. */
  String stop() {
    String demoted = side.runningActive() ? handover.demote() + "; " : "";
    intent.set(PacemakerIntent.STOPPED);
    side.settle();
    if (side.runningActive()) {
      throw new OperationException(
          OperationException.Kind.FAILED,
          self() + " still serves " + service() + ": " + side.decision().describe());
    }
    return demoted + self() + " stopped " + service();
  }

  String promote(PacemakerPromotion.Owner owner, String actor) {
    String result = new PacemakerPromotion(this, store).run(owner, actor);
    handover.servingAgain();
    return result;
  }

  String demote() {
    return handover.demote();
  }

  PacemakerHandover.Answer handover() {
    return handover.handover();
  }

  long release(long epoch, String to, String actor) {
    return handover.release(epoch, to, actor);
  }

  /**
   * How long Pacemaker's monitor trusts a report: a few control steps, and never less than the 30 s
   * a step may take on a busy node.
   */
  private static Duration staleAfter(Duration heartbeatTimeout) {
    Duration steps = heartbeatTimeout.multipliedBy(3);
    return steps.compareTo(Duration.ofSeconds(30)) < 0 ? Duration.ofSeconds(30) : steps;
  }

  /** Writes what the agent's monitor reads; after every control step and every action. */
  void report() {
    try {
      monitorReport().writeTo(directory, service());
    } catch (RuntimeException e) {
      log.warn("{}: cannot write the report for Pacemaker's monitor: {}", service(), e.toString());
    }
  }

  MonitorReport monitorReport() {
    PacemakerIntent now = intent.intent();
    ServiceState record = store.serviceState(service()).orElseThrow();
    boolean serving = side.runningActive();
    String reason = side.decision().describe();
    MonitorReport.State state =
        switch (now) {
          case STOPPED -> serving ? MonitorReport.State.FAILED : MonitorReport.State.STOPPED;
          case STARTED -> serving ? MonitorReport.State.FAILED : MonitorReport.State.UNPROMOTED;
          case PROMOTED -> serving ? MonitorReport.State.PROMOTED : MonitorReport.State.FAILED;
        };
    Optional<Duration> lag =
        newestApplied.get().map(created -> Duration.between(created, clock.instant()));
    return new MonitorReport(
        now,
        state,
        PromotionScore.of(
            now, record.isActive(self()), heardSinceStart.getAsBoolean(), record.isLocked(), lag),
        clock.instant(),
        staleAfter,
        reason);
  }

  // PacemakerPromotion.Local and PacemakerHandover.Local

  @Override
  public boolean heardSinceStart() {
    return heardSinceStart.getAsBoolean();
  }

  @Override
  public String catchUpFromOtherPassives() {
    return catchUpFromOtherPassives.get();
  }

  @Override
  public String service() {
    return side.service();
  }

  @Override
  public String self() {
    return side.self();
  }

  @Override
  public void intend(PacemakerIntent next) {
    intent.set(next);
  }

  @Override
  public Optional<String> serveNow() {
    side.settle();
    if (!side.runningActive()) {
      return Optional.of(side.decision().describe());
    }
    return side.startProblem();
  }

  @Override
  public String catchUp(FinalSnapshot last) {
    return catchUp.apply(last);
  }

  @Override
  public boolean stopPulling(Duration wait) {
    return side.stopPulling(wait);
  }

  @Override
  public void rollBackIfPassive(ServiceState before) {
    side.rollBackIfPassive(before);
  }

  @Override
  public void refreshPeerView() {
    refreshPeerView.run();
  }

  @Override
  public boolean serving() {
    return side.runningActive();
  }

  @Override
  public String runStopHooks() {
    return side.runStopHooks();
  }

  @Override
  public void stopWrites() {
    side.stopWrites();
  }

  @Override
  public FinalSnapshot finalSnapshot() {
    return side.finalSnapshot();
  }

  @Override
  public void settle() {
    side.settle();
  }

  @Override
  public void followNewOwner() {
    side.settle();
  }
}
