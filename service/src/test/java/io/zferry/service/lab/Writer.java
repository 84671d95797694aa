package io.zferry.service.lab;

import io.zferry.lab.LabNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A client writing numbered files of 1 KiB of random data to /tank/w on a node, ten a second, each
 * made durable with fsync on its own descriptor (what zfs-fuse makes durable); a write is
 * acknowledged once it and its fsync succeeded, as an NFS client would be told, and the
 * acknowledgement records the file's path, SHA-256 and the instant its fsync returned.
 *
 * <p>The acknowledgements go to a file outside the node's private mounts (by default in the test's
 * build directory), so they outlive the node's power loss, as a client's own records would.
 */
final class Writer {
  /**
   * One acknowledged write.
   *
   * @param acknowledgedAt when its fsync returned (the node shares the runner's clock)
   */
  record Write(String path, String sha256, Instant acknowledgedAt) {}

  private final LabNode node;
  private final Path ackFile;
  private final Path stopFile;

  Writer(LabNode node) {
    this(node, Path.of("target", "writer-" + node.name() + ".acks").toAbsolutePath());
  }

  /**
   * @param ackFile absolute, on a file system the node shares with the test runner
   */
  Writer(LabNode node, Path ackFile) {
    this.node = node;
    this.ackFile = ackFile;
    this.stopFile = Path.of(ackFile + ".stop");
    try {
      Files.createDirectories(ackFile.getParent());
      Files.deleteIfExists(ackFile);
      Files.deleteIfExists(stopFile);
      Files.createFile(ackFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    node.shell(
        "mkdir -p /tank/w; (i=0; while [ ! -e "
            + stopFile
            + " ]; do if dd if=/dev/urandom of=/tank/w/$i bs=1k count=1 conv=fsync status=none"
            + " 2>/dev/null && t=$(date +%s%N) && s=$(sha256sum /tank/w/$i); then echo \"$s $t\" >> "
            + ackFile
            + "; fi; i=$((i+1)); sleep 0.1; done) > /dev/null 2>&1 &");
  }

  /** The node whose pool acknowledges the writes. */
  String node() {
    return node.name();
  }

  /** Stops writing; a write under way is finished (or fails) first. */
  void stop() {
    try {
      if (!Files.exists(stopFile)) {
        Files.createFile(stopFile);
        LabCluster.sleep(java.time.Duration.ofMillis(700));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<Integer> acknowledged() {
    List<Integer> numbers = new ArrayList<>();
    for (Write write : acknowledgedWrites()) {
      numbers.add(Integer.parseInt(write.path().substring(write.path().lastIndexOf('/') + 1)));
    }
    return numbers;
  }

  /** Every acknowledged write so far, in order. */
  List<Write> acknowledgedWrites() {
    List<Write> writes = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(ackFile)) {
        String[] parts = line.strip().split("\\s+");
        if (parts.length == 3) {
          long nanos = Long.parseLong(parts[2]);
          writes.add(
              new Write(
                  parts[1],
                  parts[0],
                  Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return writes;
  }

  /**
   * The SHA-256 of every file in /tank/w as {@code node} sees it now, by path; empty if the
   * directory cannot be read there.
   */
  static Map<String, String> checksumsOn(LabNode node) {
    Map<String, String> sums = new HashMap<>();
    String out =
        node.exec(
                "sh",
                "-c",
                // zfs-fuse leaves the kernel's FUSE page cache as it was when a receive replaces a
                // file: a file read before the receive reads stale afterwards (a lab quirk; kernel
                // OpenZFS invalidates). Clean pages are dropped first, on the whole host.
                "sync; echo 1 > /proc/sys/vm/drop_caches;"
                    + " cd /tank/w 2>/dev/null && find . -type f | xargs -r sha256sum")
            .stdout();
    for (String line : out.split("\n")) {
      String[] parts = line.strip().split("\\s+");
      if (parts.length == 2 && parts[1].startsWith("./")) {
        sums.put("/tank/w/" + parts[1].substring(2), parts[0]);
      }
    }
    return sums;
  }
}
