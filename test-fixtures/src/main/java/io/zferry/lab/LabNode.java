package io.zferry.lab;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.Host;
import io.zferry.snapshot.host.LocalHost;
import io.zferry.snapshot.zfs.CliZfs;
import io.zferry.snapshot.zfs.Zfs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One node of the lab as seen from the test JVM in the host namespace: commands enter the node's
 * namespaces through {@code nsenter}, and its sshd is reachable on a loopback forward whose host
 * key is pinned under the node's name.
 *
 * @param name node-a, node-b or client
 * @param address the node's lab address
 * @param forwardedSshPort 127.0.0.1 port that reaches the node's sshd, or 0 for the client
 * @param clientKey private key authorised for root on both nodes
 * @param knownHosts known_hosts with the nodes' host keys under their names
 * @param nsenterPrefix argv that runs a command inside the node
 */
public record LabNode(
    String name,
    String address,
    int forwardedSshPort,
    Path clientKey,
    Path knownHosts,
    List<String> nsenterPrefix) {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  public LabNode {
    nsenterPrefix = List.copyOf(nsenterPrefix);
  }

  /** Runs commands inside this node, as its own processes would. */
  public Host host() {
    return new LocalHost(name, nsenterPrefix);
  }

  public Zfs zfs() {
    return new CliZfs(host());
  }

  /** Runs a command in the node and returns its result whatever the exit code. */
  public CommandResult exec(String... argv) {
    return host().run(Command.of(argv), TIMEOUT);
  }

  /** Runs a shell snippet in the node; for test set-up only, never for product code paths. */
  public CommandResult shell(String script) {
    return exec("sh", "-c", script).requireSuccess();
  }

  /**
   * Returns pool {@code tank} to its freshly created state: children, snapshots and files of the
   * root dataset are gone and it is writable. For tests that replicate the whole pool. zfs-fuse
   * keeps a snapshot busy for seconds while its daemon winds down a send whose client was killed,
   * hence the patient retries.
   */
  public void resetPool() {
    shell(
        String.join(
            "\n",
            "set -e",
            "pkill -9 --ns $$ --nslist net -f '^(/[^ ]*/)?zfs (send|receive|recv)' || true",
            "zfs inherit readonly tank",
            // One name a line, read whole: a ZFS name may hold a space.
            "zfs list -H -o name -r -t filesystem,volume tank | tail -n +2 | sort -r |",
            "while IFS= read -r fs; do",
            "  i=0; until zfs destroy -r \"$fs\" 2>/dev/null; do",
            "    i=$((i+1)); [ $i -lt 60 ] || zfs destroy -r \"$fs\"; sleep 0.25; done",
            "done",
            "zfs list -H -o name -t snapshot -r tank | while IFS= read -r snap; do",
            "  i=0; until zfs destroy \"$snap\" 2>/dev/null; do",
            "    i=$((i+1)); [ $i -lt 60 ] || zfs destroy \"$snap\"; sleep 0.25; done",
            "done",
            "find /tank -mindepth 1 -maxdepth 1 -exec rm -rf {} +"));
  }

  /** The SHA-256 of a file as the node sees it through its own ZFS mount. */
  public String sha256(String path) {
    String out = exec("sha256sum", path).requireSuccess().stdout();
    return out.substring(0, out.indexOf(' '));
  }
}
