package io.zferry.service.cli;

import io.zferry.service.config.DurationText;
import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.service.status.StatusViews.PassiveView;
import io.zferry.service.status.StatusViews.PeerStatus;
import io.zferry.service.status.StatusViews.ServiceStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The verdict of {@code zferry check}, from one node's status: pure, so every rule is unit-tested.
 *
 * <p>Rules, per service (the worst one wins):
 *
 * <ul>
 *   <li>sync locked: CRITICAL. A failover happened and replication stopped until an operator looks.
 *   <li>lag above the critical threshold: CRITICAL; above the warning threshold, or unknown:
 *       WARNING. Not judged while locked (it grows by design then). An active with several passives
 *       (under Pacemaker) judges each passive's lag by that passive's own pull interval: the
 *       service's lag is the smallest, so a passive that stopped would never show in it.
 *   <li>peer unreachable: on the active node WARNING (clients are served, but nothing is
 *       replicated: the lag rule turns it CRITICAL once the data at risk exceeds the threshold); on
 *       the passive node CRITICAL (the node serving the clients may be down, and the takeover, if
 *       the fencing policy allows one, has not happened yet).
 *   <li>the last pull of a passive node failed: WARNING with its error; it found divergence:
 *       CRITICAL.
 *   <li>a VIP problem: CRITICAL (clients may not reach the service, or reach two nodes).
 *   <li>failed start hooks on the active node: CRITICAL; other failed hooks: WARNING.
 *   <li>holding because the witness's lease is not held (unreachable, refused, lapsed): CRITICAL
 *       with the reason; nobody takes over without the lease, so clients may not be served.
 * </ul>
 */
public final class HealthCheck {
  private static final String HOLDING = "holding: ";

  private HealthCheck() {}

  /** Nagios plugin states; the ordinal order is the severity order. */
  public enum State {
    OK(0),
    WARNING(1),
    CRITICAL(2),
    UNKNOWN(3);

    private final int exitCode;

    State(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }

    State worst(State other) {
      // UNKNOWN is not worse than CRITICAL for a service that was judged.
      if (this == UNKNOWN || other == UNKNOWN) {
        return this == CRITICAL || other == CRITICAL ? CRITICAL : UNKNOWN;
      }
      return compareTo(other) >= 0 ? this : other;
    }
  }

  /** Lag thresholds; empty ones derive from each service's own intervals, see {@link #derived}. */
  public record Thresholds(Optional<Duration> lagWarning, Optional<Duration> lagCritical) {
    public static Thresholds derivedPerService() {
      return new Thresholds(Optional.empty(), Optional.empty());
    }
  }

  /** One finding. */
  public record Finding(State state, String message) {}

  /**
   * The verdict.
   *
   * @param findings what is not OK, worst first; when all is well, one OK finding per service
   * @param perfData Nagios performance data, such as {@code tank_lag=30s;720;1440;0}
   */
  public record Verdict(State state, List<Finding> findings, String perfData) {
    public Verdict {
      findings = List.copyOf(findings);
    }

    /** The one line a monitoring system shows: {@code ZFERRY STATE - findings | perfdata}. */
    public String line() {
      StringBuilder line = new StringBuilder("ZFERRY ").append(state).append(" - ");
      line.append(
          String.join("; ", findings.stream().map(Finding::message).toList()).replace('|', '/'));
      if (!perfData.isEmpty()) {
        line.append(" | ").append(perfData);
      }
      return line.toString();
    }

    public int exitCode() {
      return state.exitCode();
    }
  }

  /** UNKNOWN: the status could not be had, for {@code why}. */
  public static Verdict unknown(String why) {
    return new Verdict(State.UNKNOWN, List.of(new Finding(State.UNKNOWN, why)), "");
  }

  private static final Duration MIN_LAG_WARNING = Duration.ofMinutes(1);

  /**
   * The default lag thresholds of a service: the lag normally stays below one snapshot interval
   * plus one pull interval (the newest snapshot waits at most for the next pull), so twice that
   * means replication missed rounds (WARNING), and four times that means it has stopped (CRITICAL).
   * With the defaults (15m, 3m): 36 and 72 minutes. With intervals of seconds the transfer and the
   * status's own delay dominate, so the thresholds are at least 1 and 2 minutes.
   */
  public static Thresholds derived(Duration snapshotInterval, Duration pullInterval) {
    Duration cycle = snapshotInterval.plus(pullInterval);
    return new Thresholds(
        Optional.of(atLeast(cycle.multipliedBy(2), MIN_LAG_WARNING)),
        Optional.of(atLeast(cycle.multipliedBy(4), MIN_LAG_WARNING.multipliedBy(2))));
  }

