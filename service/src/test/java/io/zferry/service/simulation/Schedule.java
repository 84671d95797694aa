package io.zferry.service.simulation;

import java.util.ArrayList;
import java.util.List;

/** One seeded schedule of one setup: it runs once and says which invariants it broke, if any. */
interface Schedule {
  /** The setup, as the summary and a violation name it. */
  String setupName();

  /** Runs the schedule; returns the first violations found (the run stops at that step). */
  List<Simulation.Violation> run();

  /** The end of the trace, for a violation's report. */
  List<String> trace();

  /** Every operator action of the run with its outcome, prefixed by its step. */
  List<String> operatorLog();

  /**
   * Every setup a seed runs: two nodes alone and two with a witness ({@link
   * Simulation.Setup#forSeed}), then three under Pacemaker ({@link PacemakerSimulation}).
   */
  static List<Schedule> forSeed(long seed) {
    return forSeed(seed, true);
  }

  /** {@link #forSeed(long)}, with or without the Pacemaker setup. */
  static List<Schedule> forSeed(long seed, boolean pacemaker) {
    List<Schedule> schedules = new ArrayList<>();
    for (Simulation.Setup setup : Simulation.Setup.forSeed(seed)) {
      schedules.add(new Simulation(seed, setup));
    }
    if (pacemaker) {
      schedules.add(new PacemakerSimulation(seed));
    }
    return schedules;
  }
}
