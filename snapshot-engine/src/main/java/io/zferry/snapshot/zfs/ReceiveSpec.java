package io.zferry.snapshot.zfs;

import java.util.ArrayList;
import java.util.List;

/**
 * What one {@code zfs receive} does with the stream on its standard input.
 *
 * @param target the dataset the stream becomes
 * @param force {@code -F}: roll the target back to its newest snapshot first and, for -R streams,
 *     destroy snapshots and datasets the source no longer has
 * @param noMount {@code -u}: do not mount what is received (OpenZFS)
 * @param resumable {@code -s}: keep partial state and a resume token on interruption (OpenZFS)
 */
public record ReceiveSpec(DatasetName target, boolean force, boolean noMount, boolean resumable) {
  public static ReceiveSpec into(DatasetName target) {
    return new ReceiveSpec(target, false, false, false);
  }

  public ReceiveSpec forced() {
    return new ReceiveSpec(target, true, noMount, resumable);
  }

  /** {@code -s} where supported: an interrupted receive can be resumed instead of restarted. */
  public ReceiveSpec resumably() {
    return new ReceiveSpec(target, force, noMount, true);
  }

  public ReceiveSpec supportedBy(Capabilities capabilities) {
    return new ReceiveSpec(
        target,
        force,
        noMount && capabilities.receiveNoMount(),
        resumable && capabilities.resumableReceive());
  }

  /** The argv after {@code zfs}. */
  public List<String> arguments() {
    List<String> args = new ArrayList<>(List.of("receive"));
    if (force) {
      args.add("-F");
    }
    if (noMount) {
      args.add("-u");
    }
    if (resumable) {
      args.add("-s");
    }
    args.add(target.toString());
    return args;
  }
}
