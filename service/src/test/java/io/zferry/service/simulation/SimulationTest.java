package io.zferry.service.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A few hundred seeded schedules in the normal build; bench/simulate runs thousands. */
class SimulationTest {
  static {
    SimulationMain.quietLogs();
  }

  @Test
  void invariantsHoldOnEverySchedule() {
    StringBuilder failures = new StringBuilder();
    for (long seed = 1; seed <= 300; seed++) {
      List<Simulation.Violation> violations = new Simulation(seed).run();
      if (!violations.isEmpty()) {
        failures.append(SimulationMain.describe(seed, violations, List.of())).append('\n');
      }
    }
    assertThat(failures.toString()).isEmpty();
  }

  @Test
  void aSeedReplaysItsSchedule() {
    Simulation first = new Simulation(42);
    Simulation again = new Simulation(42);
    first.run();
    again.run();
    assertThat(again.trace()).isEqualTo(first.trace()).isNotEmpty();
  }
}
