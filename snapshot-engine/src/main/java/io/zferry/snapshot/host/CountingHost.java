package io.zferry.snapshot.host;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host that counts the commands it runs, by what they do ({@code zfs list}, {@code zfs send},
 * ...): how many commands a cycle costs on each node is what its fixed time is made of, and what an
 * operator sees in {@code zferry_zfs_commands_total}. At DEBUG it also logs how long each command
 * that runs to its end took, which is where a slow cycle's time went. Everything else is the
 * delegate's.
 */
public final class CountingHost implements Host {
  private static final Logger log = LoggerFactory.getLogger(CountingHost.class);
  private final Host delegate;
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  public CountingHost(Host delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** Commands run so far, by {@link #kind}, sorted. */
  public Map<String, Long> counts() {
    Map<String, Long> now = new TreeMap<>();
    counts.forEach((kind, adder) -> now.put(kind, adder.sum()));
    return now;
  }

  /**
   * What a command does: {@code zfs} and its subcommand (also when a wrapper runs it, as the peer's
   * compressor does), or the program's name.
   */
  static String kind(Command command) {
    List<String> argv = command.argv();
    for (int i = 0; i < argv.size() - 1; i++) {
      String word = argv.get(i);
      if (word.equals("zfs") || word.endsWith("/zfs")) {
        return "zfs " + argv.get(i + 1);
      }
    }
    String program = argv.get(0);
    return program.substring(program.lastIndexOf('/') + 1);
  }

  private void count(Command command) {
    counts.computeIfAbsent(kind(command), k -> new LongAdder()).increment();
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public RunningCommand start(Command command) {
    count(command);
    return delegate.start(command);
  }

  @Override
  public CommandResult run(Command command, Duration timeout) {
    count(command);
    if (!log.isDebugEnabled()) {
      return delegate.run(command, timeout);
    }
    long started = System.nanoTime();
    CommandResult result = delegate.run(command, timeout);
    log.debug(
        "{}: {} ms, exit {}: {}",
        name(),
        (System.nanoTime() - started) / 1_000_000,
        result.exitCode(),
        String.join(" ", command.argv()));
    return result;
  }

  @Override
  public Optional<LocalLaunch> launch(Command command) {
    Optional<LocalLaunch> launch = delegate.launch(command);
    launch.ifPresent(l -> count(command));
    return launch;
  }

  @Override
  public boolean launchesLocally() {
    return delegate.launchesLocally();
  }

  @Override
  public int abortRunning() {
    return delegate.abortRunning();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "CountingHost[" + delegate + "]";
  }
}
