package io.zferry.service.daemon;

import io.zferry.lockstate.ServiceState;
import io.zferry.service.actions.HookRunner;
import io.zferry.service.control.ForceRule;
import io.zferry.service.control.ServiceControl;
import io.zferry.service.failover.Decision;
import io.zferry.service.failover.PeerView;
import io.zferry.service.operations.FinalSnapshot;
import io.zferry.service.operations.ForceActive;
import io.zferry.service.operations.OperationException;
import io.zferry.service.operations.Promotion;
import io.zferry.service.operations.Resync;
import io.zferry.service.operations.Switchover;
import io.zferry.sync.pull.PullReport;
import io.zferry.sync.pull.Puller;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * This node's part in the operator actions, over the parts that run the service here: the
 * operations ({@link Switchover}, {@link Promotion}, {@link ForceActive}, {@link Resync}) decide
 * the order, this says what each step does on this node. Called with the runtime's lock held, so
 * the control loop never acts on a half-done step.
 */
final class ServiceSide
    implements Switchover.Local, Promotion.Local, ForceActive.Local, Resync.Local {
  private final String service;
  private final String self;
  private final Supplier<String> peer;
  private final String pool;
  private final ActiveDuties active;
  private final ServiceExecutor executor;
  private final PullLoop pullLoop;
  private final ServiceControl control;
  private final Supplier<PeerView> peerView;
  private final boolean witnessed;

  ServiceSide(
      String service,
      String self,
      Supplier<String> peer,
      String pool,
      ActiveDuties active,
      ServiceExecutor executor,
      PullLoop pullLoop,
      ServiceControl control,
      Supplier<PeerView> peerView,
      boolean witnessed) {
    this.service = service;
    this.self = self;
    this.peer = peer;
    this.pool = pool;
    this.active = active;
    this.executor = executor;
    this.pullLoop = pullLoop;
    this.control = control;
    this.peerView = peerView;
    this.witnessed = witnessed;
  }

  @Override
  public String service() {
    return service;
  }

  @Override
  public String self() {
    return self;
  }

  @Override
  public String peer() {
    return peer.get();
  }

  @Override
  public PeerView peerView() {
    return peerView.get();
  }

  /** Whether the service runs as active here (not merely starting). */
  boolean runningActive() {
    return executor.mode() == ServiceExecutor.Mode.ACTIVE;
  }

  // Switchover, on the old active.

  @Override
  public void vipsDown() {
    active.convergeVips(false);
  }

  @Override
  public String runStopHooks() {
    return active.runStopHooks();
  }

  @Override
  public void stopWrites() {
    active.stopSnapshotRounds();
    List<String> problems = executor.setReadOnly(true);
    if (!problems.isEmpty()) {
      throw new OperationException(
          OperationException.Kind.FAILED,
          "could not make " + pool + " read-only: " + String.join("; ", problems));
    }
  }

  @Override
  public FinalSnapshot finalSnapshot() {
    return active.finalSnapshot();
  }

  @Override
  public boolean hasWitness() {
    return witnessed;
  }

  @Override
  public void handOverLease(String to) {
    control
        .handOverLease(to)
        .ifPresent(
            why -> {
              throw new OperationException(OperationException.Kind.FAILED, why);
            });
  }

  /** Back to serving as before an interrupted switchover. */
  @Override
  public void restoreActive() {
    executor.mode(ServiceExecutor.Mode.STARTING);
    control.decided(new Decision.Serve());
    executor.serve();
  }

  @Override
  public void stepDown() {
    executor.mode(ServiceExecutor.Mode.PASSIVE);
  }

  @Override
  public void followPeer() {
    pullLoop.enable(true);
    control.decided(new Decision.Follow(true));
  }

  @Override
  public void holdUnresolved(String reason) {
    executor.follow(false, true);
    control.decided(new Decision.Hold(reason));
  }

  // Promotion, on the new active.

  @Override
  public void serve() {
    control.confirmedByOperator();
    control.decided(new Decision.Serve());
    // The switchover's first step took the VIPs down on the old active.
    executor.peerTookVipsDown();
    executor.serve();
  }

  @Override
  public Optional<String> startProblem() {
    if (!active.mountProblems().isEmpty()) {
      return Optional.of(
          "the pool is not mounted on " + self + ": " + String.join("; ", active.mountProblems()));
    }
    if (!active.startHooksDone()) {
      return Optional.of(
          "start hooks failed on "
              + self
              + ": "
              + active.lastHooks().map(HookRunner.PhaseResult::summary).orElse("unknown"));
    }
    return Optional.empty();
  }

  @Override
  public void stepBack(String reason) {
    executor.follow(false, true);
    control.decided(new Decision.Hold(reason));
  }

  // Force, on the node the operator makes active.

  @Override
  public boolean stopPulling(Duration wait) {
    return pullLoop.stopAndWait(wait);
  }

  @Override
  public Optional<String> acquireLease() {
    return control.acquireLease();
  }

  @Override
  public Optional<String> serveForced(ServiceState before) {
    rollBackIfPassive(before);
    Decision serving = control.serveForced();
    return serving instanceof Decision.Serve ? Optional.empty() : Optional.of(serving.describe());
  }

  /**
   * Only an unlocked passive is rolled back: a node that owned the record or served writes before
   * the lock holds data that may exist nowhere else (ForceRule.rollsBack).
   */
  void rollBackIfPassive(ServiceState before) {
    if (executor.mode() != ServiceExecutor.Mode.ACTIVE && ForceRule.rollsBack(self, before)) {
      executor.rollBackToLastApplied();
    }
  }

  /** One control step now, as the control loop would take it. */
  Decision settle() {
    return control.tick();
  }

  /** The decision of the last control step. */
  Decision decision() {
    return control.decision();
  }

  // Resync, on the old active of a locked service.

  @Override
  public Optional<PullReport> pull(Puller.Divergence how) {
    return pullLoop.resolveDivergence(how);
  }

  @Override
  public void pauseBeforeRetry() {
    Sleep.quietly(Duration.ofSeconds(2));
  }
}
