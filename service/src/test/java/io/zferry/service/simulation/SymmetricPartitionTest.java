package io.zferry.service.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two nodes alone cannot tell a dead peer from a cut link: in a symmetric partition (peer link
 * down, clients' LAN up) with {@code fencing: ignore} and no ping targets, the passive takes over
 * while the active keeps serving. That is why {@code zferry config check} refuses {@code ignore}
 * without a witness; with the witness's lease, the same faults leave one node serving.
 */
class SymmetricPartitionTest {
  static {
    SimulationMain.quietLogs();
  }

  /** Partitioned at step 2; without a witness both serve from step 6. */
  private static final long SEED = 13;

  @Test
  void withoutAWitnessAndWithFencingIgnoreASymmetricPartitionMakesTwoActives() {
    Simulation simulation = new Simulation(SEED, new Simulation.Setup(true, false));

    List<Simulation.Violation> violations = simulation.run();

    assertThat(violations).extracting(Simulation.Violation::invariant).containsExactly("I1");
    assertThat(simulation.trace()).contains("2 partition (peer link down, clients up)");
    assertThat(simulation.trace()).last().asString().contains("node-b: active");
  }

  @Test
  void withTheWitnessTheSameScheduleKeepsOneActive() {
    Simulation simulation = new Simulation(SEED, new Simulation.Setup(true, true));

    assertThat(simulation.run()).isEmpty();
  }

  @Test
  void theWitnessKeepsOneActiveWhereverFencingIgnoreAloneMadeTwo() {
    int twoActivesWithout = 0;
    StringBuilder withWitness = new StringBuilder();
    for (long seed = 1; seed <= 200; seed++) {
      List<Simulation.Violation> without =
          new Simulation(seed, new Simulation.Setup(true, false)).run();
      if (!without.isEmpty() && without.get(0).invariant().equals("I1")) {
        twoActivesWithout++;
        Simulation withSetup = new Simulation(seed, new Simulation.Setup(true, true));
        List<Simulation.Violation> with = withSetup.run();
        if (!with.isEmpty()) {
          withWitness
              .append(SimulationMain.describe(seed, withSetup, with, List.of()))
              .append('\n');
        }
      }
    }
    assertThat(twoActivesWithout)
        .as("schedules where ignore without a witness made two actives")
        .isGreaterThan(20);
    assertThat(withWitness.toString()).isEmpty();
  }
}
