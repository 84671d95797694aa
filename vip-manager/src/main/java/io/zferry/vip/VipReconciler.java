package io.zferry.vip;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares the VIPs a node should hold with the addresses its interfaces have, and says what to
 * change. Pure: values in, values out. Level-triggered, so the same facts give the same actions on
 * every tick: a VIP deleted by hand on the active comes back, a VIP left on a passive goes away.
 *
 * <p>Only <em>managed</em> VIPs are ever removed: an address that is not one of this node's managed
 * VIPs (the node's own address, one an operator added) is never touched, even if it shares an
 * address with a VIP but differs in prefix length or interface.
 */
public final class VipReconciler {
  private VipReconciler() {}

  /**
   * The actions that make {@code actual} match {@code desired}: removals first, then additions,
   * each group in {@link VirtualIp} order.
   *
   * @param desired VIPs this node must hold now (empty on a passive node)
   * @param managed every VIP this node may hold, desired or not; desired ones count as managed
   * @param actual the addresses on this node's interfaces
   * @throws IllegalArgumentException if two desired VIPs have the same address: only one host
   *     interface can answer for an address
   */
  public static List<VipAction> plan(
      Set<VirtualIp> desired, Set<VirtualIp> managed, Collection<InterfaceAddress> actual) {
    requireDistinctAddresses(desired);
    List<VipAction> actions = new ArrayList<>();
    for (VirtualIp vip : managed) {
      if (!desired.contains(vip) && actual.stream().anyMatch(a -> a.is(vip))) {
        actions.add(new VipAction.Remove(vip));
      }
    }
    for (VirtualIp vip : desired) {
      // A tentative address is on its way (DAD running); a dadfailed one answers nothing and is
      // replaced by bringing the VIP up again.
      boolean present = actual.stream().anyMatch(a -> a.is(vip) && !a.dadFailed());
      if (!present) {
        actions.add(new VipAction.Add(vip));
      }
    }
    actions.sort(null);
    return List.copyOf(actions);
  }

  private static void requireDistinctAddresses(Set<VirtualIp> desired) {
    Map<InetAddress, VirtualIp> seen = new HashMap<>();
    for (VirtualIp vip : desired) {
      VirtualIp other = seen.putIfAbsent(vip.address(), vip);
      if (other != null) {
        throw new IllegalArgumentException(
            "desired VIPs "
                + other
                + " and "
                + vip
                + " share an address; a node holds each address once");
      }
    }
  }
}
