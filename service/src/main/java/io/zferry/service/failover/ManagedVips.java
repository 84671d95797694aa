package io.zferry.service.failover;

import io.zferry.service.config.Vip;
import io.zferry.vip.AddressProbe;
import io.zferry.vip.ReconcileReport;
import io.zferry.vip.VipAction;
import io.zferry.vip.VipManager;
import io.zferry.vip.VirtualIp;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** A service's VIPs on this node, through the VIP manager. */
public final class ManagedVips implements VipControl {
  private final Set<VirtualIp> all;
  private final VipManager manager;

  public ManagedVips(List<Vip> vips, VipManager manager) {
    this.all =
        vips.stream()
            .map(v -> VirtualIp.parse(v.cidr(), v.interfaceName()))
            .collect(Collectors.toCollection(TreeSet::new));
    this.manager = manager;
  }

  @Override
  public Result converge(boolean hold, AddressProbe probe) {
    ReconcileReport report = manager.reconcile(hold ? all : Set.of(), all, probe);
    return new Result(
        report.done().stream()
            .filter(a -> a instanceof VipAction.Add)
            .map(a -> ((VipAction.Add) a).vip().cidr())
            .toList(),
        report.done().stream()
            .filter(a -> a instanceof VipAction.Remove)
            .map(a -> ((VipAction.Remove) a).vip().cidr())
            .toList(),
        report.failed().stream().map(f -> f.action() + ": " + f.error().getMessage()).toList());
  }

  @Override
  public List<String> held() {
    return all.stream().filter(manager::held).map(VirtualIp::cidr).toList();
  }
}
