package io.zferry.service.failover;

import io.zferry.vip.AddressProbe;
import java.util.List;

/** The VIPs of one service on this node: brought to the wanted state on every tick. */
public interface VipControl {
  /** Brings every VIP of the service up ({@code hold}) or down, repairing what changed by hand. */
  default Result converge(boolean hold) {
    return converge(hold, AddressProbe.FULL);
  }

  /** {@link #converge(boolean)}, probing for another holder of a VIP it adds with {@code probe}. */
  Result converge(boolean hold, AddressProbe probe);

  /**
   * What a convergence did.
   *
   * @param added VIPs brought up now
   * @param removed VIPs taken down now
   * @param problems what failed, such as another host answering for a VIP
   */
  record Result(List<String> added, List<String> removed, List<String> problems) {
    public static final Result NOTHING = new Result(List.of(), List.of(), List.of());
  }

  /** The service's VIPs this node holds now. */
  List<String> held();

  /** A service without VIPs. */
  VipControl NONE =
      new VipControl() {
        @Override
        public Result converge(boolean hold, AddressProbe probe) {
          return Result.NOTHING;
        }

        @Override
        public List<String> held() {
          return List.of();
        }
      };
}
