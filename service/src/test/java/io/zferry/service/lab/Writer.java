package io.zferry.service.lab;

import io.zferry.lab.LabNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A client writing numbered files to /tank/w on a node, ten a second, each made durable with sync;
 * a number is acknowledged once its write and sync succeeded, as an NFS client would be told.
 */
final class Writer {
  private final LabNode node;
  private final String ackFile;

  Writer(LabNode node) {
    this.node = node;
    this.ackFile = "/run/zferry-writer.acks";
    node.shell(
        "mkdir -p /tank/w; rm -f "
            + ackFile
            + " /run/zferry-writer.stop; (i=0; while [ ! -e /run/zferry-writer.stop ]; do"
            + " if echo $i > /tank/w/$i 2>/dev/null && sync; then echo $i >> "
            + ackFile
            + "; fi; i=$((i+1)); sleep 0.1; done) > /dev/null 2>&1 &");
  }

  void stop() {
    node.shell("touch /run/zferry-writer.stop; sleep 0.5");
  }

  List<Integer> acknowledged() {
    List<Integer> numbers = new ArrayList<>();
    for (String line : node.exec("cat", ackFile).stdout().split("\n")) {
      if (!line.isBlank()) {
        numbers.add(Integer.parseInt(line.strip()));
      }
    }
    return numbers;
  }
}
