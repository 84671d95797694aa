package io.zferry.vip;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IP address literals to and from text without ever touching a resolver: {@link
 * InetAddress#getByName} would look up anything that does not look like a literal, so a typo in a
 * configured VIP would turn into a DNS query and possibly into someone else's address.
 */
final class IpLiterals {
  private static final Pattern IPV4 =
      Pattern.compile(
          "(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})");
  // Starts with a hex digit or ':' and contains a ':' so that the JDK parses it as an IPv6 literal
  // and never hands it to the resolver; no '%' (zone ids), no brackets.
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private IpLiterals() {}

  /** Parses a dotted-quad IPv4 or an IPv6 literal; empty if {@code text} is neither. */
  static Optional<InetAddress> parse(String text) {
    if (text == null || text.length() > 45) {
      return Optional.empty();
    }
    var v4 = IPV4.matcher(text);
    if (v4.matches()) {
      byte[] bytes = new byte[4];
      for (int i = 0; i < 4; i++) {
        int octet = Integer.parseInt(v4.group(i + 1));
        if (octet > 255) {
          return Optional.empty();
        }
        bytes[i] = (byte) octet;
      }
      return Optional.of(fromBytes(bytes));
    }
    if (IPV6.matcher(text).matches()) {
      try {
        InetAddress address = InetAddress.getByName(text);
        // The JDK turns IPv4-mapped IPv6 (::ffff:a.b.c.d) into an Inet4Address: refuse it, the
        // prefix length written beside it would be read against the wrong family.
        return address instanceof Inet6Address
            ? Optional.of(fromBytes(address.getAddress()))
            : Optional.empty();
      } catch (UnknownHostException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** An address with neither host name nor scope, so equality is by bytes alone. */
  static InetAddress fromBytes(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
    }
  }

  /**
   * Dotted quad, or the RFC 5952 canonical IPv6 form ({@code fd99::100}) that {@code ip} prints.
   */
  static String format(InetAddress address) {
    if (address instanceof Inet4Address) {
      return address.getHostAddress();
    }
    byte[] b = address.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    // The longest run of at least two zero groups is compressed; the first one on a tie.
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }
}