  private static Duration atLeast(Duration value, Duration floor) {
    return value.compareTo(floor) < 0 ? floor : value;
  }

  /**
   * Judges {@code status}.
   *
   * @param only the one service to judge, or empty for every one
   */
  public static Verdict evaluate(NodeStatus status, Thresholds thresholds, Optional<String> only) {
    List<ServiceStatus> services =
        status.services().stream()
            .filter(s -> only.map(name -> name.equals(s.name())).orElse(true))
            .toList();
    if (services.isEmpty()) {
      return only.isPresent()
          ? unknown(
              "node " + status.node() + " has no service '" + only.get() + "' (see zferry status)")
          : new Verdict(
              State.OK,
              List.of(new Finding(State.OK, "node " + status.node() + " runs no service")),
              "");
    }
    List<Finding> problems = new ArrayList<>();
    List<Finding> fine = new ArrayList<>();
    List<String> perf = new ArrayList<>();
    for (ServiceStatus s : services) {
      Thresholds limits = limits(s, thresholds);
      List<Finding> found = judge(s, status.peers(), limits, thresholds);
      problems.addAll(found);
      if (found.isEmpty()) {
        fine.add(
            new Finding(
                State.OK,
                s.name()
                    + ": "
                    + s.role()
                    + ", lag "
                    + (s.lagSeconds() == null ? "unknown" : s.lagSeconds() + " s")
                    + keptForTransfer(s)));
      }
      perf.add(perfData(s, limits));
      if (s.passives().size() > 1) {
        for (PassiveView passive : s.passives()) {
          perf.add(
              lagData(
                  s.name() + "_lag_" + passive.node(),
                  passive.lagSeconds(),
                  limits(s, passive.pullInterval(), thresholds)));
        }
      }
    }
    problems.sort(Comparator.comparing(Finding::state).reversed());
    State state = problems.stream().map(Finding::state).reduce(State.OK, State::worst);
    return new Verdict(state, problems.isEmpty() ? fine : problems, String.join(" ", perf));
  }

  /** Information, not a problem: the active keeps snapshots so the passive's transfer resumes. */
  private static String keptForTransfer(ServiceStatus s) {
    List<String> kept = s.keptForTransfer();
    return kept == null || kept.isEmpty()
        ? ""
        : ", retention keeps " + kept.size() + " snapshot(s) for the passive's transfer";
  }

