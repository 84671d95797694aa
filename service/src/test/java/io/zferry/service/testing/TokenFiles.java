package io.zferry.service.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Tokens files with given content and mode, for tests. */
public final class TokenFiles {
  private TokenFiles() {}

  /** A file holding {@code content} with mode {@code mode}, such as {@code rw-------}. */
  public static Path write(Path file, String content, String mode) throws IOException {
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  public static String mode(Path file) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  /** Whether this process ignores file permissions (root), which some tests depend on. */
  public static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
