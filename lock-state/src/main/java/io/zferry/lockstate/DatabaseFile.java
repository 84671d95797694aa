package io.zferry.lockstate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The checks and file-system work done on the database file before and after SQLite opens it. */
final class DatabaseFile {
  private static final Logger log = LoggerFactory.getLogger(DatabaseFile.class);

  /** The first 16 bytes of every SQLite 3 database file. */
  private static final byte[] SQLITE_MAGIC =
      "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private static final int SQLITE_HEADER_SIZE = 100;

  /**
   * Owner-only: the file records who may own each service, and anyone who can write it can make a
   * node demote itself or stay passive forever.
   */
  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");

  private DatabaseFile() {}

  /**
   * Makes sure the file exists, creating it owner-only when allowed. SQLite is then opened without
   * its create flag, so it never creates the file with the process umask's wider mode.
   *
   * @return whether the file was created just now
   */
  static boolean prepare(Path file, OpenMode mode) {
    if (Files.isDirectory(file)) {
      throw SqliteErrors.access(file, "it is a directory; the state path must name a file", null);
    }
    if (Files.exists(file)) {
      try {
        if (mode == OpenMode.MUST_EXIST && Files.size(file) == 0) {
          throw SqliteErrors.empty(file);
        }
      } catch (IOException e) {
        throw SqliteErrors.access(file, "cannot read its size: " + e, e);
      }
      return false;
    }
    return switch (mode) {
      case MUST_EXIST -> throw SqliteErrors.missing(file);
      case CREATE_IF_MISSING -> create(file);
    };
  }

  private static boolean create(Path file) {
    boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
    try {
      Path parent = file.getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        if (posix) {
          Files.createDirectories(
              parent, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        } else {
          Files.createDirectories(parent);
        }
      }
      FileAttribute<?>[] attributes =
          posix
              ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
              : new FileAttribute<?>[0];
      Files.createFile(file, attributes);
      log.info("Created state database {}", file);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw SqliteErrors.access(file, "cannot create it: " + e, e);
    }
  }

  /**
   * Refuses a file that is not SQLite's before SQLite opens it, so that a state path pointing at,
   * say, the YAML configuration gets a message saying so rather than a generic I/O failure.
   */
  static void requireSqliteHeader(Path file) {
    byte[] header;
    try (InputStream in = Files.newInputStream(file)) {
      header = in.readNBytes(SQLITE_HEADER_SIZE);
    } catch (IOException e) {
      throw SqliteErrors.access(file, "cannot read it: " + e, e);
    }
    if (header.length == 0) {
      return; // SQLite treats an empty file as an empty database; prepare() decided it may be one.
    }
    if (header.length < SQLITE_HEADER_SIZE) {
      throw SqliteErrors.notADatabase(
          file,
          "it is "
              + header.length
              + " bytes long, shorter than the "
              + SQLITE_HEADER_SIZE
              + "-byte SQLite header",
          null);
    }
    if (!Arrays.equals(header, 0, SQLITE_MAGIC.length, SQLITE_MAGIC, 0, SQLITE_MAGIC.length)) {
      throw SqliteErrors.notADatabase(
          file, "it does not begin with the SQLite header \"SQLite format 3\"", null);
    }
  }

  /**
   * Narrows the database and SQLite's -wal and -shm files to owner-only where the file system has
   * POSIX permissions. A failure (a file owned by someone else) is logged, not fatal: the daemon
   * can still work, and refusing would turn a hardening step into an outage.
   */
  static void restrictPermissions(Path file) {
    if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    for (Path each : companions(file)) {
      try {
        if (Files.exists(each) && !Files.getPosixFilePermissions(each).equals(OWNER_ONLY)) {
          Files.setPosixFilePermissions(each, OWNER_ONLY);
          log.info("Restricted {} to owner-only permissions (0600)", each);
        }
      } catch (IOException | UnsupportedOperationException e) {
        log.warn(
            "Could not restrict {} to owner-only permissions (0600): {}. Fix: chmod 600 {}",
            each,
            e.toString(),
            each);
      }
    }
  }

  /** The database and the files SQLite keeps beside it in WAL mode. */
  static List<Path> companions(Path file) {
    String name = file.getFileName().toString();
    return List.of(file, file.resolveSibling(name + "-wal"), file.resolveSibling(name + "-shm"));
  }
}
