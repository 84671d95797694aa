package io.zferry.packaging;

import static io.zferry.packaging.OpenZfsNodes.A;
import static io.zferry.packaging.OpenZfsNodes.B;
import static io.zferry.packaging.OpenZfsNodes.awaitOn;
import static io.zferry.packaging.OpenZfsNodes.awaitReplicated;
import static io.zferry.packaging.OpenZfsNodes.awaitStatus;
import static io.zferry.packaging.OpenZfsNodes.journalMark;
import static io.zferry.packaging.OpenZfsNodes.journalSince;
import static io.zferry.packaging.OpenZfsNodes.loadTheKeyOn;
import static io.zferry.packaging.OpenZfsNodes.run;
import static io.zferry.packaging.OpenZfsNodes.sha256;
import static io.zferry.packaging.OpenZfsNodes.zvolSha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.OpenZfsLab;
import io.zferry.lab.OpenZfsLabExtension;
import io.zferry.snapshot.host.CommandResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * node-a, the active, loses power right after a write node-b never received. With fencing {@code
 * manual}, the operator makes node-b active with {@code zferry failover tank --force} and loads the
 * encryption key there (docs/failover.md); node-b serves what it had received, and the sync is
 * locked. node-a comes back passive and read-only; {@code zferry divergence} names the dataset
 * written after the last common snapshot; {@code zferry mark-sync-as-fixed} sets aside that dataset
 * only, and replication resumes from node-b to node-a.
 */
@ExtendWith(OpenZfsLabExtension.class)
@Order(3)
class PowerLossOpenZfsIT {
  private static final Duration TAKEOVER_WITHIN = Duration.ofMinutes(4);

  @Test
  void powerLossTakeoverLockDivergenceAndMarkSyncAsFixed(OpenZfsLab lab, @TempDir Path tmp)
      throws Exception {
    DocumentedInstall.ensure(lab, tmp);
    OpenZfsNodes.awaitActive(lab, A);
    if (lab.exec(A, "test", "-d", "/tank/child").exitCode() != 0) {
      run(lab, A, "zfs", "create", "tank/child");
    }
    run(lab, A, "sh", "-c", "head -c 2097152 /dev/urandom > /tank/child/replicated.bin");
    String replicated = sha256(lab, A, "/tank/child/replicated.bin");
    awaitReplicated(lab, A, B);
    String vol = lab.exec(A, "zfs", "list", "tank/vol").exitCode() == 0 ? zvolSha256(lab, A) : null;
    boolean secret = lab.exec(A, "zfs", "list", "tank/secret").exitCode() == 0;
    String secretSum = secret ? sha256(lab, A, "/tank/secret/secret-file.bin") : null;

    if (secret) {
      // The operator's key store holds the key before node-a fails, not node-a alone.
      OpenZfsNodes.storeTheKey(lab, A, tmp);
    }

    // Acknowledged on node-a (on disk: synced) and never on node-b: node-a loses power at once.
    lab.shell(A, "head -c 1048576 /dev/urandom > /tank/child/unreplicated.bin && sync");
    String unreplicated = sha256(lab, A, "/tank/child/unreplicated.bin");
    String markB = journalMark(lab, B);
    lab.kill(A);

    // manual fencing: node-b holds until the operator, sure node-a is down, forces it.
    Instant deadline = Instant.now().plus(TAKEOVER_WITHIN);
    CommandResult forced = lab.exec(B, "zferry", "failover", "tank", "--force");
    while (forced.exitCode() != 0 && Instant.now().isBefore(deadline)) {
      // Each try starts a CLI JVM on node-b, which costs its one TCG vCPU some 20 s.
      Thread.sleep(15000);
      forced = lab.exec(B, "zferry", "failover", "tank", "--force");
    }
    assertThat(forced.exitCode())
        .as("zferry failover tank --force on node-b:%n%s%s", forced.stdout(), forced.stderr())
        .isZero();
    System.out.println(forced.stdout());
    loadTheKeyOn(lab, B, tmp);
    awaitStatus(
        lab,
        B,
        "node-b active with the sync locked",
        out -> out.contains("active here") && out.contains("Sync for tank is locked!"),
        OpenZfsNodes.STATUS_WITHIN);
    if (secret) {
      awaitOn(
          lab,
          B,
          "zferry mounts tank/secret on node-b once the operator loaded its key",
          () -> lab.exec(B, "zfs", "get", "-H", "-o", "value", "mounted", "tank/secret"),
          out -> out.strip().equals("yes"));
      assertThat(sha256(lab, B, "/tank/secret/secret-file.bin")).isEqualTo(secretSum);
    }
    assertThat(sha256(lab, B, "/tank/child/replicated.bin")).isEqualTo(replicated);
    assertThat(lab.exec(B, "test", "-e", "/tank/child/unreplicated.bin").exitCode())
        .as("node-b serves what it had received, without node-a's last write")
        .isNotZero();
    if (vol != null) {
      assertThat(zvolSha256(lab, B)).isEqualTo(vol);
    }
    assertThat(journalSince(lab, B, markB)).containsIgnoringCase("lock");
    lab.shell(B, "touch /tank/written-on-node-b && sync");

    // node-a returns: passive, locked, read-only, its last write still there.
    lab.start(A);
    awaitStatus(
        lab,
        A,
        "node-a back, passive, the sync locked",
        out -> out.contains("passive here") && out.contains("Sync for tank is locked!"),
        Duration.ofMinutes(6));
    assertThat(sha256(lab, A, "/tank/child/unreplicated.bin")).isEqualTo(unreplicated);
    assertThat(lab.exec(A, "touch", "/tank/written-on-the-old-active").exitCode()).isNotZero();

    String divergence = run(lab, B, "zferry", "divergence", "tank").stdout();
    System.out.println(divergence);
    assertThat(divergence).contains("node-a holds data that node-b lacks").contains("tank/child");

    CommandResult fixed = run(lab, B, "zferry", "mark-sync-as-fixed", "tank", "node-a", "node-b");
    System.out.println(fixed.stdout());
    List<String> aside =
        run(lab, A, "zfs", "list", "-H", "-o", "name", "-r", "tank")
            .stdout()
            .lines()
            .filter(name -> name.contains("zferry-aside"))
            .toList();
    assertThat(aside)
        .as("only the dataset written after the common snapshot is set aside")
        .singleElement()
        .satisfies(name -> assertThat(name).endsWith("-child"));
    String asideMount =
        run(lab, A, "zfs", "get", "-H", "-o", "value", "mountpoint", aside.get(0)).stdout().strip();
    assertThat(sha256(lab, A, asideMount + "/unreplicated.bin")).isEqualTo(unreplicated);

    // Replication resumes, from node-b to node-a.
    awaitReplicated(lab, B, A);
    assertThat(lab.exec(A, "test", "-e", "/tank/written-on-node-b").exitCode()).isZero();
    assertThat(lab.exec(A, "test", "-e", "/tank/child/unreplicated.bin").exitCode()).isNotZero();
    for (String node : OpenZfsLab.NODES) {
      awaitStatus(
          lab,
          node,
          "zferry status on " + node + " without the lock",
          out -> out.contains("tank") && !out.contains("locked"),
          OpenZfsNodes.STATUS_WITHIN);
    }
  }
}
