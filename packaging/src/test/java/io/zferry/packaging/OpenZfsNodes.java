package io.zferry.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.OpenZfsLab;
import io.zferry.service.api.ApiCallException;
import io.zferry.service.api.ApiClient;
import io.zferry.service.api.TlsKeyStore;
import io.zferry.service.api.auth.ApiToken;
import io.zferry.service.api.auth.TokenFile;
import io.zferry.service.api.auth.TokenFileException;
import io.zferry.service.cli.StatusCommand;
import io.zferry.service.config.TlsConfig;
import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/** What the *OpenZfsIT tests observe on the two VMs: commands, checksums, snapshots, journals. */
final class OpenZfsNodes {
  static final String A = "node-a";
  static final String B = "node-b";
  // A pull cycle takes 50-150 s on a busy machine (every remote command starts a zferry serve
  // JVM on the 1-vCPU TCG active), and a new dataset needs two of them.
  static final Duration REPLICATED_WITHIN = Duration.ofMinutes(8);
  // The status asks the API, which on the active asks the passive too: on a busy 1-vCPU VM one
  // call may time out several times in a row.
  static final Duration STATUS_WITHIN = Duration.ofMinutes(6);

  private OpenZfsNodes() {}

  static String peer(String node) {
    return node.equals(A) ? B : A;
  }

  /** Runs argv in the node and requires exit 0, naming the command and its output otherwise. */
  static CommandResult run(OpenZfsLab lab, String node, String... argv) {
    CommandResult result = lab.exec(node, argv);
    assertThat(result.exitCode())
        .as("%s: %s%n%s%s", node, String.join(" ", argv), result.stdout(), result.stderr())
        .isZero();
    return result;
  }

  static String sha256(OpenZfsLab lab, String node, String path) {
    String out = run(lab, node, "sha256sum", path).stdout();
    return out.substring(0, out.indexOf(' '));
  }

  /** The sha256 of the 8 MiB zvol tank/vol's device. */
  static String zvolSha256(OpenZfsLab lab, String node) {
    String out =
        lab.shell(node, "udevadm settle; head -c 8388608 /dev/zvol/tank/vol | sha256sum").stdout();
    return out.substring(0, out.indexOf(' '));
  }

  /** The node's clock as a journalctl {@code --since} argument: what is logged from now on. */
  static String journalMark(OpenZfsLab lab, String node) {
    return "@" + run(lab, node, "date", "+%s").stdout().strip();
  }

  /** zferryd's journal on the node since a {@link #journalMark}. */
  static String journalSince(OpenZfsLab lab, String node, String mark) {
    return run(lab, node, journalSinceCommand(mark)).stdout();
  }

  /** The same, as a probe for {@code awaitOn}. */
  static CommandResult readJournalSince(OpenZfsLab lab, String node, String mark) {
    return lab.exec(node, journalSinceCommand(mark));
  }

  private static String[] journalSinceCommand(String mark) {
    return new String[] {"journalctl", "-u", "zferryd", "--no-pager", "-o", "cat", "--since", mark};
  }

  static String[] snapshotListing() {
    return snapshots("name,guid", "-r");
  }

  /**
   * {@code zfs list} of tank's snapshots, oldest first: {@code depth} is -r, or -d 1 for tank's.
   */
  private static String[] snapshots(String columns, String... depth) {
    List<String> argv =
        new ArrayList<>(
            List.of("zfs", "list", "-H", "-p", "-t", "snapshot", "-o", columns, "-s", "createtxg"));
    argv.addAll(List.of(depth));
    argv.add("tank");
    return argv.toArray(String[]::new);
  }

  /** Dataset → GUID of its newest snapshot, from a listing sorted by createtxg. */
  static Map<String, String> newestGuids(String listing) {
    return newest(listing, 1);
  }

  /** Dataset → short name of its newest snapshot, from a listing sorted by createtxg. */
  static Map<String, String> newestNames(String listing) {
    return newest(listing, 0);
  }

  /**
   * Dataset → one column of its newest snapshot ({@code name,guid} lines): 0 the short name, 1 the
   * GUID.
   */
  private static Map<String, String> newest(String listing, int column) {
    Map<String, String> newest = new TreeMap<>();
    for (String line : listing.lines().toList()) {
      String[] f = line.split("\t");
      int at = f[0].indexOf('@');
      newest.put(f[0].substring(0, at), column == 0 ? f[0].substring(at + 1) : f[1]);
    }
    return newest;
  }

