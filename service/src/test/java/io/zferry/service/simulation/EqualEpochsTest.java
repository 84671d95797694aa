package io.zferry.service.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Two nodes that recorded the same epoch with different owners hold until an operator chooses
 * (design §5, docs/failover.md). The dispute does not end when the peer falls silent: an owner that
 * has seen the peer claim its epoch must not take a cut link for a settled dispute, or both serve.
 * Seed 99 without a witness: node-b takes over at epoch 1 while node-a is down; node-a restarts, is
 * forced with node-b off and records epoch 1 too; both hold once they hear each other, and the peer
 * link goes down at step 133. Once healed, the operator settles it by forcing node-a.
 */
class EqualEpochsTest {
  static {
    SimulationMain.quietLogs();
  }

  @Test
  void aDisputedEpochIsNotServedWhenThePeerFallsSilent() {
    Simulation simulation = new Simulation(99, new Simulation.Setup(false, false));

    assertThat(simulation.run()).isEmpty();
    assertThat(simulation.operatorLog())
        .anyMatch(line -> line.startsWith("18 forced node-a active at epoch 1"))
        .anyMatch(line -> line.startsWith("160 forced node-a active at epoch 2"));
  }
}
