package io.zferry.packaging;

import static io.zferry.packaging.OpenZfsNodes.A;
import static io.zferry.packaging.OpenZfsNodes.B;
import static io.zferry.packaging.OpenZfsNodes.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.OpenZfsLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * docs/install.md on the two VMs, step by step: the .deb installed with apt, one configuration on
 * both nodes, API tokens made on node-a and copied, {@code zferry setup-ssh} and {@code zferry
 * setup-tls} on each node, {@code systemctl enable --now zferryd}, node-a first.
 */
final class DocumentedInstall {
  private DocumentedInstall() {}

  /**
   * Installs and starts zferry unless both nodes already run it (an earlier class of this run did
   * it), so that each *OpenZfsIT class also runs alone.
   */
  static void ensure(OpenZfsLab lab, Path tmp) throws IOException, InterruptedException {
    boolean running =
        OpenZfsLab.NODES.stream()
            .allMatch(
                n -> lab.exec(n, "systemctl", "is-active", "--quiet", "zferryd").exitCode() == 0);
    if (!running) {
      fromScratch(lab, tmp);
    }
  }

  /** Both nodes as new servers, then the documented installation; returns once node-a serves. */
  static void fromScratch(OpenZfsLab lab, Path tmp) throws IOException, InterruptedException {
    Path deb = Path.of(System.getProperty("zferry.deb"));
    assertThat(deb).as("the package built in this module").isRegularFile();
    System.out.printf("OpenZFS %s (zfsutils-linux %s)%n", lab.version(), lab.zfsPackageVersion());
    // What an operator does on both servers runs on both VMs at once, as in two terminals: each
    // VM has a host core of its own, and one after the other took minutes more.
    onBothNodes(node -> startFromScratch(lab, node));

    // 2. The package (both): its dependencies are in the image, as on a server with a mirror.
    onBothNodes(
        node -> {
          lab.copy(node, deb, "/root/" + deb.getFileName());
          run(lab, node, "apt-get", "install", "-y", "/root/" + deb.getFileName());
          assertThat(run(lab, node, "zferry", "version").stdout()).startsWith("zferry ");
        });

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

    // 5, TLS between the nodes: each node's certificate, the other's copied as peer.pem.
    onBothNodes(node -> run(lab, node, "zferry", "setup-tls", node));
    for (String node : OpenZfsLab.NODES) {
      String other = node.equals(A) ? B : A;
      Path certificate = tmp.resolve(node + ".pem");
      Files.writeString(certificate, run(lab, node, "cat", "/etc/zferry/tls/node.pem").stdout());
      lab.copy(other, certificate, "/etc/zferry/tls/peer.pem");
    }

    // 6. Check the configuration (both).
    onBothNodes(
        node -> {
          run(lab, node, "zferry", "config", "check");
          run(lab, node, "zferryd", "--check-config");
        });

    // 7. Start, node-a first. Type=notify: systemctl returns once zferryd said READY=1.
    for (String node : OpenZfsLab.NODES) {
      Instant start = Instant.now();
      run(lab, node, "systemctl", "enable", "--now", "zferryd");
      System.out.printf(
          "%s: systemctl enable --now zferryd returned after %d ms (ready)%n",
          node, Duration.between(start, Instant.now()).toMillis());
    }

    // node-a serves once it has reached node-b (docs/install.md, step 7).
    OpenZfsNodes.awaitActive(lab, A);
  }

  /**
   * Runs {@code step} for node-a and node-b at the same time and returns once both are done; the
   * first failure (an assertion included) is thrown, the other node's step having ended too.
   */
  private static void onBothNodes(Consumer<String> step) throws InterruptedException {
    ExecutorService both = Executors.newFixedThreadPool(OpenZfsLab.NODES.size());
    try {
      List<Future<?>> running = new ArrayList<>();
      for (String node : OpenZfsLab.NODES) {
        running.add(both.submit(() -> step.accept(node)));
      }
      Throwable first = null;
      for (Future<?> each : running) {
        try {
          each.get();
        } catch (ExecutionException e) {
          first = first == null ? e.getCause() : first;
        }
      }
      if (first instanceof Error error) {
        throw error;
      }
      if (first instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (first != null) {
        throw new IllegalStateException(first);
      }
    } finally {
      both.shutdownNow();
    }
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
            "rm -rf /etc/zferry /var/lib/zferry /root/secret.key",
            "umount /mnt/legacy 2>/dev/null || true",
            "sed -i '/zferry serve/d' /root/.ssh/authorized_keys",
            "zfs inherit readonly tank",
            // A receive a last run left partial (tank/%recv) is a clone of tank's snapshot.
            "zfs receive -A tank 2>/dev/null || true",
            // Names may hold spaces: one name a line, never split by the shell.
            "zfs list -H -o name -r -t filesystem,volume tank | tail -n +2 | sort -r"
                + " | while IFS= read -r fs; do zfs destroy -r \"$fs\"; done",
            "zfs list -H -o name -t snapshot -r tank"
                + " | while IFS= read -r snap; do zfs destroy \"$snap\"; done",
            "zfs mount -a",
            "find /tank -mindepth 1 -maxdepth 1 -exec rm -rf {} +",
            "rm -rf /tank.zferry-aside"));
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
        // A short rollback window (2 min), so that the suite sees expiry at work.
        "  retentionCount: 8",
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
}
