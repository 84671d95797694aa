package io.zferry.service.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Executables run when a service starts or stops on a node (for example to export NFS shares or
 * start a database on the pool). Each runs without a shell, one after the other in the order given;
 * a hook that fails or outlives {@code timeout} fails the step it belongs to.
 *
 * @param start run in order when the node becomes active, before the VIPs come up
 * @param stop run in order when the node stops being active, after the VIPs went down and before
 *     the final snapshot of a switchover (design §5 rule 6)
 * @param timeout how long each hook may run (1s..1h)
 */
public record Hooks(List<Path> start, List<Path> stop, Duration timeout) {
  public static final DurationRange TIMEOUT_RANGE = DurationRange.of("1s", "1h");
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
  public static final Hooks NONE = new Hooks(List.of(), List.of(), DEFAULT_TIMEOUT);

  public Hooks {
    start = Checks.absolute("start", start);
    stop = Checks.absolute("stop", stop);
    TIMEOUT_RANGE.check("timeout", timeout);
  }
}
