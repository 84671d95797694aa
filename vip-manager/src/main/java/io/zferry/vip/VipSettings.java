package io.zferry.vip;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of {@link LinuxVipManager}. The defaults fit a LAN: a duplicate-address check of two
 * probes (about 2 s when nobody answers, at once when someone does), two gratuitous ARPs a second
 * apart (a lost first one is covered; Linux ignores a second update within its 1 s {@code locktime}
 * anyway), a single probe heard for 300 ms when the previous holder is known to have let it go, and
 * up to 5 s for the kernel's IPv6 duplicate address detection (one probe and a 1 s retransmit timer
 * by default).
 *
 * @param commandTimeout how long any single command may run before it is killed
 * @param dadProbes ARP probes of the IPv4 duplicate-address check ({@code arping -D -c})
 * @param dadDeadline how long that check may take at most ({@code arping -D -w}, whole seconds)
 * @param announcements gratuitous ARPs sent after bringing an IPv4 VIP up ({@code arping -U -c})
 * @param ipv6DadTimeout how long an IPv6 VIP may stay tentative before bringing it up fails
 * @param ipv6DadPoll how often its state is read meanwhile
 * @param shortProbeWindow how long the one probe of {@link AddressProbe#SHORT} listens for an
 *     answer (300 ms by default: a host on the LAN answers within milliseconds)
 */
public record VipSettings(
    Duration commandTimeout,
    int dadProbes,
    Duration dadDeadline,
    int announcements,
    Duration ipv6DadTimeout,
    Duration ipv6DadPoll,
    Duration shortProbeWindow) {
  public VipSettings {
    Objects.requireNonNull(commandTimeout, "commandTimeout");
    Objects.requireNonNull(dadDeadline, "dadDeadline");
    Objects.requireNonNull(ipv6DadTimeout, "ipv6DadTimeout");
    Objects.requireNonNull(ipv6DadPoll, "ipv6DadPoll");
    Objects.requireNonNull(shortProbeWindow, "shortProbeWindow");
    if (shortProbeWindow.toMillis() < 10 || shortProbeWindow.compareTo(dadDeadline) > 0) {
      throw new IllegalArgumentException(
          "shortProbeWindow must be 10 ms to dadDeadline, not " + shortProbeWindow);
    }
    if (dadProbes < 1 || dadProbes > 10) {
      throw new IllegalArgumentException("dadProbes must be 1 to 10, not " + dadProbes);
    }
    if (announcements < 1 || announcements > 10) {
      throw new IllegalArgumentException("announcements must be 1 to 10, not " + announcements);
    }
    if (dadDeadline.toSeconds() < 1) {
      throw new IllegalArgumentException("dadDeadline must be at least 1 s, not " + dadDeadline);
    }
    Duration longestArping = Duration.ofSeconds(Math.max(dadDeadline.toSeconds(), announcements));
    if (commandTimeout.compareTo(longestArping.plusSeconds(2)) < 0) {
      throw new IllegalArgumentException(
          "commandTimeout "
              + commandTimeout
              + " leaves arping no time: make it at least 2 s longer than dadDeadline and than"
              + " one second per announcement");
    }
    if (ipv6DadPoll.isNegative() || ipv6DadPoll.isZero() || ipv6DadTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "ipv6DadPoll must be positive and ipv6DadTimeout not negative");
    }
  }

  public static VipSettings defaults() {
    return new VipSettings(
        Duration.ofSeconds(15),
        2,
        Duration.ofSeconds(3),
        2,
        Duration.ofSeconds(5),
        Duration.ofMillis(200),
        Duration.ofMillis(300));
  }
}
