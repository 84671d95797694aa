package io.zferry.snapshot.host;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * How a host carries out one command as a process of this machine: {@code argv} runs here, and
 * {@code adopt} turns the started process into the command as the host reports it (a peer's {@code
 * zfs send} rather than the {@code ssh} that runs it). Two launches can then be joined by a pipe
 * the JVM never reads ({@link LocalPipeline}): the stream goes from process to process in the
 * kernel.
 *
 * @param host names the process before it is adopted
 * @param argv what runs on this machine, complete (a host's prefix included)
 * @param adopt wraps the started process; it may register it with its host (to end it on abort)
 */
public record LocalLaunch(String host, List<String> argv, UnaryOperator<RunningCommand> adopt) {
  public LocalLaunch {
    Objects.requireNonNull(host, "host");
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("an empty argv runs nothing");
    }
    Objects.requireNonNull(adopt, "adopt");
  }

  /** A process that is reported as itself. */
  public static LocalLaunch plain(String host, List<String> argv) {
    return new LocalLaunch(host, argv, UnaryOperator.identity());
  }

  /** This launch, with {@code outer} wrapped around what {@link #adopt} returns. */
  public LocalLaunch adoptedBy(UnaryOperator<RunningCommand> outer) {
    UnaryOperator<RunningCommand> inner = adopt;
    return new LocalLaunch(host, argv, process -> outer.apply(inner.apply(process)));
  }
}
