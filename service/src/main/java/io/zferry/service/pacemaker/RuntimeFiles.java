package io.zferry.service.pacemaker;

import io.zferry.service.config.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;

/**
 * Writes the small files under the runtime directory that the resource agent reads: whole or not at
 * all ({@link PrivateFiles#writeAtomically}), readable by root only, the directory made first (a
 * reboot empties {@code /run}).
 */
final class RuntimeFiles {
  private RuntimeFiles() {}

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      PrivateFiles.writeAtomically(
          file, text, EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
