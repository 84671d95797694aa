package io.zferry.service.config;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * The one rule for files that hold secrets (API tokens, the SSH and TLS private keys): nobody but
 * the owner may have any permission on them.
 */
public final class FileModes {
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private FileModes() {}

  /** Whether group or others have any permission in {@code permissions}. */
  public static boolean othersHaveAccess(Set<PosixFilePermission> permissions) {
    return permissions.stream().anyMatch(GROUP_OR_OTHERS::contains);
  }

  /** The permissions group and others have, readable or not, in {@code permissions}. */
  public static Set<PosixFilePermission> ofOthers(Set<PosixFilePermission> permissions) {
    Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
    permissions.stream().filter(GROUP_OR_OTHERS::contains).forEach(open::add);
    return open;
  }
}