  /**
   * Whether every dataset of {@code wanted} (dataset → GUID, names from {@code wantedNames}) is on
   * the passive whose {@code listing} this is at that snapshot or past it: the snapshot itself, or
   * a later zferry snapshot, which the passive received from the same active after it. A snapshot
   * can be gone from the passive again when it is checked: with a retention of a few rounds and a
   * pull cycle of most of a minute on TCG, the passive expires it in the cycle after the one that
   * brought it.
   */
  static boolean atOrPast(
      String listing, Map<String, String> wanted, Map<String, String> wantedNames) {
    Map<String, String> newest = newestNames(listing);
    return wanted.entrySet().stream()
        .allMatch(
            e ->
                listing.contains("\t" + e.getValue() + "\n")
                    || (wantedNames.containsKey(e.getKey())
                        && wantedNames.get(e.getKey()).startsWith("zferry-")
                        && newest.getOrDefault(e.getKey(), "").startsWith("zferry-")
                        && newest.get(e.getKey()).compareTo(wantedNames.get(e.getKey())) > 0));
  }

  /**
   * Waits until everything written on {@code from} so far has reached {@code to}: first for a
   * snapshot of the pool taken after this call (zferry's snapshots are recursive, so it covers a
   * dataset created or written just before, which may have no snapshot yet), then until every
   * dataset that is not set aside is on {@code to} at {@code from}'s newest snapshot (by GUID).
   * Returns that map.
   */
  static Map<String, String> awaitReplicated(OpenZfsLab lab, String from, String to)
      throws InterruptedException {
    long since = Long.parseLong(run(lab, from, "date", "+%s").stdout().strip());
    awaitOn(
        lab,
        from,
        "a snapshot of tank on " + from + " taken after " + since + " (epoch s)",
        () -> lab.exec(from, snapshots("creation", "-d", "1")),
        out ->
            out.lines()
                .map(String::strip)
                .anyMatch(c -> c.matches("\\d+") && Long.parseLong(c) > since));
    String listing = run(lab, from, snapshotListing()).stdout();
    Map<String, String> wanted = new TreeMap<>(newestGuids(listing));
    wanted.keySet().removeIf(ds -> ds.contains("zferry-aside"));
    Map<String, String> names = newestNames(listing);
    awaitOn(
        lab,
        to,
        "every dataset on " + to + " at " + from + "'s newest snapshot or past it " + names,
        () -> lab.exec(to, snapshotListing()),
        out -> atOrPast(out, wanted, names));
    return wanted;
  }

  /**
   * The operator's part of a failover with an encrypted dataset (docs/failover.md): the key file,
   * carried out of band from the operator's key store ({@code tmp}, filled by {@link #storeTheKey},
   * or else the peer, which created it), installed and loaded on the node that is to serve. zferry
   * never carries it.
   */
  static void loadTheKeyOn(OpenZfsLab lab, String node, java.nio.file.Path tmp)
      throws java.io.IOException {
    if (lab.exec(node, "zfs", "list", "tank/secret").exitCode() != 0) {
      return;
    }
    if (lab.exec(node, "test", "-e", "/root/secret.key").exitCode() != 0) {
      java.nio.file.Path key = tmp.resolve("secret.key");
      if (!java.nio.file.Files.exists(key)) {
        storeTheKey(lab, peer(node), tmp);
      }
      lab.copy(node, key, "/root/secret.key");
      run(lab, node, "chmod", "400", "/root/secret.key");
    }
    String status =
        run(lab, node, "zfs", "get", "-H", "-o", "value", "keystatus", "tank/secret").stdout();
    if (!status.strip().equals("available")) {
      run(lab, node, "zfs", "load-key", "tank/secret");
    }
  }

  /**
   * Copies the encrypted dataset's key from {@code node} into the operator's key store ({@code
   * tmp}, off both nodes): done while the node is up, since after its power loss it cannot hand the
   * key over.
   */
  static void storeTheKey(OpenZfsLab lab, String node, java.nio.file.Path tmp)
      throws java.io.IOException {
    String base64 = run(lab, node, "base64", "-w0", "/root/secret.key").stdout().strip();
    java.nio.file.Files.write(
        tmp.resolve("secret.key"), java.util.Base64.getDecoder().decode(base64));
  }

  /** The node whose zferry status says the service is active there. */
  /**
   * Whether the status shows the service active here and serving: "active here" is the recorded
   * role, which a node also shows while it holds (read-only, no VIPs) until its peer answers, as
   * node-a did for five minutes after a first start in a starved guest (2.3).
   */
  static boolean serving(String status) {
    return status.contains("active here") && status.contains("  state: active\n");
  }

  static String awaitActive(OpenZfsLab lab, String node) throws InterruptedException {
    awaitStatus(
        lab,
        node,
        "zferry status on " + node + ": active here and serving",
        OpenZfsNodes::serving,
        STATUS_WITHIN);
    return node;
  }

