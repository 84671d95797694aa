package io.zferry.service.config;

import io.zferry.snapshot.zfs.ZfsNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Whether a node may take over a service automatically when its peer stops answering (design §5
 * rule 3). A peer that stopped answering may still be writing to its copy of the pool, so taking
 * over without proof that it is down risks two active nodes; each policy is a different answer to
 * that risk.
 */
public sealed interface FencingPolicy
    permits FencingPolicy.Command, FencingPolicy.Ignore, FencingPolicy.Manual {

  /** The YAML value of {@code fencing.policy}. */
  String policyName();

  /**
   * Take over only after a fence command succeeded (power off or isolate the peer).
   *
   * @param argv the command and its arguments, run without a shell; argv[0] is an absolute path so
   *     that no PATH decides which program fences
   * @param timeout a command still running after this long has failed (1s..1h)
   */
  record Command(List<String> argv, Duration timeout) implements FencingPolicy {
    public static final DurationRange TIMEOUT_RANGE = DurationRange.of("1s", "1h");
    // Power fencing through a BMC can take tens of seconds.
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public Command {
      Objects.requireNonNull(argv, "argv");
      argv = List.copyOf(argv);
      if (argv.isEmpty()) {
        throw new ConfigValueException(
            "command",
            "the fence command is empty",
            "give the command and its arguments as a list, such as [/usr/local/sbin/fence-peer,"
                + " --off]");
      }
      for (int i = 0; i < argv.size(); i++) {
        if (argv.get(i).indexOf('\0') >= 0) {
          throw new ConfigValueException(
              "command[" + i + "]",
              ZfsNames.printable(argv.get(i)) + " contains a NUL character",
              "remove it; no program can receive one in an argument");
        }
      }
      Checks.absolute("command[0]", Path.of(argv.get(0)));
      TIMEOUT_RANGE.check("timeout", timeout);
    }

    @Override
    public String policyName() {
      return "command";
    }
  }

  /** Take over without fencing: for setups where the peer cannot harm the data once unreachable. */
  record Ignore() implements FencingPolicy {
    @Override
    public String policyName() {
      return "ignore";
    }
  }

  /** Never take over automatically; an operator runs {@code zferry failover --force}. */
  record Manual() implements FencingPolicy {
    @Override
    public String policyName() {
      return "manual";
    }
  }
}
