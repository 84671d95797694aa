package io.zferry.service.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * IP address literals and host names, checked without ever asking DNS: a configuration must mean
 * the same thing whether or not a resolver answers, and validating it must not wait on one.
 */
final class Addresses {
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final Pattern LABEL =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern NUMERIC = Pattern.compile("[0-9]+");

  private Addresses() {}

  /**
   * The bytes of an IPv4 (4 bytes) or IPv6 (16 bytes) literal, or null if {@code text} is not one.
   * IPv4 must be four decimal parts without leading zeros, because tools disagree about whether
   * {@code 010} is ten or eight. IPv6 zone ids ({@code %eth0}) and IPv4-mapped IPv6 literals
   * ({@code ::ffff:10.0.0.1}) are refused: the IPv4 form says the same thing plainly.
   */
  static byte[] parseIp(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (text.indexOf(':') >= 0) {
      return parseIpv6(text);
    }
    return parseIpv4(text);
  }

  static boolean isIp(String text) {
    return parseIp(text) != null;
  }

  static boolean isIpv6(String text) {
    return text.indexOf(':') >= 0;
  }

  /** An RFC 1123 host name; the last label may not be all digits, so 10.0.0.300 is no name. */
  static boolean isHostName(String text) {
    if (text == null || text.isEmpty() || text.length() > 253) {
      return false;
    }
    String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    String[] labels = name.split("\\.", -1);
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return !NUMERIC.matcher(labels[labels.length - 1]).matches();
  }

  private static byte[] parseIpv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty()
          || part.length() > 3
          || !NUMERIC.matcher(part).matches()
          || (part.length() > 1 && part.charAt(0) == '0')) {
        return null;
      }
      int value = Integer.parseInt(part);
      if (value > 255) {
        return null;
      }
      bytes[i] = (byte) value;
    }
    return bytes;
  }

  private static byte[] parseIpv6(String text) {
    if (!IPV6_CHARS.matcher(text).matches()) {
      return null;
    }
    try {
      // The brackets make the JDK treat the text as an IPv6 literal only: without them an
      // invalid literal that starts with a hex digit falls through to a DNS lookup.
      byte[] bytes = InetAddress.getByName("[" + text + "]").getAddress();
      return bytes.length == 16 ? bytes : null;
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
