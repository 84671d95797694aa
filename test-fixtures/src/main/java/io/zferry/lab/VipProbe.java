package io.zferry.lab;

import io.zferry.snapshot.host.CommandResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A VIP as the lab's {@code client} sees it: who answers ARP for it, whether it answers ping, and
 * which MAC the client has cached for it. For failover tests, whose central assertion is that
 * {@link #holders} never has two elements.
 */
public final class VipProbe {
  /** The nodes whose answers a probe can name; any other MAC is reported as such. */
  private static final List<String> NODES = List.of("node-a", "node-b");

  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
  private static final Pattern REPLY =
      Pattern.compile(
          "^(?:Unicast|Broadcast) reply from \\S+ \\[([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5})\\]",
          Pattern.MULTILINE);
  private static final Pattern ETHER =
      Pattern.compile("link/ether ([0-9a-f]{2}(?::[0-9a-f]{2}){5})");
  private static final Pattern LLADDR = Pattern.compile(" lladdr ([0-9a-f]{2}(?::[0-9a-f]{2}){5})");

  private final Lab lab;

  public VipProbe(Lab lab) {
    this.lab = lab;
  }

  /**
   * The nodes that answer ARP for {@code vip} on the client's link at one instant: the answers to
   * one broadcast request, {@code arping -b -c 2 -w 1 -i 10 -I eth0 VIP} from the client (one
   * request, then up to a second for two answers), every reply line read. A MAC that belongs to no
   * lab node appears as {@code "unknown <mac>"}.
   *
   * <p>One request, not several: answers gathered over requests a second apart would name both
   * nodes of a hand-over in which one let go before the other took the address, and the failover
   * tests' central assertion would fail on what never happened.
   */
  public Set<String> holders(String vip) {
    List<String> macs = answeringMacs(vip);
    Set<String> holders = new LinkedHashSet<>();
    if (macs.isEmpty()) {
      return holders;
    }
    List<String> nodeMacs = new ArrayList<>();
    for (String node : NODES) {
      nodeMacs.add(mac(node));
    }
    for (String mac : macs) {
      int i = nodeMacs.indexOf(mac);
      holders.add(i >= 0 ? NODES.get(i) : "unknown " + mac);
    }
    return holders;
  }

  /** Every distinct MAC (lower case) that answered an ARP request for {@code vip}, in order. */
  public List<String> answeringMacs(String vip) {
    requireIpv4(vip);
    CommandResult result =
        lab.client().exec("arping", "-b", "-c", "2", "-w", "1", "-i", "10", "-I", "eth0", vip);
    // 0: answered; 1: no (or fewer) replies; anything else: arping could not run.
    if (result.exitCode() > 1) {
      throw new IllegalStateException(
          "arping for "
              + vip
              + " from the client failed ("
              + result.exitCode()
              + "): "
              + result.stderr());
    }
    List<String> macs = new ArrayList<>();
    Matcher m = REPLY.matcher(result.stdout());
    while (m.find()) {
      String mac = m.group(1).toLowerCase(Locale.ROOT);
      if (!macs.contains(mac)) {
        macs.add(mac);
      }
    }
    return macs;
  }

  /** The MAC of {@code node}'s eth0, as {@code ip} prints it. */
  public String mac(String node) {
    String out =
        lab.node(node).exec("ip", "-o", "link", "show", "dev", "eth0").requireSuccess().stdout();
    Matcher m = ETHER.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException(node + " eth0 has no MAC in: " + out);
    }
    return m.group(1);
  }

  /** The MAC the client's neighbour cache holds for {@code vip}, without refreshing it. */
  public Optional<String> cachedMac(String vip) {
    requireIpv4(vip);
    String out =
        lab.client().exec("ip", "neigh", "show", vip, "dev", "eth0").requireSuccess().stdout();
    Matcher m = LLADDR.matcher(out);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** True if one ping from the client to {@code vip} is answered within a second. */
  public boolean answersPing(String vip) {
    requireIpv4(vip);
    return lab.client().exec("ping", "-c", "1", "-W", "1", vip).succeeded();
  }

  private static void requireIpv4(String vip) {
    if (vip == null || !IPV4.matcher(vip).matches()) {
      throw new IllegalArgumentException("not an IPv4 address: " + vip);
    }
  }
}
