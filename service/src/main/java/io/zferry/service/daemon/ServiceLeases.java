package io.zferry.service.daemon;

import io.zferry.service.config.WitnessConfig;
import io.zferry.service.control.DeadMansSwitch;
import io.zferry.service.control.LeaderLease;
import io.zferry.service.control.Witness;
import io.zferry.service.witness.EtcdWitness;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * With a witness, each service's hold on its leader key (design §5 rule 8) and the dead man's
 * switch that drops the service's VIPs should its control loop not step down by the lease's
 * deadline.
 */
final class ServiceLeases {
  /** A service's lease and the switch that watches its deadline. */
  record ServiceLease(LeaderLease lease, DeadMansSwitch deadMansSwitch) {}

  private final String self;
  private final String cluster;
  private final WitnessConfig witness;
  private final Function<String, Witness> witnessOfKey;
  private final LongSupplier nanoTime;

  /**
   * @param witnessOfKey the witness as one leader key sees it
   */
  ServiceLeases(
      String self,
      String cluster,
      WitnessConfig witness,
      Function<String, Witness> witnessOfKey,
      LongSupplier nanoTime) {
    this.self = self;
    this.cluster = cluster;
    this.witness = witness;
    this.witnessOfKey = witnessOfKey;
    this.nanoTime = nanoTime;
  }

  /**
   * @param safeguards what the switch does when it trips
   */
  ServiceLease of(String service, DeadMansSwitch.Safeguards safeguards) {
    LeaderLease lease =
        new LeaderLease(
            self,
            witnessOfKey.apply(EtcdWitness.leaderKey(cluster, service)),
            witness.ttl(),
            witness.safetyMargin(),
            nanoTime);
    DeadMansSwitch deadMan =
        new DeadMansSwitch(service, witness.safetyMargin(), nanoTime, safeguards);
    lease.watchedBy(deadMan);
    return new ServiceLease(lease, deadMan);
  }
}
