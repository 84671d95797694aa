package io.zferry.service.cli;

import io.zferry.sync.serve.ZferryServe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code zferry serve}, listed here for help and completeness; the launchers start {@link
 * ZferryServe} directly, without picocli, because sshd starts it once per command a peer sends.
 */
@CommandLine.Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "The forced command of a peer's key in authorized_keys (see zferry setup-ssh): runs the"
          + " command the SSH client asked for (SSH_ORIGINAL_COMMAND) only if it is one of the"
          + " zfs list, get and send operations zferry needs, each argument validated and every"
          + " dataset in a pool of the configuration's services; anything else is refused with"
          + " exit status 77 and runs nothing."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "77:the command was refused",
      "127:zfs could not be started",
      "other:the status of zfs itself"
    })
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--zfs", paramLabel = "PATH", description = "The zfs program (absolute path).")
  String zfs;

  @Option(
      names = "--config",
      paramLabel = "PATH",
      description =
          "The configuration whose services' pools may be sent (absolute path; default"
              + " /etc/zferry/zferry.yaml).")
  String config;

  @Override
  public Integer call() {
    List<String> args = new ArrayList<>();
    if (zfs != null) {
      args.add("--zfs");
      args.add(zfs);
    }
    if (config != null) {
      args.add("--config");
      args.add(config);
    }
    return ZferryServe.serve(args.toArray(String[]::new), System.getenv(), System.err);
  }
}
