package io.zferry.packaging;

import io.zferry.lab.OpenZfsLab;
import java.util.List;

/**
 * Datasets of every kind an OpenZFS server holds besides plain filesystems: an encrypted one (raw
 * key in {@code /root/secret.key} on the node that created it), a zvol, {@code mountpoint=legacy},
 * {@code canmount=noauto} and {@code canmount=off}. The first class of the suite creates them; a
 * class run alone creates those a kept lab lacks, so it never passes for want of them.
 */
final class EveryKindOfDataset {
  static final List<String> NAMES =
      List.of("tank/secret", "tank/vol", "tank/legacy", "tank/noauto", "tank/off");

  private EveryKindOfDataset() {}

  /**
   * Creates on {@code node}, which must be the active, each of {@link #NAMES} it does not hold yet,
   * with data in those that hold any.
   */
  static void createMissingOn(OpenZfsLab lab, String node) {
    lab.shell(
        node,
        String.join(
            "\n",
            "set -e",
            "missing() { ! zfs list -H -o name \"$1\" >/dev/null 2>&1; }",
            "if missing tank/secret; then",
            "  head -c 32 /dev/urandom > /root/secret.key",
            "  zfs create -o encryption=aes-256-gcm -o keyformat=raw"
                + " -o keylocation=file:///root/secret.key tank/secret",
            "  head -c 1048576 /dev/urandom > /tank/secret/secret-file.bin",
            "fi",
            "if missing tank/vol; then",
            "  zfs create -V 8M tank/vol",
            "  udevadm settle",
            "  head -c 8388608 /dev/urandom > /dev/zvol/tank/vol",
            "  sync",
            "fi",
            "if missing tank/legacy; then",
            "  zfs create -o mountpoint=legacy tank/legacy",
            "  mkdir -p /mnt/legacy",
            "  mount -t zfs tank/legacy /mnt/legacy",
            "  head -c 1048576 /dev/urandom > /mnt/legacy/legacy-file.bin",
            "  umount /mnt/legacy",
            "fi",
            "if missing tank/noauto; then zfs create -o canmount=noauto tank/noauto; fi",
            "if missing tank/off; then zfs create -o canmount=off tank/off; fi"));
  }

  /** Whether {@code node} holds every one of {@link #NAMES}: one listing, not one call each. */
  static boolean allOn(OpenZfsLab lab, String node) {
    List<String> held =
        lab.exec(node, "zfs", "list", "-H", "-o", "name", "-r", "tank").stdout().lines().toList();
    return held.containsAll(NAMES);
  }
}
