package io.zferry.snapshot.zfs;

/** A dataset, snapshot or other ZFS name was refused before any command could see it. */
public final class InvalidNameException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidNameException(String kind, String name, String reason) {
    super(kind + " name " + ZfsNames.printable(name) + " is not accepted: " + reason);
  }
}
