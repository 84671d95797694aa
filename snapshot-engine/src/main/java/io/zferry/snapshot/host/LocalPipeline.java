package io.zferry.snapshot.host;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Processes of this machine joined by pipes, each one's stdout into the next one's stdin, as a
 * shell's {@code a | b | c} but from argv lists: the bytes between them never enter the JVM. The
 * first reads /dev/null, the last one's output is discarded; every stderr is collected. Each stage
 * is seen as its host reports it ({@link LocalLaunch#adopt}), and when it ended is recorded, so a
 * caller can tell which stage failed first.
 */
public final class LocalPipeline implements AutoCloseable {
  private static final long RUNNING = Long.MIN_VALUE;

  /** A waiter whose process has ended is done at once; this only bounds an interrupted one. */
  private static final long WAITER_JOIN_MILLIS = 1_000;

  private final List<Process> processes;
  private final List<RunningCommand> stages;
  private final AtomicLongArray endedAt;
  private final Object ends = new Object();
  private final List<Thread> waiters = new ArrayList<>();

  private LocalPipeline(List<Process> processes, List<RunningCommand> stages) {
    this.processes = processes;
    this.stages = stages;
    this.endedAt = new AtomicLongArray(processes.size());
    for (int i = 0; i < processes.size(); i++) {
      endedAt.set(i, RUNNING);
      int stage = i;
      // A thread of its own per stage notes the end as soon as the process is reaped (onExit's
      // callbacks run later, on a shared pool), so the order of ends is the order of exits.
      Thread waiter =
          new Thread(
              () -> {
                try {
                  processes.get(stage).waitFor();
                  endedAt.compareAndSet(stage, RUNNING, System.nanoTime());
                  synchronized (ends) {
                    ends.notifyAll();
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "pipeline-stage-" + stage);
      waiter.setDaemon(true);
      waiters.add(waiter);
      waiter.start();
    }
  }

  /**
   * Starts every stage.
   *
   * @throws HostException if a stage could not be started (none is left running then)
   */
  public static LocalPipeline start(List<LocalLaunch> launches) {
    if (launches.size() < 2) {
      throw new IllegalArgumentException("a pipeline joins two commands or more");
    }
    List<ProcessBuilder> builders = new ArrayList<>();
    for (LocalLaunch launch : launches) {
      builders.add(new ProcessBuilder(launch.argv()));
    }
    builders.get(0).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builders.get(builders.size() - 1).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    List<Process> processes;
    try {
      // startPipeline destroys the stages it had started if a later one fails to start.
      processes = ProcessBuilder.startPipeline(builders);
    } catch (IOException e) {
      throw new HostException(
          launches.get(0).host(),
          "could not start the pipeline " + describe(launches) + ": " + e.getMessage(),
          e);
    }
    List<RunningCommand> stages = new ArrayList<>();
    for (int i = 0; i < launches.size(); i++) {
      LocalLaunch launch = launches.get(i);
      stages.add(
          launch
              .adopt()
              .apply(
                  new LocalProcess(launch.host(), new Command(launch.argv()), processes.get(i))));
    }
    return new LocalPipeline(List.copyOf(processes), List.copyOf(stages));
  }

  /** The stages in order, as their hosts report them. */
  public List<RunningCommand> stages() {
    return stages;
  }

  public RunningCommand stage(int index) {
    return stages.get(index);
  }

  /** When the stage's process ended, on {@link System#nanoTime()}; empty while it runs. */
  public OptionalLong endedAt(int index) {
    if (endedAt.get(index) == RUNNING && !processes.get(index).isAlive()) {
      // Ended: its waiter notes when in a moment; a later stamp here would misorder the ends.
      try {
        waiters.get(index).join(WAITER_JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    long at = endedAt.get(index);
    return at == RUNNING ? OptionalLong.empty() : OptionalLong.of(at);
  }

  /**
   * Waits up to {@code timeout} for a stage to end; returns at once if every stage has ended. A
   * supervisor can then look rarely and still see an end as it happens.
   */
  public void awaitAnEnd(java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (ends) {
      int endedBefore = endedCount();
      long left;
      while (endedCount() == endedBefore
          && endedBefore < processes.size()
          && (left = deadline - System.nanoTime()) > 0) {
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(ends, left);
      }
    }
  }

  private int endedCount() {
    int ended = 0;
    for (int i = 0; i < processes.size(); i++) {
      if (endedAt.get(i) != RUNNING) {
        ended++;
      }
    }
    return ended;
  }

  /** Whether every stage has ended. */
  public boolean ended() {
    for (int i = 0; i < processes.size(); i++) {
      if (endedAt(i).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Ends every stage at once. */
  public void kill() {
    stages.forEach(RunningCommand::kill);
  }

  @Override
  public void close() {
    stages.forEach(RunningCommand::close);
  }

  private static String describe(List<LocalLaunch> launches) {
    List<String> programs = new ArrayList<>();
    for (LocalLaunch launch : launches) {
      programs.add(launch.argv().get(0));
    }
    return String.join(" | ", programs);
  }
}
