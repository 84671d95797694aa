package io.zferry.vip;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A virtual IP of a clustered service: an address with its prefix length on one network interface,
 * e.g. {@code 10.99.0.100/24} on {@code eth0}. It is validated on construction so that only plain
 * tokens ever reach an {@code ip} or {@code arping} argv: the interface name follows the kernel's
 * rules (1–15 characters) restricted to {@code [A-Za-z0-9_.-]} and may not start with {@code -} (it
 * would read as an option), and the address must be a unicast address a host can hold.
 *
 * <p>Two VIPs are equal when address, prefix length and interface are; the same address with
 * another prefix or on another interface is another VIP.
 *
 * @param address IPv4 or IPv6 address, without host name or scope
 * @param prefixLength 0–32 for IPv4, 0–128 for IPv6
 * @param interfaceName the network interface that holds it, such as {@code eth0}
 */
public record VirtualIp(InetAddress address, int prefixLength, String interfaceName)
    implements Comparable<VirtualIp> {
  private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_.-]{0,14}");
  private static final Comparator<VirtualIp> ORDER =
      Comparator.comparing(VirtualIp::interfaceName)
          .thenComparing(v -> v.address().getAddress(), Arrays::compareUnsigned)
          .thenComparingInt(VirtualIp::prefixLength);

  public VirtualIp {
    Objects.requireNonNull(address, "address");
    requireInterfaceName(interfaceName);
    address = IpLiterals.fromBytes(address.getAddress());
    String text = IpLiterals.format(address);
    int maxPrefix = address instanceof Inet4Address ? 32 : 128;
    if (prefixLength < 0 || prefixLength > maxPrefix) {
      throw invalid(
          text + "/" + prefixLength, "the prefix length must be between 0 and " + maxPrefix);
    }
    requireHostAddress(address, prefixLength, text);
  }

  /**
   * Parses {@code 10.99.0.100/24} or {@code fd99::100/64}. The prefix length is required: the
   * kernel would otherwise assume /32 or /128, which is rarely what a service on a LAN wants.
   */
  public static VirtualIp parse(String cidr, String interfaceName) {
    if (cidr == null || cidr.isBlank()) {
      throw invalid(String.valueOf(cidr), "it is empty; write it like 10.99.0.100/24");
    }
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw invalid(cidr, "the prefix length is missing; write it like " + cidr + "/24");
    }
    String addressText = cidr.substring(0, slash);
    String prefixText = cidr.substring(slash + 1);
    if (!prefixText.matches("(0|[1-9][0-9]{0,2})")) {
      throw invalid(cidr, "'" + printable(prefixText) + "' is not a prefix length");
    }
    InetAddress address =
        IpLiterals.parse(addressText)
            .orElseThrow(
                () ->
                    invalid(
                        cidr,
                        "'"
                            + printable(addressText)
                            + "' is not an IPv4 (dotted quad) or IPv6 address literal"));
    return new VirtualIp(address, Integer.parseInt(prefixText), interfaceName);
  }

  /** The address as {@code ip} prints it: {@code 10.99.0.100} or {@code fd99::100}. */
  public String addressText() {
    return IpLiterals.format(address);
  }

  /** {@code 10.99.0.100/24}, as {@code ip addr add} takes it. */
  public String cidr() {
    return addressText() + "/" + prefixLength;
  }

  public boolean isIpv6() {
    return address instanceof Inet6Address;
  }

  @Override
  public int compareTo(VirtualIp other) {
    return ORDER.compare(this, other);
  }

  /** {@code 10.99.0.100/24 on eth0}. */
  @Override
  public String toString() {
    return cidr() + " on " + interfaceName;
  }

  private static void requireInterfaceName(String name) {
    if (name == null
        || !INTERFACE.matcher(name).matches()
        || name.equals(".")
        || name.equals("..")) {
      throw new IllegalArgumentException(
          "interface name '"
              + printable(String.valueOf(name))
              + "' is not accepted: use 1 to 15 characters of A-Z a-z 0-9 _ . - (not starting"
              + " with -), as the kernel names interfaces, e.g. eth0 or bond0.100");
    }
  }

  private static void requireHostAddress(InetAddress address, int prefixLength, String text) {
    String cidr = text + "/" + prefixLength;
    if (address.isAnyLocalAddress()) {
      throw invalid(cidr, "it is the unspecified address");
    }
    if (address.isLoopbackAddress()) {
      throw invalid(cidr, "it is a loopback address");
    }
    if (address.isMulticastAddress()) {
      throw invalid(cidr, "it is a multicast address");
    }
    if (address instanceof Inet6Address && address.isLinkLocalAddress()) {
      throw invalid(cidr, "IPv6 link-local addresses need a zone and are never VIPs");
    }
    if (address instanceof Inet4Address && ipv4Value(address) == -1) {
      throw invalid(cidr, "it is the limited broadcast address");
    }
    if (address instanceof Inet4Address && prefixLength <= 30) {
      long value = Integer.toUnsignedLong(ipv4Value(address));
      long hostMask = (1L << (32 - prefixLength)) - 1;
      if ((value & hostMask) == 0) {
        throw invalid(cidr, "it is the network address of its prefix; a host address is needed");
      }
      if ((value & hostMask) == hostMask) {
        throw invalid(cidr, "it is the broadcast address of its prefix; a host address is needed");
      }
    }
  }

  private static int ipv4Value(InetAddress address) {
    byte[] b = address.getAddress();
    return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
  }

  private static IllegalArgumentException invalid(String cidr, String reason) {
    return new IllegalArgumentException(
        "virtual IP '" + printable(cidr) + "' is not accepted: " + reason);
  }

  /** Text safe to put in a log line: control characters shown escaped, long input cut. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && i < 80; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return text.length() > 80 ? out + "…" : out.toString();
  }
}
