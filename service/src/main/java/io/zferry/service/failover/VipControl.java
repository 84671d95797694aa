package io.zferry.service.failover;

import java.util.List;

/** The VIPs of one service on this node: brought to the wanted state on every tick. */
public interface VipControl {
  /**
   * Brings every VIP of the service up ({@code hold}) or down, repairing what changed by hand.
   *
   * @return problems to report, such as another host answering for a VIP; empty if all is in place
   */
  List<String> converge(boolean hold);

  /** The service's VIPs this node holds now. */
  List<String> held();

  /** A service without VIPs. */
  VipControl NONE =
      new VipControl() {
        @Override
        public List<String> converge(boolean hold) {
          return List.of();
        }

        @Override
        public List<String> held() {
          return List.of();
        }
      };
}
