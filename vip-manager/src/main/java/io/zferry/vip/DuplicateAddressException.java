package io.zferry.vip;

import java.util.List;
import java.util.Optional;

/**
 * Another host answers for the address, so it was not brought up here (DESIGN.md §5 rule 2). For
 * IPv4 {@code arping -D} saw the reply and names the answering MAC addresses; for IPv6 the kernel's
 * duplicate address detection failed and the MAC is not known.
 */
public final class DuplicateAddressException extends VipException {
  private static final long serialVersionUID = 1L;
  private final transient VirtualIp vip;
  private final List<String> answeringMacs;

  public DuplicateAddressException(VirtualIp vip, List<String> answeringMacs, String evidence) {
    super(describe(vip, answeringMacs, evidence), null);
    this.vip = vip;
    this.answeringMacs = List.copyOf(answeringMacs);
  }

  private static String describe(VirtualIp vip, List<String> macs, String evidence) {
    String who =
        macs.isEmpty() ? "another host" : "the host with MAC " + String.join(" and ", macs);
    return vip.addressText()
        + " is already in use on the network of "
        + vip.interfaceName()
        + " ("
        + evidence
        + "): "
        + who
        + " answers for it, so it was not brought up here. Remove it from that host, or give"
        + " the service a free address.";
  }

  public VirtualIp vip() {
    return vip;
  }

  /** MAC addresses (lower case) that answered for the address; empty if not known. */
  public List<String> answeringMacs() {
    return answeringMacs;
  }

  /** The first MAC that answered, if known. */
  public Optional<String> answeringMac() {
    return answeringMacs.stream().findFirst();
  }
}
