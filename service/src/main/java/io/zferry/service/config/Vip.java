package io.zferry.service.config;

import io.zferry.snapshot.zfs.ZfsNames;
import java.util.regex.Pattern;

/**
 * A virtual IP address that follows a service to its active node.
 *
 * @param cidr the address and its prefix length, such as {@code 10.99.0.100/24} or {@code
 *     fd00::100/64}; the prefix decides which on-link network {@code ip addr add} puts it in
 * @param interfaceName the network interface to add it to on either node, such as {@code eth0} (the
 *     YAML key is {@code interface})
 */
public record Vip(String cidr, String interfaceName) {
  static final String CIDR_FIX = "write an address and a prefix length, such as 10.99.0.100/24";
  static final String INTERFACE_RULE =
      "1 to 15 letters, digits, '-', '_' or '.', starting with a letter or a digit (Linux's limit)";

  private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}");
  private static final Pattern PREFIX = Pattern.compile("[0-9]{1,3}");

  public Vip {
    requireCidr("cidr", cidr);
    requireInterface("interface", interfaceName);
  }

  /** The address without the prefix length, as written. */
  public String address() {
    return cidr.substring(0, cidr.indexOf('/'));
  }

  public int prefixLength() {
    return Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
  }

  public boolean isIpv6() {
    return Addresses.isIpv6(cidr);
  }

  /** The address as bytes, so that two spellings of one IPv6 address compare equal. */
  byte[] addressBytes() {
    return Addresses.parseIp(address());
  }

  /**
   * Returns {@code cidr} if it is an IPv4 or IPv6 host address with a prefix length.
   *
   * @throws ConfigValueException naming the text and the fix
   */
  static String requireCidr(String key, String cidr) {
    String shown = ZfsNames.printable(cidr);
    int slash = cidr == null ? -1 : cidr.indexOf('/');
    if (slash < 0) {
      throw new ConfigValueException(key, shown + " has no prefix length", CIDR_FIX);
    }
    byte[] address = Addresses.parseIp(cidr.substring(0, slash));
    String prefixText = cidr.substring(slash + 1);
    if (address == null) {
      throw new ConfigValueException(
          key, shown + " is not an IPv4 or IPv6 address with a prefix length", CIDR_FIX);
    }
    int bits = address.length * 8;
    if (!PREFIX.matcher(prefixText).matches()
        || Integer.parseInt(prefixText) < 1
        || Integer.parseInt(prefixText) > bits) {
      throw new ConfigValueException(
          key,
          shown + " has a prefix length outside 1.." + bits,
          "use the prefix length of the network the VIP lives in, such as /24");
    }
    int prefix = Integer.parseInt(prefixText);
    // In an IPv4 network of /30 or wider the all-zeros and all-ones host parts are the network
    // and broadcast addresses; clients cannot use either as a VIP.
    if (address.length == 4 && prefix <= 30) {
      long value = 0;
      for (byte b : address) {
        value = (value << 8) | (b & 0xff);
      }
      long hostMask = (1L << (32 - prefix)) - 1;
      long host = value & hostMask;
      if (host == 0 || host == hostMask) {
        throw new ConfigValueException(
            key,
            shown + " is the " + (host == 0 ? "network" : "broadcast") + " address of its network",
            "use a free host address inside the network, such as 10.99.0.100/24");
      }
    }
    return cidr;
  }

  static String requireInterface(String key, String name) {
    if (name == null || !INTERFACE.matcher(name).matches()) {
      throw new ConfigValueException(
          key,
          ZfsNames.printable(name) + " is not a valid network interface name",
          "use " + INTERFACE_RULE + ", such as eth0");
    }
    return name;
  }
}
