package io.zferry.vip;

import java.util.Set;

/**
 * Brings virtual IPs up and down on this node's interfaces and keeps them as desired. Every
 * operation is idempotent, so callers can repeat one after a crash or a timeout without thinking.
 */
public interface VipManager {
  /**
   * Makes the VIP usable here. If it is already held it is only announced again. Otherwise it is
   * brought up only if no other host answers for the address (DESIGN.md §5 rule 2); afterwards it
   * is either held, with its announcement under way, or not on the interface at all.
   *
   * @return true if this call added the address, false if it was already there
   * @throws DuplicateAddressException if another host answers for the address
   * @throws VipCommandException if a command failed; its stderr is in the exception
   * @throws VipStateException if the interface did not end up holding the address
   */
  default boolean bringUp(VirtualIp vip) {
    return bringUp(vip, AddressProbe.FULL);
  }

  /** {@link #bringUp(VirtualIp)}, checking for another holder of an IPv4 VIP with {@code probe}. */
  boolean bringUp(VirtualIp vip, AddressProbe probe);

  /**
   * Removes the VIP from its interface if it is there.
   *
   * @return true if this call removed it, false if it was not there
   * @throws VipCommandException if a command failed
   * @throws VipStateException if the address is still there afterwards
   */
  boolean bringDown(VirtualIp vip);

  /** True if the VIP is on its interface and usable (for IPv6: not tentative, not dadfailed). */
  boolean held(VirtualIp vip);

  /**
   * One level-triggered tick: reads the addresses of this node's interfaces, plans with {@link
   * VipReconciler} and carries the plan out, action by action. Addresses that are not in {@code
   * managed} (or {@code desired}) are never touched.
   *
   * @param desired the VIPs this node must hold now (those of the services it is active for)
   * @param managed every VIP this node may ever hold (those of all its services)
   * @return what was planned, done and failed; a failed action does not stop the others
   * @throws VipCommandException if the addresses could not be read, before anything was done
   */
  default ReconcileReport reconcile(Set<VirtualIp> desired, Set<VirtualIp> managed) {
    return reconcile(desired, managed, AddressProbe.FULL);
  }

  /** {@link #reconcile(Set, Set)}, bringing VIPs up with {@code probe}. */
  ReconcileReport reconcile(Set<VirtualIp> desired, Set<VirtualIp> managed, AddressProbe probe);
}
