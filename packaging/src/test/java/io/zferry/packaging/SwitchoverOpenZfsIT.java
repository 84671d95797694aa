package io.zferry.packaging;

import static io.zferry.packaging.OpenZfsNodes.A;
import static io.zferry.packaging.OpenZfsNodes.B;
import static io.zferry.packaging.OpenZfsNodes.awaitActive;
import static io.zferry.packaging.OpenZfsNodes.awaitOn;
import static io.zferry.packaging.OpenZfsNodes.awaitReplicated;
import static io.zferry.packaging.OpenZfsNodes.awaitStatus;
import static io.zferry.packaging.OpenZfsNodes.loadTheKeyOn;
import static io.zferry.packaging.OpenZfsNodes.peer;
import static io.zferry.packaging.OpenZfsNodes.run;
import static io.zferry.packaging.OpenZfsNodes.sha256;
import static io.zferry.packaging.OpenZfsNodes.zvolSha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.OpenZfsLab;
import io.zferry.lab.OpenZfsLabExtension;
import io.zferry.snapshot.host.CommandResult;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code zferry failover tank --to NODE} there and back, with every kind of dataset in the pool (an
 * encrypted one whose key the operator loads on the new active first, a zvol, {@code
 * mountpoint=legacy}, {@code canmount=noauto} and {@code off}, a name with a space): each time the
 * last writes of the old active, the zvol's device included, are on the new active, every dataset
 * is at the same snapshot (GUID) on both nodes, and the new passive is read-only.
 */
@ExtendWith(OpenZfsLabExtension.class)
@Order(4)
class SwitchoverOpenZfsIT {
  // ZFS allows spaces in names; every remote argument must arrive as one word.
  private static final String SPACED = "tank/with space";
  private static final String SPACED_DIR = "/tank/with space";

  @Test
  void switchoverBothWaysCarriesEveryKindOfDataset(OpenZfsLab lab, @TempDir Path tmp)
      throws Exception {
    DocumentedInstall.ensure(lab, tmp);
    // The active is the node whose pool is writable.
    String first =
        run(lab, A, "zfs", "get", "-H", "-o", "value", "readonly", "tank").stdout().equals("off\n")
            ? A
            : B;
    // Run alone, the class creates on the active what the suite's earlier classes would have.
    boolean spacedMissing = lab.exec(first, "zfs", "list", SPACED).exitCode() != 0;
    if (spacedMissing || !EveryKindOfDataset.allOn(lab, first)) {
      EveryKindOfDataset.createMissingOn(lab, first);
      if (spacedMissing) {
        run(lab, first, "zfs", "create", SPACED);
        lab.shell(first, "head -c 1048576 /dev/urandom > '" + SPACED_DIR + "/before.bin'");
      }
      String before = sha256(lab, first, SPACED_DIR + "/before.bin");
      Map<String, String> newest = awaitReplicated(lab, first, peer(first));
      assertThat(newest)
          .containsKey(SPACED)
          .containsKeys(EveryKindOfDataset.NAMES.toArray(String[]::new));
      // The passive receives a new dataset unmounted and mounts it (read-only) after the receive:
      // the snapshot's GUID can be there a moment before the file is.
      awaitOn(
          lab,
          peer(first),
          "the file in the new dataset readable on the passive",
          () -> lab.exec(peer(first), "sha256sum", SPACED_DIR + "/before.bin"),
          out -> out.startsWith(before + " "));
    }
    switchover(lab, first, peer(first), tmp);
    switchover(lab, peer(first), first, tmp);
  }

  private static void switchover(OpenZfsLab lab, String from, String to, Path tmp)
      throws Exception {
    awaitActive(lab, from);
    awaitReplicated(lab, from, to);
    // The operator's step before a switchover to a node that never served tank/secret.
    loadTheKeyOn(lab, to, tmp);

    // Written on the active just before the switchover: nothing of it has reached the passive.
    String file = "/tank/switched-from-" + from + ".bin";
    lab.shell(from, "head -c 2097152 /dev/urandom > " + file);
    String sum = sha256(lab, from, file);
    lab.shell(from, "udevadm settle; head -c 8388608 /dev/urandom > /dev/zvol/tank/vol; sync");
    String volSum = zvolSha256(lab, from);
    String secretFile = "/tank/secret/switched-from-" + from + ".bin";
    lab.shell(from, "head -c 1048576 /dev/urandom > " + secretFile);
    String secretSum = sha256(lab, from, secretFile);
    String spacedFile = SPACED_DIR + "/switched-from-" + from + ".bin";
    lab.shell(from, "head -c 1048576 /dev/urandom > '" + spacedFile + "'");
    String spacedSum = sha256(lab, from, spacedFile);

    CommandResult switched = lab.exec(from, "zferry", "failover", "tank", "--to", to);
    System.out.printf("%s -> %s:%n%s%s%n", from, to, switched.stdout(), switched.stderr());
    assertThat(switched.exitCode())
        .as("zferry failover tank --to %s:%n%s%s", to, switched.stdout(), switched.stderr())
        .isZero();

    awaitActive(lab, to);
    assertThat(sha256(lab, to, file)).isEqualTo(sum);
    assertThat(zvolSha256(lab, to)).isEqualTo(volSum);
    assertThat(run(lab, to, "zfs", "get", "-H", "-o", "value", "mounted", "tank/secret").stdout())
        .isEqualTo("yes\n");
    assertThat(sha256(lab, to, secretFile)).isEqualTo(secretSum);
    assertThat(sha256(lab, to, spacedFile)).isEqualTo(spacedSum);
    // Every dataset at the same snapshot on both nodes once the new passive pulled.
    Map<String, String> newest = awaitReplicated(lab, to, from);
    assertThat(newest)
        .containsKey(SPACED)
        .containsKeys(EveryKindOfDataset.NAMES.toArray(String[]::new));
    assertThat(sha256(lab, from, spacedFile)).isEqualTo(spacedSum);
    System.out.printf("%s and %s at the same snapshots: %s%n", to, from, newest);
    assertThat(zvolSha256(lab, from)).isEqualTo(volSum);
    awaitStatus(
        lab,
        from,
        "zferry status on " + from + ": passive here",
        out -> out.contains("passive here") && !out.contains("locked"),
        OpenZfsNodes.STATUS_WITHIN);
    assertThat(run(lab, from, "zfs", "get", "-H", "-o", "value", "readonly", "tank").stdout())
        .isEqualTo("on\n");
    assertThat(lab.exec(from, "touch", "/tank/written-on-the-new-passive").exitCode()).isNotZero();
  }
}
