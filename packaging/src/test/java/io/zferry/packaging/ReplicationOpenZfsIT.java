package io.zferry.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.OpenZfsLab;
import io.zferry.lab.OpenZfsLabExtension;
import io.zferry.snapshot.host.CommandResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb this build made, on two kernel-OpenZFS servers (the {@code ozlab} VMs), set up exactly
 * as docs/install.md says: installed with apt, one configuration on both nodes, API tokens made on
 * node-a and copied, {@code zferry setup-ssh} on each node, {@code systemctl enable --now zferryd}.
 * A file on the active's pool root and one in a child dataset reach the passive intact, and each
 * node's {@code zferry status} names its role. Then datasets of every kind an OpenZFS server holds
 * (encrypted, a zvol, {@code mountpoint=legacy}, {@code canmount=noauto} and {@code off}) reach the
 * passive at the active's snapshot, the encryption key never leaves the active, and a snapshot an
 * operator took on the passive stops nothing (and goes only with an announcement). Runs only with
 * {@code -Dzferry.openzfs=2.1|2.3}.
 */
@ExtendWith(OpenZfsLabExtension.class)
class ReplicationOpenZfsIT {
  private static final String A = "node-a";
  private static final String B = "node-b";
  private static final Duration REPLICATED_WITHIN = Duration.ofMinutes(4);

  @Test
  void theDocumentedInstallReplicatesEveryKindOfDataset(OpenZfsLab lab, @TempDir Path tmp)
      throws Exception {
    Path deb = Path.of(System.getProperty("zferry.deb"));
    assertThat(deb).as("the package built in this module").isRegularFile();
    System.out.printf("OpenZFS %s (zfsutils-linux %s)%n", lab.version(), lab.zfsPackageVersion());
    for (String node : OpenZfsLab.NODES) {
      startFromScratch(lab, node);
    }

    // 2. The package (both): its dependencies are in the image, as on a server with a mirror.
    for (String node : OpenZfsLab.NODES) {
      lab.copy(node, deb, "/root/" + deb.getFileName());
      run(lab, node, "apt-get", "install", "-y", "/root/" + deb.getFileName());
      assertThat(run(lab, node, "zferry", "version").stdout()).startsWith("zferry ");
    }

    // 3. The configuration (both): one file, written once and copied.
    Path config = tmp.resolve("zferry.yaml");
    Files.writeString(config, configuration(lab));
    for (String node : OpenZfsLab.NODES) {
      lab.copy(node, config, "/etc/zferry/zferry.yaml");
    }

    // 4. API tokens, made on node-a and copied to node-b with mode 0600.
    run(lab, A, "zferry", "token", "new", "peer");
    run(lab, A, "zferry", "token", "new", "cli");
    Path tokens = tmp.resolve("api-tokens");
    Files.writeString(tokens, run(lab, A, "cat", "/etc/zferry/api-tokens").stdout());
    lab.copy(B, tokens, "/etc/zferry/api-tokens");
    run(lab, B, "chmod", "600", "/etc/zferry/api-tokens");

    // 5. SSH: each node's key, forced to `zferry serve`, in the other's authorized_keys; each
    // node pins its peer's host key.
    authorize(lab, A, B, tmp);
    authorize(lab, B, A, tmp);

    // 6. Check the configuration (both).
    for (String node : OpenZfsLab.NODES) {
      run(lab, node, "zferry", "config", "check");
      run(lab, node, "zferryd", "--check-config");
    }

    // 7. Start, node-a first. Type=notify: systemctl returns once zferryd said READY=1.
    for (String node : OpenZfsLab.NODES) {
      Instant start = Instant.now();
      run(lab, node, "systemctl", "enable", "--now", "zferryd");
      System.out.printf(
          "%s: systemctl enable --now zferryd returned after %d ms (ready)%n",
          node, Duration.between(start, Instant.now()).toMillis());
    }

    // node-a serves once it has reached node-b (docs/install.md, step 7).
    awaitOn(
        lab,
        A,
        "zferry status on node-a: active here",
        () -> lab.exec(A, "zferry", "status"),
        out -> out.contains("active here"));

    // Data on the active: the pool root and a child dataset.
    run(lab, A, "sh", "-c", "head -c 4194304 /dev/urandom > /tank/root-file.bin");
    run(lab, A, "zfs", "create", "tank/child");
    run(lab, A, "sh", "-c", "head -c 2097152 /dev/urandom > /tank/child/child-file.bin");
    String rootSum = sha256(lab, A, "/tank/root-file.bin");
    String childSum = sha256(lab, A, "/tank/child/child-file.bin");

    awaitOn(
        lab,
        B,
        "both files on the passive with the active's sha256",
        () -> lab.exec(B, "sha256sum", "/tank/root-file.bin", "/tank/child/child-file.bin"),
        out -> out.contains(rootSum) && out.contains(childSum));
    assertThat(sha256(lab, B, "/tank/root-file.bin")).isEqualTo(rootSum);
    assertThat(sha256(lab, B, "/tank/child/child-file.bin")).isEqualTo(childSum);

    awaitOn(
        lab,
        B,
        "zferry status on node-b: passive here, active on node-a",
        () -> lab.exec(B, "zferry", "status"),
        out -> out.contains("passive here") && out.contains("active on node-a"));

    everyKindOfDatasetReachesThePassive(lab);

    // For the log only: the API of a busy 1-vCPU VM may take longer than the CLI waits.
    System.out.println(lab.exec(A, "zferry", "status").stdout());
    System.out.println(lab.exec(B, "zferry", "status").stdout());
  }