  private static List<Finding> judge(
      ServiceStatus s, List<PeerStatus> peers, Thresholds limits, Thresholds given) {
    List<Finding> found = new ArrayList<>();
    String name = s.name();
    boolean active = "active".equals(s.role());
    if (s.syncLocked()) {
      found.add(
          new Finding(
              State.CRITICAL,
              name
                  + ": sync locked after a failover (zferry divergence "
                  + name
                  + ", then zferry mark-sync-as-fixed)"));
    } else if (active && s.passives().size() > 1) {
      // The service's lag is the smallest of its passives': one that stopped pulling, an off-site
      // copy say, would never show in it. Each is judged by its own pull interval.
      for (PassiveView passive : s.passives()) {
        if (passive.answering()) {
          judgeLag(
                  name + ": passive " + passive.node(),
                  passive.lagSeconds(),
                  limits(s, passive.pullInterval(), given))
              .ifPresent(found::add);
        }
      }
    } else {
      judgeLag(name, s.lagSeconds(), limits).ifPresent(found::add);
    }
    for (PeerStatus peer : peers) {
      if (peer.reachable()) {
        continue;
      }
      if (active) {
        found.add(
            new Finding(
                State.WARNING,
                name
                    + ": "
                    + (peers.size() == 1 ? "peer " : "passive ")
                    + peer.name()
                    + " unreachable, nothing is replicated"
                    + (peers.size() == 1 ? "" : " to it")));
      } else if (peer.name().equals(s.activeNode())) {
        found.add(
            new Finding(
                State.CRITICAL,
                name + ": active node " + peer.name() + " unreachable, clients may not be served"));
      } else {
        // Another passive of the same active (under Pacemaker): its own check says more.
        found.add(new Finding(State.WARNING, name + ": passive " + peer.name() + " unreachable"));
      }
    }
    if (!active && s.lastRun() != null) {
      if ("failed".equals(s.lastRun().result())) {
        found.add(
            new Finding(
                State.WARNING,
                name
                    + ": last pull failed"
                    + (s.lastRun().error() == null ? "" : ": " + oneLine(s.lastRun().error()))));
      } else if ("diverged".equals(s.lastRun().result())) {
        found.add(
            new Finding(
                State.CRITICAL,
                name
                    + ": this node holds snapshots the active lacks"
                    + (s.lastRun().error() == null ? "" : ": " + oneLine(s.lastRun().error()))));
      }
    }
    if (s.state() != null && s.state().startsWith(HOLDING) && s.state().contains("witness")) {
      // Without the witness's lease nobody serves: by design, but clients are not served.
      found.add(
          new Finding(
              State.CRITICAL,
              name + ": serves nothing: " + oneLine(s.state().substring(HOLDING.length()))));
    }
    if (s.vipProblems() != null) {
      s.vipProblems()
          .forEach(p -> found.add(new Finding(State.CRITICAL, name + ": VIP " + oneLine(p))));
    }
    if (s.lastHooks() != null && !s.lastHooks().ok()) {
      boolean startOnActive = active && "start".equals(s.lastHooks().phase());
      found.add(
          new Finding(
              startOnActive ? State.CRITICAL : State.WARNING,
              name
                  + ": "
                  + s.lastHooks().phase()
                  + " hooks failed: "
                  + oneLine(s.lastHooks().summary())));
    }
    return found;
  }

  private static Optional<Finding> judgeLag(String what, Long lagSeconds, Thresholds limits) {
    if (lagSeconds == null) {
      return Optional.of(
          new Finding(
              State.WARNING,
              what + ": lag unknown (no snapshot applied on the passive node yet?)"));
    }
    long lag = lagSeconds;
    long critical = limits.lagCritical().orElseThrow().toSeconds();
    long warning = limits.lagWarning().orElseThrow().toSeconds();
    if (lag > critical) {
      return Optional.of(
          new Finding(State.CRITICAL, what + ": lag " + lag + " s > " + critical + " s"));
    }
    if (lag > warning) {
      return Optional.of(
          new Finding(State.WARNING, what + ": lag " + lag + " s > " + warning + " s"));
    }
    return Optional.empty();
  }

  /** The given thresholds, else the service's derived ones. */
  private static Thresholds limits(ServiceStatus s, Thresholds given) {
    return limits(s, null, given);
  }

  /**
   * The given thresholds, else those derived from the service's snapshot interval and {@code
   * pullInterval} (a passive's own), or the service's pull interval when that is null.
   */
  private static Thresholds limits(ServiceStatus s, String pullInterval, Thresholds given) {
    Thresholds derived;
    try {
      derived =
          derived(
              DurationText.parse(s.settings().snapshotInterval()),
              DurationText.parse(
                  pullInterval != null ? pullInterval : s.settings().pullInterval()));
    } catch (RuntimeException e) {
      // No settings in the answer, or ones this CLI cannot read: the production defaults.
      derived = derived(Duration.ofMinutes(15), Duration.ofMinutes(3));
    }
    return new Thresholds(
        given.lagWarning().or(derived::lagWarning), given.lagCritical().or(derived::lagCritical));
  }

  private static String perfData(ServiceStatus s, Thresholds limits) {
    return lagData(s.name() + "_lag", s.lagSeconds(), limits)
        + " "
        + s.name()
        + "_locked="
        + (s.syncLocked() ? 1 : 0)
        + " "
        + s.name()
        + "_epoch="
        + s.epoch();
  }

  private static String lagData(String label, Long lagSeconds, Thresholds limits) {
    return label
        + "="
        + (lagSeconds == null ? "U" : lagSeconds + "s")
        + ";"
        + limits.lagWarning().orElseThrow().toSeconds()
        + ";"
        + limits.lagCritical().orElseThrow().toSeconds()
        + ";0;";
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s*\\n\\s*", " ").strip();
  }
}
