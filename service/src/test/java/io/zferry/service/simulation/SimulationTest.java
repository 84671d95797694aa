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
      for (Simulation.Setup setup : Simulation.Setup.forSeed(seed)) {
        Simulation simulation = new Simulation(seed, setup);
        List<Simulation.Violation> violations = simulation.run();
        if (!violations.isEmpty()) {
          failures
              .append(SimulationMain.describe(seed, simulation, violations, List.of()))
              .append('\n');
        }
      }
    }
    assertThat(failures.toString()).isEmpty();
  }

  /**
   * Schedules whose pools run on the shared FakeZfs: after every step its files and snapshots are
   * the model's, so every rollback and receive I2 and I3 judge is FakeZfs's own.
   */
  @Test
  void invariantsHoldOnSchedulesOverFakeZfs() {
    StringBuilder failures = new StringBuilder();
    for (long seed = 1; seed <= 20; seed++) {
      for (Simulation.Setup setup : Simulation.Setup.forSeed(seed)) {
        Simulation.Setup onFakeZfs =
            new Simulation.Setup(setup.fenceIgnore(), setup.witness(), true);
        Simulation simulation = new Simulation(seed, onFakeZfs);
        List<Simulation.Violation> violations = simulation.run();
        if (!violations.isEmpty()) {
          failures
              .append(SimulationMain.describe(seed, simulation, violations, List.of()))
              .append('\n');
        }
      }
    }
    assertThat(failures.toString()).isEmpty();
  }

  /**
   * The schedules reach the pool-health rules (design §5 rule 9): owners whose pool is suspended or
   * whose ZFS hangs stand aside, and passives fence them before taking over. Without both, the
   * invariants above would hold without proving anything about them.
   */
  @Test
  void schedulesFenceNodesWhosePoolFailedAndSuchOwnersStandAside() {
    int sickFenced = 0;
    int stoodAside = 0;
    for (long seed = 1; seed <= 300; seed++) {
      for (Simulation.Setup setup : Simulation.Setup.forSeed(seed)) {
        Simulation simulation = new Simulation(seed, setup);
        simulation.run();
        sickFenced += simulation.sickFenced();
        stoodAside += simulation.stoodAside();
      }
    }
    assertThat(sickFenced).as("fences of a node with a failed pool").isPositive();
    assertThat(stoodAside).as("steps of an owner standing aside").isPositive();
  }

  /**
   * The schedules reach the operator's actions: mark-sync-as-fixed completes with and without
   * --discard-divergent, and --force makes a node the owner; otherwise I3 and I4 would hold without
   * being checked against what the operator chose.
   */
  @Test
  void schedulesClearLocksWithMarkSyncAsFixedAndForceNodes() {
    int fixed = 0;
    int fixedDiscarding = 0;
    int forced = 0;
    for (long seed = 1; seed <= 300; seed++) {
      for (Simulation.Setup setup : Simulation.Setup.forSeed(seed)) {
        Simulation simulation = new Simulation(seed, setup);
        simulation.run();
        for (String line : simulation.operatorLog()) {
          fixed += line.contains(" mark-sync-as-fixed: done") ? 1 : 0;
          fixedDiscarding += line.contains(" mark-sync-as-fixed --discard-divergent: done") ? 1 : 0;
          forced += line.contains(" forced ") ? 1 : 0;
        }
      }
    }
    assertThat(fixed).as("mark-sync-as-fixed done").isPositive();
    assertThat(fixedDiscarding).as("mark-sync-as-fixed --discard-divergent done").isPositive();
    assertThat(forced).as("nodes forced").isPositive();
  }

  /**
   * Three nodes under the simulated Pacemaker: no schedule breaks an invariant (I1-I4 after every
   * phase of every step, I5 once the network is healed).
   */
  @Test
  void invariantsHoldOnEveryPacemakerSchedule() {
    StringBuilder failures = new StringBuilder();
    for (long seed = 1; seed <= 300; seed++) {
      PacemakerSimulation simulation = new PacemakerSimulation(seed);
      List<Simulation.Violation> violations = simulation.run();
      if (!violations.isEmpty()) {
        failures
            .append(SimulationMain.describe(seed, simulation, violations, List.of()))
            .append('\n');
      }
    }
    assertThat(failures.toString()).isEmpty();
  }

  /**
   * The Pacemaker schedules reach what they check: takeovers after STONITH, planned moves, quorum
   * losses, mark-sync-as-fixed naming the two nodes of a takeover.
   */
  @Test
  void pacemakerSchedulesFenceTakeOverMoveAndLoseQuorum() {
    int takeovers = 0;
    int moves = 0;
    int fences = 0;
    int quorumLosses = 0;
    int fixed = 0;
    for (long seed = 1; seed <= 100; seed++) {
      PacemakerSimulation simulation = new PacemakerSimulation(seed);
      simulation.run();
      takeovers += simulation.takeovers();
      moves += simulation.pacemaker().moves();
      fences += simulation.pacemaker().fences();
      quorumLosses += simulation.pacemaker().quorumLosses();
      fixed +=
          (int)
              simulation.operatorLog().stream()
                  .filter(line -> line.contains("mark-sync-as-fixed") && line.contains(": done"))
                  .count();
    }
    assertThat(takeovers).as("takeovers").isPositive();
    assertThat(moves).as("planned moves").isPositive();
    assertThat(fences).as("STONITH").isPositive();
    assertThat(quorumLosses).as("quorum losses").isPositive();
    assertThat(fixed).as("mark-sync-as-fixed done").isPositive();
  }

  @Test
  void aSeedReplaysItsSchedule() {
    Simulation first = new Simulation(42, new Simulation.Setup(false, true));
    Simulation again = new Simulation(42, new Simulation.Setup(false, true));
    first.run();
    again.run();
    assertThat(again.trace()).isEqualTo(first.trace()).isNotEmpty();
  }
}
