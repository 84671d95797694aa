package io.zferry.service.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code zferry failover SERVICE --force} as the operator runs it in the schedules. Forcing the
 * node that served last (an owner holding after a restart or a lost lease, or an old active demoted
 * and locked) must not roll back the writes it acknowledged after its newest snapshot: they exist
 * nowhere else, and the operator chose no discard (I3). With a witness, a forced node serves only
 * once it holds the lease (docs/failover.md: {@code --force} does not override the witness), or the
 * lease holder and it both accept writes (I1).
 */
class ForceTest {
  static {
    SimulationMain.quietLogs();
  }

  /** node-a owns epoch 0 but holds without the witness's lease; forced at step 44. */
  @Test
  void forcingAnOwnerThatHoldsKeepsItsAcknowledgedWrites() {
    Simulation simulation = new Simulation(8, new Simulation.Setup(false, true));

    assertThat(simulation.run()).isEmpty();
    assertThat(simulation.operatorLog())
        .anyMatch(line -> line.startsWith("44 forced node-a active at epoch 1"));
  }

  /** node-a, demoted by node-b's takeover and locked, is forced at step 49 with node-b off. */
  @Test
  void forcingADemotedOldActiveKeepsItsAcknowledgedWrites() {
    Simulation simulation = new Simulation(11, new Simulation.Setup(false, false));

    assertThat(simulation.run()).isEmpty();
    assertThat(simulation.operatorLog())
        .anyMatch(line -> line.startsWith("49 forced node-a active"));
  }

  /**
   * node-b serves under the lease in a partition; node-a, cut off from it, is forced at step 32.
   */
  @Test
  void aForcedNodeServesOnlyOnceItHoldsTheLease() {
    Simulation simulation = new Simulation(22, new Simulation.Setup(false, true));

    assertThat(simulation.run()).isEmpty();
    assertThat(simulation.operatorLog()).anyMatch(line -> line.startsWith("32 forced node-a"));
  }

  /**
   * Forced at epoch 6 on node-a, then at epoch 4 on node-b (each with the other powered off);
   * node-a comes back at step 102 and hears node-b, which still names itself owner at epoch 4 and
   * serves until it hears epoch 6: the owner of the higher epoch must wait for that.
   */
  @Test
  void anOwnerWaitsUntilAPeerThatClaimsALowerEpochHasAdoptedItsRecord() {
    Simulation simulation = new Simulation(5420, new Simulation.Setup(false, false));

    assertThat(simulation.run()).isEmpty();
    assertThat(simulation.operatorLog())
        .anyMatch(line -> line.startsWith("94 forced node-a active at epoch 6"))
        .anyMatch(line -> line.startsWith("101 forced node-b active at epoch 4"));
  }
}
