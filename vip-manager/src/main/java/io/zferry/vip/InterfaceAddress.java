package io.zferry.vip;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One address as {@code ip -j addr show} reports it on an interface: any address, managed or not.
 *
 * @param interfaceName the interface it is on
 * @param address the address ({@code local} in ip's JSON)
 * @param prefixLength its prefix length
 * @param tentative IPv6 duplicate address detection has not finished: not usable yet
 * @param dadFailed IPv6 duplicate address detection found another holder: never usable
 */
public record InterfaceAddress(
    String interfaceName,
    InetAddress address,
    int prefixLength,
    boolean tentative,
    boolean dadFailed) {
  public InterfaceAddress {
    Objects.requireNonNull(interfaceName, "interfaceName");
    address = IpLiterals.fromBytes(address.getAddress());
  }

  /** True if this is the VIP's address with the VIP's prefix on the VIP's interface. */
  public boolean is(VirtualIp vip) {
    return vip.interfaceName().equals(interfaceName)
        && vip.address().equals(address)
        && vip.prefixLength() == prefixLength;
  }

  /** Present and answering: neither waiting for nor failed in duplicate address detection. */
  public boolean usable() {
    return !tentative && !dadFailed;
  }

  @Override
  public String toString() {
    String state = dadFailed ? " (dadfailed)" : tentative ? " (tentative)" : "";
    return IpLiterals.format(address) + "/" + prefixLength + " on " + interfaceName + state;
  }
}
