package io.zferry.service.simulation;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.slf4j.LoggerFactory;

/**
 * {@code bench/simulate [N] [--seed S]}: runs N seeded schedules (default 10,000), each on two
 * nodes, on three (with the witness) and on three under Pacemaker ({@link Schedule#forSeed}), and
 * ends with a line per setup and {@code simulation: schedules=N violations=V}; a violating seed is
 * printed with the command that replays it and the end of its trace. Exits 1 if any schedule broke
 * an invariant.
 */
public final class SimulationMain {
  private SimulationMain() {}

  public static void main(String[] args) {
    quietLogs();
    long first = 1;
    long count = 10_000;
    boolean verbose = false;
    boolean pacemaker = true;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--two-node-setups")) {
        pacemaker = false;
      } else if (args[i].equals("--seed")) {
        first = Long.parseLong(args[++i]);
        count = 1;
        verbose = true;
      } else {
        count = Long.parseLong(args[i]);
      }
    }
    long violations = 0;
    long started = System.nanoTime();
    Map<String, long[]> perSetup = new LinkedHashMap<>();
    PacemakerTally pacemakerTally = new PacemakerTally();
    boolean replay = verbose;
    boolean withPacemaker = pacemaker;
    // Each seed's schedules share nothing with another seed's, so seeds run on every core; their
    // outcomes are taken in seed order, so what is printed and counted is what a serial run gives.
    LongStream seeds = LongStream.range(first, first + count);
    List<SeedOutcome> outcomes =
        (replay ? seeds : seeds.parallel())
            .mapToObj(seed -> SeedOutcome.of(seed, Schedule.forSeed(seed, withPacemaker), replay))
            .toList();
    for (SeedOutcome outcome : outcomes) {
      boolean violated = false;
      for (SeedOutcome.Ran ran : outcome.schedules()) {
        long[] tally = perSetup.computeIfAbsent(ran.kind(), k -> new long[2]);
        tally[0]++;
        ran.pacemaker().ifPresent(pacemakerTally::add);
        if (ran.violated()) {
          violated = true;
          tally[1]++;
        }
        ran.report().ifPresent(System.out::println);
      }
      if (violated) {
        violations++;
      }
    }
    System.out.printf("elapsed: %.1f s%n", (System.nanoTime() - started) / 1e9);
    perSetup.forEach(
        (kind, tally) ->
            System.out.println(
                "setup " + kind + ": schedules=" + tally[0] + " violations=" + tally[1]));
    if (pacemaker) {
      System.out.println(pacemakerTally);
    }
    System.out.println("simulation: schedules=" + count + " violations=" + violations);
    System.exit(violations == 0 ? 0 : 1);
  }

  /** What one seed's schedules found, kept small: a report only where there is one to print. */
  private record SeedOutcome(List<Ran> schedules) {
    record Ran(
        String kind,
        boolean violated,
        Optional<String> report,
        Optional<PacemakerCounts> pacemaker) {}

    static SeedOutcome of(long seed, List<Schedule> schedules, boolean replay) {
      List<Ran> ran = new ArrayList<>();
      for (Schedule schedule : schedules) {
        List<Simulation.Violation> found = schedule.run();
        Optional<String> report = Optional.empty();
        if (!found.isEmpty()) {
          report = Optional.of(describe(seed, schedule, found, schedule.trace()));
        } else if (replay) {
          report =
              Optional.of(
                  "seed "
                      + seed
                      + " ("
                      + schedule.setupName()
                      + "):\n"
                      + String.join("\n", schedule.trace()));
        }
        Optional<PacemakerCounts> counts =
            schedule instanceof PacemakerSimulation p
                ? Optional.of(
                    new PacemakerCounts(
                        p.takeovers(),
                        p.pacemaker().moves(),
                        p.pacemaker().fences(),
                        p.pacemaker().quorumLosses()))
                : Optional.empty();
        ran.add(new Ran(kind(schedule), !found.isEmpty(), report, counts));
      }
      return new SeedOutcome(ran);
    }
  }

  private record PacemakerCounts(long takeovers, long moves, long fences, long quorumLosses) {}

  /** The setup without what varies by seed (the witness's fencing policy). */
  private static String kind(Schedule schedule) {
    return schedule.setupName().replaceFirst("^fencing (ignore|command), witness", "witness");
  }

  /** What the Pacemaker schedules did, so a summary shows they reached what they check. */
  private static final class PacemakerTally {
    private long takeovers;
    private long moves;
    private long fences;
    private long quorumLosses;

    void add(PacemakerCounts p) {
      takeovers += p.takeovers();
      moves += p.moves();
      fences += p.fences();
      quorumLosses += p.quorumLosses();
    }

    @Override
    public String toString() {
      return "pacemaker: takeovers="
          + takeovers
          + " planned-moves="
          + moves
          + " stonith="
          + fences
          + " quorum-losses="
          + quorumLosses;
    }
  }

  static String describe(
      long seed, Schedule schedule, List<Simulation.Violation> found, List<String> trace) {
    StringBuilder text =
        new StringBuilder(
            "seed "
                + seed
                + " ("
                + schedule.setupName()
                + "): "
                + found
                + "; replay: bench/simulate --seed "
                + seed);
    trace.forEach(line -> text.append("\n  ").append(line));
    return text.toString();
  }

  static void quietLogs() {
    ((Logger) LoggerFactory.getLogger("io.zferry")).setLevel(Level.WARN);
    // Every Pacemaker takeover warns that the sync is locked: the trace says so already.
    ((Logger) LoggerFactory.getLogger("io.zferry.service.operations.PacemakerPromotion"))
        .setLevel(Level.ERROR);
  }
}
