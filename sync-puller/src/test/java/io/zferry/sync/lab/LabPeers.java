package io.zferry.sync.lab;

import io.zferry.lab.LabNode;
import io.zferry.snapshot.host.Host;
import io.zferry.snapshot.host.RunningCommand;
import io.zferry.snapshot.zfs.CliZfs;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.ReceiveSpec;
import io.zferry.snapshot.zfs.SendSpec;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.ssh.SshEndpoint;
import io.zferry.sync.transfer.ProgressListener;
import io.zferry.sync.transfer.StreamTransfer;
import io.zferry.sync.transfer.TransferOptions;
import io.zferry.sync.transfer.TransferResult;
import java.nio.file.Path;
import java.time.Clock;

/** Helpers for lab tests: reaching a node over real SSH from the test JVM, pulling a stream. */
public final class LabPeers {
  private LabPeers() {}

  /** node's sshd through its loopback forward, host key checked under the node's name. */
  public static SshEndpoint endpoint(LabNode node) {
    return endpoint(node, node.knownHosts());
  }

  public static SshEndpoint endpoint(LabNode node, Path knownHosts) {
    return new SshEndpoint(
        node.name(), "127.0.0.1", node.forwardedSshPort(), "root", node.clientKey(), knownHosts);
  }

  /** Pulls {@code send} from the peer (over SSH) with no progress listener. */
  static TransferResult pull(Host peer, LabNode receiver, SendSpec send, ReceiveSpec receive) {
    return pull(peer, receiver, send, receive, progress -> {});
  }

  /** Pulls {@code send} from the peer (over SSH) into {@code target} on the receiving node. */
  static TransferResult pull(
      Host peer, LabNode receiver, SendSpec send, ReceiveSpec receive, ProgressListener listener) {
    Zfs source = new CliZfs(peer);
    Zfs target = receiver.zfs();
    try (RunningCommand sender = source.send(send);
        RunningCommand recv = target.receive(receive)) {
      return new StreamTransfer(Clock.systemUTC(), TransferOptions.defaults(), listener)
          .run(sender, recv);
    }
  }

  static void destroyIfExists(Zfs zfs, DatasetName dataset) {
    if (zfs.exists(dataset)) {
      zfs.destroyDataset(dataset, true);
    }
  }
}