  private static final String OPERATOR_SNAPSHOT = "tank@operator-before-upgrade";
  private static final List<String> EVERY_KIND =
      List.of("tank/secret", "tank/vol", "tank/legacy", "tank/noauto", "tank/off");

  private static void everyKindOfDatasetReachesThePassive(OpenZfsLab lab)
      throws InterruptedException {
    // A snapshot an operator (or sanoid, zfs-auto-snapshot) takes on the passive.
    run(lab, B, "zfs", "snapshot", OPERATOR_SNAPSHOT);
    lab.shell(
        A,
        String.join(
            "\n",
            "set -e",
            "head -c 32 /dev/urandom > /root/secret.key",
            "zfs create -o encryption=aes-256-gcm -o keyformat=raw"
                + " -o keylocation=file:///root/secret.key tank/secret",
            "head -c 1048576 /dev/urandom > /tank/secret/secret-file.bin",
            "zfs create -V 8M tank/vol",
            "udevadm settle",
            "head -c 8388608 /dev/urandom > /dev/zvol/tank/vol",
            "sync",
            "zfs create -o mountpoint=legacy tank/legacy",
            "mkdir -p /mnt/legacy",
            "mount -t zfs tank/legacy /mnt/legacy",
            "head -c 1048576 /dev/urandom > /mnt/legacy/legacy-file.bin",
            "umount /mnt/legacy",
            "zfs create -o canmount=noauto tank/noauto",
            "zfs create -o canmount=off tank/off"));
    String volSum = zvolSha256(lab, A);

    // The active's newest snapshot of each dataset, once a round has taken one of each.
    awaitOn(
        lab,
        A,
        "a snapshot of every new dataset on the active",
        () -> lab.exec(A, "zfs", "list", "-H", "-p", "-t", "snapshot", "-o", "name", "-r", "tank"),
        out -> EVERY_KIND.stream().allMatch(ds -> out.contains(ds + "@")));
    Map<String, String> wanted = newestGuids(run(lab, A, snapshotListing()).stdout());
    awaitOn(
        lab,
        B,
        "every dataset on the passive at the active's newest snapshot " + wanted,
        () -> lab.exec(B, snapshotListing()),
        out -> wanted.values().stream().allMatch(guid -> out.contains("\t" + guid + "\n")));

    // Raw: the passive holds the encrypted blocks, not the key.
    assertThat(run(lab, B, "zfs", "get", "-H", "-o", "value", "encryption", "tank/secret").stdout())
        .isEqualTo("aes-256-gcm\n");
    assertThat(run(lab, B, "zfs", "get", "-H", "-o", "value", "keystatus", "tank/secret").stdout())
        .isEqualTo("unavailable\n");
    assertThat(lab.exec(B, "test", "-e", "/root/secret.key").exitCode()).isNotZero();
    assertThat(zvolSha256(lab, B)).isEqualTo(volSum);
    // An incremental receive cannot keep a newer snapshot on its target: zferry may roll the
    // operator's snapshot back only if it held no data, and only after saying so.
    if (lab.exec(B, "zfs", "list", "-H", "-o", "name", OPERATOR_SNAPSHOT).exitCode() != 0) {
      assertThat(run(lab, B, "journalctl", "-u", "zferryd", "--no-pager").stdout())
          .as("the rollback of the operator's snapshot is announced")
          .contains("operator-before-upgrade");
    }
    assertThat(run(lab, B, "zfs", "get", "-H", "-o", "value", "readonly", "tank").stdout())
        .isEqualTo("on\n");
    assertThat(lab.exec(B, "touch", "/tank/written-on-the-passive").exitCode())
        .as("the passive's pool refuses writes")
        .isNotZero();
  }

