package io.zferry.vip;

/**
 * How an IPv4 VIP is checked for another holder before it is added (DESIGN.md §5 rule 2: never
 * while any host answers for it). A host that holds the address answers an ARP probe within
 * milliseconds on a LAN; the probes differ only in how long they go on listening for a slow one.
 */
public enum AddressProbe {
  /**
   * {@link VipSettings#dadProbes()} probes, listening up to {@link VipSettings#dadDeadline()}:
   * about 2 s when nobody answers. For a VIP whose previous holder is not known.
   */
  FULL,
  /**
   * One probe, listening for {@link VipSettings#shortProbeWindow()} (300 ms), for a VIP whose
   * previous holder is known to have let it go: the peer was fenced for a takeover, or it took the
   * VIP down and said so in a switchover. A slow answer could come only from a host that has no
   * business with the address, and the full listen would add seconds to every failover.
   */
  SHORT
}
