package io.zferry.service.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/** Writes files that hold secrets (tokens, keys) so that no one else can ever read them. */
public final class PrivateFiles {
  private static final Set<PosixFilePermission> OWNER_READ_WRITE =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private PrivateFiles() {}

  /**
   * Writes {@code content} whole to a temporary file created with mode 0600 beside {@code target},
   * syncs it, gives it {@code mode} and renames it over {@code target}, then syncs the directory:
   * the file is never readable by others, even for a moment, a reader sees the old or the new file
   * and never half of one, and a crash does not lose what was written.
   */
  public static void writeAtomically(Path target, String content, Set<PosixFilePermission> mode)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp =
        Files.createTempFile(
            dir,
            "." + target.getFileName() + ".",
            ".tmp",
            PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.write(StandardCharsets.UTF_8.encode(content));
        channel.force(true);
      }
      if (!mode.equals(OWNER_READ_WRITE)) {
        Files.setPosixFilePermissions(temp, mode);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    } catch (IOException e) {
      // Some file systems cannot sync a directory; the file itself is synced.
    }
  }
}
