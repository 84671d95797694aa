package io.zferry.service.simulation;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * {@code bench/simulate [N] [--seed S]}: runs N seeded schedules (default 10,000), each on two
 * nodes and on three (with the witness), and ends with {@code simulation: schedules=N
 * violations=V}; a violating seed is printed with the command that replays it and the end of its
 * trace. Exits 1 if any schedule broke an invariant.
 */
public final class SimulationMain {
  private SimulationMain() {}

  public static void main(String[] args) {
    quietLogs();
    long first = 1;
    long count = 10_000;
    boolean verbose = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--seed")) {
        first = Long.parseLong(args[++i]);
        count = 1;
        verbose = true;
      } else {
        count = Long.parseLong(args[i]);
      }
    }
    long violations = 0;
    long started = System.nanoTime();
    for (long seed = first; seed < first + count; seed++) {
      boolean violated = false;
      for (Simulation.Setup setup : Simulation.Setup.forSeed(seed)) {
        Simulation simulation = new Simulation(seed, setup);
        List<Simulation.Violation> found = simulation.run();
        if (!found.isEmpty()) {
          violated = true;
          System.out.println(describe(seed, setup, found, simulation.trace()));
        } else if (verbose) {
          System.out.println("seed " + seed + " (" + setup + "):");
          simulation.trace().forEach(System.out::println);
        }
      }
      if (violated) {
        violations++;
      }
    }
    System.out.printf("elapsed: %.1f s%n", (System.nanoTime() - started) / 1e9);
    System.out.println("simulation: schedules=" + count + " violations=" + violations);
    System.exit(violations == 0 ? 0 : 1);
  }

  static String describe(
      long seed, Simulation.Setup setup, List<Simulation.Violation> found, List<String> trace) {
    StringBuilder text =
        new StringBuilder(
            "seed "
                + seed
                + " ("
                + setup
                + "): "
                + found
                + "; replay: bench/simulate --seed "
                + seed);
    trace.forEach(line -> text.append("\n  ").append(line));
    return text.toString();
  }

  static void quietLogs() {
    ((Logger) LoggerFactory.getLogger("io.zferry")).setLevel(Level.WARN);
  }
}
