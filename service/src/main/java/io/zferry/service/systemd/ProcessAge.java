package io.zferry.service.systemd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How long ago this process started, from the kernel's own clock since boot: the start time in
 * {@code /proc/self/stat} against {@code /proc/uptime}. Start-up's cost is logged with it. {@code
 * ProcessHandle.Info.startInstant()} is no use here: it adds the boot time, which Linux gives in
 * whole seconds, so it is up to a second off.
 */
public final class ProcessAge {
  /** USER_HZ: the unit of the start time in /proc/PID/stat, 100 on every Linux architecture. */
  static final int TICKS_PER_SECOND = 100;

  private ProcessAge() {}

  /** This process's age, or empty where /proc cannot tell it. */
  public static Optional<Duration> ofThisProcess() {
    try {
      return parse(
          Files.readString(Path.of("/proc/self/stat")), Files.readString(Path.of("/proc/uptime")));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The age from a stat line and an uptime line. The process's name, in parentheses, may itself
   * hold spaces and parentheses, so the fields are counted from the last ')'.
   */
  static Optional<Duration> parse(String stat, String uptime) {
    int nameEnd = stat.lastIndexOf(')');
    String[] uptimeFields = uptime.trim().split("\\s+");
    if (nameEnd < 0 || uptimeFields.length == 0 || uptimeFields[0].isEmpty()) {
      return Optional.empty();
    }
    // After the name: field 3 (state) first, so field 22 (starttime) is the 20th.
    String[] fields = stat.substring(nameEnd + 1).trim().split("\\s+");
    if (fields.length < 20) {
      return Optional.empty();
    }
    try {
      long startTicks = Long.parseLong(fields[19]);
      long upMillis = Math.round(Double.parseDouble(uptimeFields[0]) * 1000);
      long startMillis = startTicks * 1000 / TICKS_PER_SECOND;
      return upMillis >= startMillis
          ? Optional.of(Duration.ofMillis(upMillis - startMillis))
          : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
