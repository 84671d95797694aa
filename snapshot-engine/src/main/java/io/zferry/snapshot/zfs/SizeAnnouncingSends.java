package io.zferry.snapshot.zfs;

import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.ForwardingRunningCommand;
import io.zferry.snapshot.host.RunningCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends that announce their own size: on OpenZFS {@code zfs send -P} prints its estimate on stderr
 * before the stream, so the progress of a long transfer gets a total without a second command on
 * the source (a {@code zferry serve} JVM on the peer). A peer whose {@code zferry serve} predates
 * this refuses the flag (exit 77 and a "refused" line, before any stream): the transfer fails once,
 * is logged, and every later send to that host goes without {@code -P} (a rolling upgrade keeps
 * replicating).
 */
final class SizeAnnouncingSends {
  private static final Logger log = LoggerFactory.getLogger(SizeAnnouncingSends.class);
  private static final String FLAG = "-P";

  /** zferry serve's exit status for a refused command (its REFUSED). */
  private static final int REFUSED = 77;

  private final String hostName;
  private volatile boolean refusedByPeer;

  SizeAnnouncingSends(String hostName) {
    this.hostName = hostName;
  }

  /** The argv of a send ({@code send ...}) with {@code -P} when the host can announce sizes. */
  List<String> arguments(List<String> sendArguments, Capabilities capabilities) {
    List<String> args = new ArrayList<>(sendArguments);
    if (capabilities.sendSizeEstimate() && !refusedByPeer) {
      args.add(1, FLAG);
    }
    return args;
  }

  /** The running send, watched for a peer that refuses {@code -P}. */
  RunningCommand watch(RunningCommand send) {
    return announces(send) ? new Watched(send) : send;
  }

  /** The size the running send announced, once it has. */
  static OptionalLong announced(RunningCommand send) {
    return announces(send) ? CliZfs.parseSizeEstimate(send.stderrSoFar()) : OptionalLong.empty();
  }

  /** Whether the send runs with {@code -P}, also when a wrapper runs it ({@code W zfs send -P}). */
  private static boolean announces(RunningCommand send) {
    List<String> argv = send.command().argv();
    int subcommand = argv.indexOf("send");
    return subcommand > 0 && subcommand + 1 < argv.size() && argv.get(subcommand + 1).equals(FLAG);
  }

  private void noteResult(CommandResult result) {
    if (result.exitCode() == REFUSED
        && result.stderr().contains("refused")
        && result.stderr().contains(" " + FLAG)
        && !refusedByPeer) {
      refusedByPeer = true;
      log.warn(
          "{}: its zferry serve refuses 'zfs send {}' (an older zferry); sends go without it, and"
              + " transfer sizes are asked for separately until the peer is upgraded",
          hostName,
          FLAG);
    }
  }

  private final class Watched extends ForwardingRunningCommand {
    Watched(RunningCommand send) {
      super(send);
    }

    @Override
    public CommandResult await(Duration timeout) {
      CommandResult result = delegate.await(timeout);
      noteResult(result);
      return result;
    }
  }
}
