package io.zferry.vip;

import java.util.List;

/**
 * The argv of every command the VIP manager runs. Everything in them comes from a validated {@link
 * VirtualIp}, so no argument can be mistaken for an option or carry a shell metacharacter.
 */
final class NetCommands {
  private final VipSettings settings;

  NetCommands(VipSettings settings) {
    this.settings = settings;
  }

  /**
   * IPv4 duplicate-address check: exit 0 if nobody answered, 1 if someone did (its MAC is in the
   * reply lines on stdout; hence no {@code -q}), 2 on errors such as a missing interface.
   */
  List<String> duplicateAddressCheck(VirtualIp vip) {
    return List.of(
        "arping",
        "-D",
        "-c",
        Integer.toString(settings.dadProbes()),
        "-w",
        Long.toString(settings.dadDeadline().toSeconds()),
        "-I",
        vip.interfaceName(),
        vip.addressText());
  }

  /**
   * The one probe of {@link AddressProbe#SHORT}: arping cannot listen for less than a second, so
   * coreutils' {@code timeout} ends it after the window. Exit 124 means nobody answered within it;
   * arping's own exit codes are those of {@link #duplicateAddressCheck}.
   */
  List<String> shortDuplicateAddressCheck(VirtualIp vip) {
    long window = settings.shortProbeWindow().toMillis();
    return List.of(
        "timeout",
        String.format(java.util.Locale.ROOT, "%d.%03d", window / 1000, window % 1000),
        "arping",
        "-D",
        "-c",
        "1",
        "-w",
        "1",
        "-I",
        vip.interfaceName(),
        vip.addressText());
  }

  /**
   * Gratuitous ARP requests (RFC 5227 announcements) from the VIP for the VIP: neighbours that have
   * the address cached switch to this host's MAC at once instead of after their entry ages.
   */
  List<String> announce(VirtualIp vip) {
    return List.of(
        "arping",
        "-U",
        "-c",
        Integer.toString(settings.announcements()),
        "-I",
        vip.interfaceName(),
        "-s",
        vip.addressText(),
        vip.addressText());
  }

  List<String> add(VirtualIp vip) {
    return List.of("ip", "addr", "add", vip.cidr(), "dev", vip.interfaceName());
  }

  List<String> delete(VirtualIp vip) {
    return List.of("ip", "addr", "del", vip.cidr(), "dev", vip.interfaceName());
  }

  List<String> show(String interfaceName) {
    return List.of("ip", "-j", "addr", "show", "dev", interfaceName);
  }

  List<String> showAll() {
    return List.of("ip", "-j", "addr", "show");
  }
}
