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
import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        out -> OpenZfsNodes.serving(out) && out.contains("Sync for tank is locked!"),
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

    // The resync pulls every dataset and copies aside those written; in 1-vCPU TCG guests that
    // took over 5 minutes with eight datasets (2.3). The CLI itself waits up to 40.
    CommandResult fixed =
        lab.host(B)
            .run(
                Command.of("zferry", "mark-sync-as-fixed", "tank", "node-a", "node-b"),
                Duration.ofMinutes(20))
            .requireSuccess();
    System.out.println(fixed.stdout());
    List<String> aside =
        run(lab, A, "zfs", "list", "-H", "-o", "name", "-r", "tank")
            .stdout()
            .lines()
            .filter(name -> name.contains("zferry-aside"))
            .toList();
    // Aside: each dataset the report named with bytes written, and no other. Besides tank/child,
    // kernel OpenZFS may report a few KiB written where no file changed (seen on 2.3: 1 KiB on the
    // zvol and the legacy dataset, 50 KiB on the encrypted one whose key node-a had not loaded,
    // none of them written by the test after the common snapshot): that is most likely the intent
    // log the power loss left, which is replayed only where the dataset is mounted or its key
    // loaded. zferry cannot tell it from a client's write, so it keeps those too (I2, I3).
    Set<String> written = writtenAfterTheCommonSnapshot(divergence);
    assertThat(written).contains("tank/child");
    assertThat(aside)
        .as("the datasets set aside are those the report named as written: %s", written)
        .map(PowerLossOpenZfsIT::setAsideFrom)
        .containsExactlyInAnyOrderElementsOf(written);
    // Each copy says where its data can be read (the zvol's and the encrypted dataset's are set
    // aside when their intent log counted as written): a zvol's copy at its device, an encrypted
    // copy, received raw, as not mounted until its key is loaded.
    for (String name : aside) {
      String type = run(lab, A, "zfs", "get", "-H", "-o", "value", "type", name).stdout().strip();
      String keystatus =
          run(lab, A, "zfs", "get", "-H", "-o", "value", "keystatus", name).stdout().strip();
      if (type.equals("volume")) {
        assertThat(fixed.stdout())
            .contains(name + " (a volume: /dev/zvol/" + name + ")")
            .doesNotContain("could not mount " + name);
        assertThat(lab.exec(A, "test", "-b", "/dev/zvol/" + name).exitCode()).isZero();
      } else if (keystatus.equals("unavailable")) {
        assertThat(fixed.stdout()).contains(", not mounted: its key is not loaded)");
      }
    }
    String childAside = aside.stream().filter(name -> name.endsWith("-child")).findFirst().get();
    String asideMount =
        run(lab, A, "zfs", "get", "-H", "-o", "value", "mountpoint", childAside).stdout().strip();
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

  private static final Pattern REPORTED =
      Pattern.compile("(?m)^  (\\S.*), after \\S+$\\n(?:^    .*$\\n)*?^    bytes written: (\\d+)$");

  /** The datasets the divergence report names with bytes written after the common snapshot. */
  static Set<String> writtenAfterTheCommonSnapshot(String report) {
    Set<String> written = new TreeSet<>();
    Matcher m = REPORTED.matcher(report);
    while (m.find()) {
      if (Long.parseLong(m.group(2)) > 0) {
        written.add(m.group(1));
      }
    }
    return written;
  }

  /** tank/zferry-aside-20261205-233744-child → tank/child (one level, as the suite's datasets). */
  static String setAsideFrom(String aside) {
    return aside.replaceFirst("zferry-aside-\\d{8}-\\d{6}-", "");
  }
}
