package io.zferry.vip;

import java.util.Objects;

/** One change that brings a node's interfaces closer to its desired VIPs. */
public sealed interface VipAction extends Comparable<VipAction> {
  VirtualIp vip();

  /** Bring the VIP up: it is desired here but not usable on its interface. */
  record Add(VirtualIp vip) implements VipAction {
    public Add {
      Objects.requireNonNull(vip, "vip");
    }

    @Override
    public String toString() {
      return "add " + vip;
    }
  }

  /** Take the VIP down: it is managed, present here, and not desired here. */
  record Remove(VirtualIp vip) implements VipAction {
    public Remove {
      Objects.requireNonNull(vip, "vip");
    }

    @Override
    public String toString() {
      return "remove " + vip;
    }
  }

  /** Removals first (an address moving between interfaces is never on two at once), then by VIP. */
  @Override
  default int compareTo(VipAction other) {
    int kind = Boolean.compare(this instanceof Add, other instanceof Add);
    return kind != 0 ? kind : vip().compareTo(other.vip());
  }
}
