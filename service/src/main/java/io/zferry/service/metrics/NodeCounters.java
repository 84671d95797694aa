package io.zferry.service.metrics;

import io.zferry.lockstate.RunResult;
import io.zferry.snapshot.host.CountingHost;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * What happened on this node since zferryd started, per service: bytes pulled, pulls by result,
 * fence attempts and errors. Counters only grow; a restart starts them at zero again, which
 * Prometheus's {@code rate()} and {@code increase()} expect. Thread-safe.
 */
public final class NodeCounters {
  /** The kinds of {@code zferry_errors_total}. */
  public enum ErrorKind {
    /** A pull failed (the transfer or a command). */
    PULL,
    /** A pull found that this node holds snapshots the active lacks. */
    DIVERGENCE,
    /** A fence command failed, so no takeover. */
    FENCE;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Map<String, ServiceCounters> services = new ConcurrentHashMap<>();
  private final List<CountingHost> hosts = new CopyOnWriteArrayList<>();

  /** Counts the commands of {@code host} from now on ({@link #zfsCommands}); returns it. */
  public CountingHost countCommandsOf(CountingHost host) {
    hosts.add(host);
    return host;
  }

  /** Commands run so far, by host name and what they do. */
  public Map<String, Map<String, Long>> zfsCommands() {
    Map<String, Map<String, Long>> all = new TreeMap<>();
    for (CountingHost host : hosts) {
      all.put(host.name(), host.counts());
    }
    return all;
  }

  /** A finished pull of {@code service}. */
  public void pulled(String service, long bytes, RunResult result) {
    ServiceCounters c = of(service);
    c.bytes.add(Math.max(0, bytes));
    c.runs.get(result).increment();
    if (result == RunResult.FAILED) {
      c.errors.get(ErrorKind.PULL).increment();
    } else if (result == RunResult.DIVERGED) {
      c.errors.get(ErrorKind.DIVERGENCE).increment();
    }
  }

  /** A fence command ran for {@code service}. */
  public void fenced(String service, boolean succeeded) {
    ServiceCounters c = of(service);
    (succeeded ? c.fenceSucceeded : c.fenceFailed).increment();
    if (!succeeded) {
      c.errors.get(ErrorKind.FENCE).increment();
    }
  }

  /** The counts of one service now; zero for one nothing happened to. */
  public Counts counts(String service) {
    ServiceCounters c = of(service);
    Map<RunResult, Long> runs = new EnumMap<>(RunResult.class);
    c.runs.forEach((result, adder) -> runs.put(result, adder.sum()));
    Map<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);
    c.errors.forEach((kind, adder) -> errors.put(kind, adder.sum()));
    return new Counts(
        c.bytes.sum(), Map.copyOf(runs), c.fenceSucceeded.sum(), c.fenceFailed.sum(), errors);
  }

  /** The services anything was counted for, sorted. */
  public Set<String> services() {
    return new TreeMap<>(services).keySet();
  }

  private ServiceCounters of(String service) {
    return services.computeIfAbsent(service, s -> new ServiceCounters());
  }

  /**
   * One service's counters at one moment.
   *
   * @param bytesPulled bytes of zfs send streams received by this node
   * @param runs finished pulls by result, every result present
   * @param errors every kind present
   */
  public record Counts(
      long bytesPulled,
      Map<RunResult, Long> runs,
      long fencesSucceeded,
      long fencesFailed,
      Map<ErrorKind, Long> errors) {
    public Counts {
      runs = Map.copyOf(runs);
      errors = Map.copyOf(errors);
    }

    /** Nothing happened. */
    public static Counts zero() {
      return new NodeCounters().counts("none");
    }
  }

  private static final class ServiceCounters {
    final LongAdder bytes = new LongAdder();
    final Map<RunResult, LongAdder> runs = new EnumMap<>(RunResult.class);
    final LongAdder fenceSucceeded = new LongAdder();
    final LongAdder fenceFailed = new LongAdder();
    final Map<ErrorKind, LongAdder> errors = new EnumMap<>(ErrorKind.class);

    ServiceCounters() {
      // Filled once here and never changed again, so concurrent reads of the maps are safe.
      for (RunResult result : RunResult.values()) {
        runs.put(result, new LongAdder());
      }
      for (ErrorKind kind : ErrorKind.values()) {
        errors.put(kind, new LongAdder());
      }
    }
  }
}
