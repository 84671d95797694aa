package io.zferry.sync.transfer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The program between a send and a receive that are joined by pipes ({@link PipedTransfer}): {@code
 * pv}, which moves the bytes with splice(2) (no copy through user space where the kernel can),
 * prints how many it moved at every interval, and applies the bandwidth limit. Debian's pv package;
 * a dependency of zferry's.
 *
 * @param program the {@code pv} executable, or {@link #WITH_LARGE_PIPES} which runs it
 */
public record StreamRelay(Path program) {
  /** Where Debian's pv installs it. */
  public static final Path PV = Path.of("/usr/bin/pv");

  /**
   * The package's wrapper that grows the pipes on both sides to 1 MiB and runs pv with the same
   * arguments: with the kernel's 64 KiB pipes each hop woke its reader for every few dozen kB.
   */
  public static final Path WITH_LARGE_PIPES = Path.of("/usr/lib/zferry/zferry-relay");

  public StreamRelay {
    Objects.requireNonNull(program, "program");
  }

  /**
   * The relay's argv: counts in bytes on stderr every {@code interval}, one number per line, even
   * though stderr is no terminal; a bandwidth limit in bytes per second unless 0.
   */
  List<String> argv(long bandwidthLimit, Duration interval) {
    List<String> argv = new ArrayList<>();
    argv.add(program.toString());
    argv.add("--force");
    argv.add("--numeric");
    argv.add("--bytes");
    argv.add("--interval");
    argv.add(String.format(Locale.ROOT, "%.1f", Math.max(0.1, interval.toMillis() / 1000.0)));
    if (bandwidthLimit > 0) {
      argv.add("--rate-limit");
      argv.add(Long.toString(bandwidthLimit));
    }
    return argv;
  }

  /**
   * The latest count in the relay's stderr: the last whole line that is a number (its error
   * messages, such as a broken pipe, are not); empty before the first.
   */
  static OptionalLong latestCount(String stderr) {
    int end = stderr.lastIndexOf('\n');
    while (end > 0) {
      int start = stderr.lastIndexOf('\n', end - 1) + 1;
      String line = stderr.substring(start, end).strip();
      if (!line.isEmpty() && line.length() <= 19 && line.chars().allMatch(Character::isDigit)) {
        return OptionalLong.of(Long.parseLong(line));
      }
      end = start - 1;
    }
    return OptionalLong.empty();
  }

  /** The relay's stderr without its counts: what it said when it failed. */
  static String messages(String stderr) {
    StringBuilder kept = new StringBuilder();
    for (String line : stderr.split("\n")) {
      String text = line.strip();
      if (!text.isEmpty() && !text.chars().allMatch(Character::isDigit)) {
        kept.append(text).append('\n');
      }
    }
    return kept.toString();
  }
}
