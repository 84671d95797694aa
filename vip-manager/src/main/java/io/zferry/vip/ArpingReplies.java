package io.zferry.vip;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MAC addresses in iputils-arping's reply lines, such as {@code Unicast reply from 10.99.0.100
 * [FA:1B:24:70:FD:55] 0.537ms}: distinct, in order of first reply, lower case as {@code ip} prints
 * them.
 */
final class ArpingReplies {
  private static final Pattern REPLY =
      Pattern.compile(
          "^(?:Unicast|Broadcast) reply from \\S+ \\[([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5})\\]",
          Pattern.MULTILINE);

  private ArpingReplies() {}

  static List<String> macs(String stdout) {
    List<String> macs = new ArrayList<>();
    Matcher m = REPLY.matcher(stdout);
    while (m.find()) {
      String mac = m.group(1).toLowerCase(Locale.ROOT);
      if (!macs.contains(mac)) {
        macs.add(mac);
      }
    }
    return List.copyOf(macs);
  }
}
