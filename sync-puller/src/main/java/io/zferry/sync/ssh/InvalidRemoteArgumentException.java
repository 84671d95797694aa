package io.zferry.sync.ssh;

import io.zferry.snapshot.zfs.ZfsNames;

/**
 * A command argument was refused before anything was sent to a peer: it does not fit the
 * conservative grammar of {@link RemoteArguments}. The message names the argument's index and shows
 * it with control characters escaped, so a hostile value cannot forge log lines.
 */
public final class InvalidRemoteArgumentException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final int index;

  InvalidRemoteArgumentException(String program, int index, String argument, String reason) {
    super(
        "argument "
            + index
            + " "
            + ZfsNames.printable(argument)
            + (index == 0 ? "" : " of " + ZfsNames.printable(program))
            + " cannot be sent to a remote host: "
            + reason);
    this.index = index;
  }

  /** Position in argv; 0 is the program. */
  public int index() {
    return index;
  }
}