  private static String[] snapshotListing() {
    return new String[] {
      "zfs",
      "list",
      "-H",
      "-p",
      "-t",
      "snapshot",
      "-o",
      "name,guid",
      "-s",
      "createtxg",
      "-r",
      "tank"
    };
  }

  /** Dataset → GUID of its newest snapshot, from a listing sorted by createtxg. */
  private static Map<String, String> newestGuids(String listing) {
    Map<String, String> newest = new TreeMap<>();
    listing
        .lines()
        .map(line -> line.split("\t"))
        .forEach(f -> newest.put(f[0].substring(0, f[0].indexOf('@')), f[1]));
    return newest;
  }

  private static String zvolSha256(OpenZfsLab lab, String node) {
    String out =
        lab.shell(node, "udevadm settle; head -c 8388608 /dev/zvol/tank/vol | sha256sum").stdout();
    return out.substring(0, out.indexOf(' '));
  }

  /** A node as a new server: no zferry, an empty pool tank (a kept lab may hold a last run). */
  private static void startFromScratch(OpenZfsLab lab, String node) {
    lab.shell(
        node,
        String.join(
            "\n",
            "set -e",
            "if dpkg -s zferry >/dev/null 2>&1; then",
            "  systemctl disable --now zferryd || true",
            "  apt-get purge -y zferry",
            "fi",
            "systemctl reset-failed zferryd 2>/dev/null || true",
            "rm -rf /etc/zferry /var/lib/zferry",
            "sed -i '/zferry serve/d' /root/.ssh/authorized_keys",
            "zfs inherit readonly tank",
            "for fs in $(zfs list -H -o name -r -t filesystem,volume tank | tail -n +2 | sort -r);"
                + " do zfs destroy -r \"$fs\"; done",
            "for snap in $(zfs list -H -o name -t snapshot -r tank); do zfs destroy \"$snap\"; done",
            "zfs mount -a",
            "find /tank -mindepth 1 -maxdepth 1 -exec rm -rf {} +"));
  }

  private static String configuration(OpenZfsLab lab) {
    return String.join(
        "\n",
        "cluster:",
        "  name: ozlab",
        "nodes:",
        "  - name: node-a",
        "    address: " + lab.address(A),
        "  - name: node-b",
        "    address: " + lab.address(B),
        "services:",
        "  - name: tank",
        "    pool: tank",
        "    preferredNode: node-a",
        "    vips:",
        "      - cidr: 10.98.0.100/24",
        "        interface: ens4",
        "    fencing:",
        "      policy: manual",
        "defaults:",
        "  snapshotInterval: 15s",
        "  pullInterval: 10s",
        "");
  }

  /** {@code zferry setup-ssh PEER --yes} on NODE, and the line it prints added on PEER. */
  private static void authorize(OpenZfsLab lab, String node, String peer, Path tmp)
      throws IOException {
    String out = run(lab, node, "zferry", "setup-ssh", peer, "--yes").stdout();
    String line =
        out.lines()
            .filter(l -> l.contains("zferry serve") && l.contains("ssh-ed25519"))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("setup-ssh printed no authorized_keys line:\n" + out));
    Path file = tmp.resolve(node + ".authorized");
    Files.writeString(file, line + "\n");
    lab.copy(peer, file, "/root/zferry-" + node + ".pub");
    run(
        lab,
        peer,
        "sh",
        "-c",
        "cat /root/zferry-"
            + node
            + ".pub >> /root/.ssh/authorized_keys && rm /root/zferry-"
            + node
            + ".pub");
  }

  private static CommandResult run(OpenZfsLab lab, String node, String... argv) {
    CommandResult result = lab.exec(node, argv);
    assertThat(result.exitCode())
        .as("%s: %s%n%s%s", node, String.join(" ", argv), result.stdout(), result.stderr())
        .isZero();
    return result;
  }

  private static String sha256(OpenZfsLab lab, String node, String path) {
    String out = run(lab, node, "sha256sum", path).stdout();
    return out.substring(0, out.indexOf(' '));
  }

  private static void awaitOn(
      OpenZfsLab lab,
      String node,
      String what,
      java.util.function.Supplier<CommandResult> probe,
      Predicate<String> done)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(REPLICATED_WITHIN);
    CommandResult last = probe.get();
    while (!done.test(last.stdout()) && Instant.now().isBefore(deadline)) {
      Thread.sleep(3000);
      last = probe.get();
    }
    String journal =
        lab.exec(node, "journalctl", "-u", "zferryd", "--no-pager", "-n", "60").stdout();
    assertThat(done.test(last.stdout()))
        .as(
            "%s within %s; last output:%n%s%s%njournal of %s:%n%s",
            what, REPLICATED_WITHIN, last.stdout(), last.stderr(), node, journal)
        .isTrue();
  }
}
