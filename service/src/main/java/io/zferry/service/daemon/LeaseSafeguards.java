package io.zferry.service.daemon;

import io.zferry.service.control.DeadMansSwitch;
import io.zferry.service.failover.VipControl;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Zfs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What the lease's {@link DeadMansSwitch} does to one service on this node: the VIPs go down
 * through {@link VipControl} (ip, no ZFS), this process's {@code zfs} and {@code zpool} children
 * that name the pool are killed (the calls a wedged control loop waits for), and {@code
 * readonly=on} is set on a thread of its own, waited for at most {@link #WRITES_WAIT}: a suspended
 * pool would hang it, and the VIPs are down by then anyway.
 */
final class LeaseSafeguards implements DeadMansSwitch.Safeguards {
  /** How long the switch waits for {@code zfs set readonly=on}; it goes on in the background. */
  static final Duration WRITES_WAIT = Duration.ofSeconds(5);

  private final VipControl vips;
  private final Zfs zfs;
  private final DatasetName pool;
  private final Supplier<Stream<ProcessHandle>> children;

  LeaseSafeguards(
      VipControl vips, Zfs zfs, DatasetName pool, Supplier<Stream<ProcessHandle>> children) {
    this.vips = vips;
    this.zfs = zfs;
    this.pool = pool;
    this.children = children;
  }

  /** The safeguards over this JVM's own children. */
  static LeaseSafeguards of(VipControl vips, Zfs zfs, DatasetName pool) {
    return new LeaseSafeguards(vips, zfs, pool, () -> ProcessHandle.current().descendants());
  }

  @Override
  public List<String> dropVips() {
    VipControl.Result result = vips.converge(false);
    List<String> lines = new ArrayList<>();
    result.removed().forEach(vip -> lines.add(vip + " removed"));
    lines.addAll(result.problems());
    return lines;
  }

  @Override
  public List<String> killZfsChildren() {
    List<String> killed = new ArrayList<>();
    children
        .get()
        .forEach(
            process -> {
              String command = process.info().command().orElse("");
              List<String> args = List.of(process.info().arguments().orElse(new String[0]));
              if (worksOn(command, args, pool.value()) && process.destroyForcibly()) {
                killed.add("pid " + process.pid() + " (" + describe(command, args) + ")");
              }
            });
    return killed;
  }

  @Override
  public List<String> stopWrites() {
    CompletableFuture<List<String>> set =
        CompletableFuture.supplyAsync(
            () -> PoolWrites.readOnly(zfs, pool, true),
            runnable -> {
              Thread t = new Thread(runnable, "dead-mans-switch-readonly-" + pool.value());
              t.setDaemon(true);
              t.start();
            });
    try {
      List<String> problems = set.get(WRITES_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return problems.isEmpty() ? List.of(pool + " read-only") : problems;
    } catch (TimeoutException e) {
      return List.of(
          "zfs set readonly=on "
              + pool
              + " did not return within "
              + WRITES_WAIT.toSeconds()
              + "s (ZFS hangs); it goes on in the background");
    } catch (ExecutionException e) {
      return List.of("could not make " + pool + " read-only: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of("interrupted while making " + pool + " read-only");
    }
  }

  /**
   * Whether a child process is a {@code zfs} or {@code zpool} call on {@code pool}: one of its
   * arguments is the pool, a dataset or snapshot in it.
   */
  static boolean worksOn(String command, List<String> args, String pool) {
    String program = command.substring(command.lastIndexOf('/') + 1);
    if (!program.equals("zfs") && !program.equals("zpool")) {
      return false;
    }
    return args.stream()
        .anyMatch(
            a ->
                a.equals(pool)
                    || a.startsWith(pool + "/")
                    || a.startsWith(pool + "@")
                    || a.startsWith(pool + "#"));
  }

  private static String describe(String command, List<String> args) {
    String program = command.substring(command.lastIndexOf('/') + 1);
    return Stream.concat(Stream.of(program), args.stream()).reduce((a, b) -> a + " " + b).get();
  }
}
