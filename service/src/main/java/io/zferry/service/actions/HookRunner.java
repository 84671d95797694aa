package io.zferry.service.actions;

import io.zferry.service.config.ServiceConfig;
import io.zferry.service.config.Vip;
import io.zferry.service.model.NodeName;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a service's start or stop hooks in order, each as {@code HOOK start|stop} with the service
 * described in {@code ZFERRY_*} environment variables. The first failing hook ends the phase: the
 * later hooks may depend on it.
 */
public final class HookRunner {
  private static final Logger log = LoggerFactory.getLogger(HookRunner.class);

  /** The two moments hooks run at. */
  public enum Phase {
    START,
    STOP;

    public String argument() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One hook's run. */
  public record HookRun(Path hook, Phase phase, Instant at, LocalProgram.Outcome outcome) {}

  /**
   * A phase's runs, in order; the last one failed if the phase failed.
   *
   * @param phase start or stop
   * @param runs the hooks that ran
   */
  public record PhaseResult(Phase phase, List<HookRun> runs) {
    public boolean succeeded() {
      return runs.stream().allMatch(run -> run.outcome().succeeded());
    }

    /** For logs and events: "no stop hooks", "2 start hooks ok", or the failing hook and why. */
    public String summary() {
      if (runs.isEmpty()) {
        return "no " + phase.argument() + " hooks";
      }
      for (HookRun run : runs) {
        if (!run.outcome().succeeded()) {
          return phase.argument() + " hook " + run.hook() + " failed: " + run.outcome().summary();
        }
      }
      return runs.size() + " " + phase.argument() + " hook(s) ok";
    }
  }

  private final ServiceConfig service;
  private final NodeName self;
  private final Clock clock;
  private volatile Optional<PhaseResult> last = Optional.empty();

  public HookRunner(ServiceConfig service, NodeName self, Clock clock) {
    this.service = service;
    this.self = self;
    this.clock = clock;
  }

  public PhaseResult run(Phase phase) {
    List<Path> hooks = phase == Phase.START ? service.hooks().start() : service.hooks().stop();
    List<HookRun> runs = new ArrayList<>();
    for (Path hook : hooks) {
      Instant at = clock.instant();
      LocalProgram.Outcome outcome =
          LocalProgram.run(
              List.of(hook.toString(), phase.argument()),
              environment(phase),
              service.hooks().timeout());
      runs.add(new HookRun(hook, phase, at, outcome));
      if (!outcome.succeeded()) {
        log.error("{}: {} hook {} failed: {}", name(), phase.argument(), hook, outcome.summary());
        break;
      }
      log.info(
          "{}: {} hook {} ok in {} ms",
          name(),
          phase.argument(),
          hook,
          outcome.duration().toMillis());
    }
    PhaseResult result = new PhaseResult(phase, List.copyOf(runs));
    if (!runs.isEmpty()) {
      last = Optional.of(result);
    }
    return result;
  }

  /** The last phase that ran any hook, for the status. */
  public Optional<PhaseResult> last() {
    return last;
  }

  private Map<String, String> environment(Phase phase) {
    return Map.of(
        "ZFERRY_SERVICE", name(),
        "ZFERRY_POOL", service.pool().value(),
        "ZFERRY_NODE", self.value(),
        "ZFERRY_PHASE", phase.argument(),
        "ZFERRY_VIPS", service.vips().stream().map(Vip::cidr).collect(Collectors.joining(" ")));
  }

  private String name() {
    return service.name().value();
  }
}