  /**
   * Waits until the text {@code zferry status} prints on the node satisfies {@code done}, then
   * requires the same of {@code zferry status} itself, run once in the node. While waiting it reads
   * the node's API from this machine (its forwarded port) and renders the answer as the command
   * does: each run of the command starts a JVM that costs a 1-vCPU TCG guest some 20 s of its only
   * CPU, and polling with it starved the zferryd under test.
   */
  static void awaitStatus(
      OpenZfsLab lab, String node, String what, Predicate<String> done, Duration within)
      throws InterruptedException {
    Supplier<CommandResult> api = apiStatus(lab, node);
    awaitOn(lab, node, what, api, done, within);
    // The command's own JVM competes with zferryd for the guest's one CPU, and its cold TLS
    // handshake can outlast the CLI's 10 s request time-out there: a request it timed out on is
    // asked again (four times at most); an answer that differs is not.
    CommandResult cli = lab.exec(node, "zferry", "status");
    for (int retry = 0; retry < 4 && cli.stderr().contains("no zferryd answers"); retry++) {
      cli = lab.exec(node, "zferry", "status");
    }
    if (!done.test(cli.stdout())) {
      throw new AssertionError(
          String.format(
              "zferry status on %s: %s; it printed:%n%s%s%n%s",
              node, what, cli.stdout(), cli.stderr(), daemonReport(lab, node)));
    }
  }

  /**
   * What systemd and zferryd said lately on the node, for a failure message: whether zferryd is
   * running, and why it last stopped (a watchdog kill, a crash, the OOM killer).
   */
  static String daemonReport(OpenZfsLab lab, String node) {
    String unit =
        lab.exec(node, "systemctl", "show", "zferryd", "-p", "ActiveState,NRestarts,ExecMainStatus")
            .stdout();
    String journal =
        lab.exec(
                node,
                "journalctl",
                "-u",
                "zferryd",
                "--no-pager",
                "-o",
                "short-precise",
                "-n",
                "60")
            .stdout();
    String kernel =
        lab.exec(
                node,
                "sh",
                "-c",
                "dmesg | grep -iE 'oom|killed process|hung_task|blocked for' | tail -n 20")
            .stdout();
    return String.format(
        "zferryd on %s:%n%sits journal:%n%skernel (OOM, hung tasks):%n%s",
        node, unit, journal, kernel);
  }

  /**
   * GET /status of the node's API, rendered as {@code zferry status} prints it. The tokens file is
   * the same on both nodes (docs/install.md); it is read from the node asked, which is the one
   * known to be up.
   */
  private static Supplier<CommandResult> apiStatus(OpenZfsLab lab, String node) {
    String tokens = run(lab, node, "cat", "/etc/zferry/api-tokens").stdout();
    ApiToken token;
    try {
      Path file = Files.createTempFile("ozlab-api-tokens", "");
      try {
        Files.writeString(file, tokens);
        token = TokenFile.read(file).forClient("cli");
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException | TokenFileException e) {
      throw new AssertionError("the API tokens of " + node + ": " + e.getMessage(), e);
    }
    // The API speaks TLS (the default): trust the node's own certificate, which names 127.0.0.1.
    SSLContext trust;
    try {
      Path certificate = Files.createTempFile("ozlab-" + node, ".pem");
      try {
        Files.writeString(certificate, run(lab, node, "cat", "/etc/zferry/tls/node.pem").stdout());
        trust = TlsKeyStore.trust(new TlsConfig(certificate, certificate));
      } finally {
        Files.deleteIfExists(certificate);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ApiClient client =
        new ApiClient(
            URI.create("https://127.0.0.1:" + lab.apiPort(node)),
            token,
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            Optional.of(trust));
    Command command = new Command(List.of("GET", "/api/v1/status", "on " + node));
    return () -> {
      try {
        return new CommandResult(
            node, command, 0, StatusCommand.text(client.get("/status", NodeStatus.class)), "");
      } catch (ApiCallException e) {
        return new CommandResult(node, command, 1, "", e.getMessage());
      }
    };
  }

  static void awaitOn(
      OpenZfsLab lab,
      String node,
      String what,
      Supplier<CommandResult> probe,
      Predicate<String> done)
      throws InterruptedException {
    awaitOn(lab, node, what, probe, done, REPLICATED_WITHIN);
  }

  static void awaitOn(
      OpenZfsLab lab,
      String node,
      String what,
      Supplier<CommandResult> probe,
      Predicate<String> done,
      Duration within)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(within);
    CommandResult last = probe.get();
    while (!done.test(last.stdout()) && Instant.now().isBefore(deadline)) {
      Thread.sleep(3000);
      last = probe.get();
    }
    if (!done.test(last.stdout())) {
      throw new AssertionError(
          String.format(
              "%s within %s; last output:%n%s%s%n%s",
              what, within, last.stdout(), last.stderr(), daemonReport(lab, node)));
    }
  }
}
