package io.zferry.packaging;

import static io.zferry.packaging.OpenZfsNodes.A;
import static io.zferry.packaging.OpenZfsNodes.B;
import static io.zferry.packaging.OpenZfsNodes.atOrPast;
import static io.zferry.packaging.OpenZfsNodes.awaitOn;
import static io.zferry.packaging.OpenZfsNodes.awaitStatus;
import static io.zferry.packaging.OpenZfsNodes.journalMark;
import static io.zferry.packaging.OpenZfsNodes.journalSince;
import static io.zferry.packaging.OpenZfsNodes.newestGuids;
import static io.zferry.packaging.OpenZfsNodes.newestNames;
import static io.zferry.packaging.OpenZfsNodes.run;
import static io.zferry.packaging.OpenZfsNodes.sha256;
import static io.zferry.packaging.OpenZfsNodes.snapshotListing;
import static io.zferry.packaging.OpenZfsNodes.zvolSha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.OpenZfsLab;
import io.zferry.lab.OpenZfsLabExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Order;
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
 * {@code -Dzferry.openzfs=2.1|2.3}. The suite's later classes go on from the state it leaves.
 */
@ExtendWith(OpenZfsLabExtension.class)
@Order(1)
class ReplicationOpenZfsIT {

  @Test
  void theDocumentedInstallReplicatesEveryKindOfDataset(OpenZfsLab lab, @TempDir Path tmp)
      throws Exception {
    DocumentedInstall.fromScratch(lab, tmp);

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

    awaitStatus(
        lab,
        B,
        "zferry status on node-b: passive here, active on node-a",
        out -> out.contains("passive here") && out.contains("active on node-a"),
        OpenZfsNodes.STATUS_WITHIN);

    everyKindOfDatasetReachesThePassive(lab);
    aRestartedPassiveIsReachedAsSoonAsItIsReady(lab);

    // For the log only: the API of a busy 1-vCPU VM may take longer than the CLI waits.
    System.out.println(lab.exec(A, "zferry", "status").stdout());
    System.out.println(lab.exec(B, "zferry", "status").stdout());
  }

  /**
   * A few heartbeats (1 s apart, 2 s each at most) of a peer whose zferryd said it is ready: the
   * host polls the active's journal once a second through a VM command, which adds its own delay.
   */
  private static final Duration REACHED_WITHIN = Duration.ofSeconds(20);

  /**
   * A zferryd restarted on the passive says it is ready only once it answers a heartbeat in time:
   * the active's next heartbeats reach it, and systemd's watchdog kills neither daemon, not while
   * they started from scratch above nor after the restart. A fresh JVM's first TLS handshakes took
   * up to 13 s in these VMs while a heartbeat waits 2 s, so the active gave up on each one and a
   * starting node could stay unreached for minutes (the active holding, if it had restarted too).
   */
  private static void aRestartedPassiveIsReachedAsSoonAsItIsReady(OpenZfsLab lab)
      throws InterruptedException {
    String markA = journalMark(lab, A);
    String markB = journalMark(lab, B);
    // Type=notify: systemctl returns once the new zferryd has sent READY=1.
    run(lab, B, "systemctl", "restart", "zferryd");
    Instant ready = Instant.now();
    Instant deadline = ready.plus(Duration.ofMinutes(5));
    Duration reached = null;
    while (reached == null && Instant.now().isBefore(deadline)) {
      if (journalSince(lab, A, markA).contains("answers heartbeats again")) {
        reached = Duration.between(ready, Instant.now());
      } else {
        Thread.sleep(1000);
      }
    }
    System.out.printf(
        "the active reached the restarted passive %s after its READY=1%n",
        reached == null ? "not within 5 minutes" : reached.toMillis() + " ms");
    // Long enough for the watchdog (12 s) to have killed a daemon that stopped pinging it.
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), ready.plusSeconds(45)).toMillis()));
    for (String node : new String[] {A, B}) {
      assertThat(run(lab, node, "journalctl", "-u", "zferryd", "--no-pager", "-o", "cat").stdout())
          .as("%s: systemd's watchdog never killed zferryd", node)
          .doesNotContain("Watchdog timeout");
    }
    assertThat(journalSince(lab, B, markB)).as("node-b's zferryd restarted").contains("ready: ");
    assertThat(reached)
        .as("the active's heartbeat reached the restarted passive after its READY=1")
        .isNotNull()
        .isLessThanOrEqualTo(REACHED_WITHIN);
  }

  private static final String OPERATOR_SNAPSHOT = "tank@operator-before-upgrade";

  private static void everyKindOfDatasetReachesThePassive(OpenZfsLab lab)
      throws InterruptedException {
    // A snapshot an operator (or sanoid, zfs-auto-snapshot) takes on the passive.
    run(lab, B, "zfs", "snapshot", OPERATOR_SNAPSHOT);
    EveryKindOfDataset.createMissingOn(lab, A);
    String volSum = zvolSha256(lab, A);

    // The active's newest snapshot of each dataset, once a round has taken one of each.
    awaitOn(
        lab,
        A,
        "a snapshot of every new dataset on the active",
        () -> lab.exec(A, "zfs", "list", "-H", "-p", "-t", "snapshot", "-o", "name", "-r", "tank"),
        out -> EveryKindOfDataset.NAMES.stream().allMatch(ds -> out.contains(ds + "@")));
    String listing = run(lab, A, snapshotListing()).stdout();
    Map<String, String> wanted = newestGuids(listing);
    Map<String, String> names = newestNames(listing);
    awaitOn(
        lab,
        B,
        "every dataset on the passive at the active's newest snapshot or past it " + names,
        () -> lab.exec(B, snapshotListing()),
        out -> atOrPast(out, wanted, names));

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
}
