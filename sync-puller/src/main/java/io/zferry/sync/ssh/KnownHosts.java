package io.zferry.sync.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A parsed OpenSSH known_hosts file: {@code [marker] hosts keytype base64-key [comment]} per line,
 * blank lines and {@code #} comments ignored. Lines that cannot be used (SSH-1 keys, bad base64, a
 * key whose encoded type differs from the type field) are kept as {@link #problems()} for logs
 * rather than failing the whole file, as OpenSSH does.
 */
public final class KnownHosts {
  private final Path source;
  private final boolean exists;
  private final List<KnownHostsEntry> entries;
  private final List<String> problems;

  private KnownHosts(
      Path source, boolean exists, List<KnownHostsEntry> entries, List<String> problems) {
    this.source = source;
    this.exists = exists;
    this.entries = List.copyOf(entries);
    this.problems = List.copyOf(problems);
  }

  /** Reads a file; a missing file is an empty one (every host unknown), not an error. */
  public static KnownHosts read(Path file) throws IOException {
    try {
      // ISO-8859-1 never fails to decode; known_hosts is ASCII, and a stray byte spoils one line.
      return parse(file, Files.readAllLines(file, StandardCharsets.ISO_8859_1));
    } catch (NoSuchFileException e) {
      return new KnownHosts(file, false, List.of(), List.of());
    }
  }

  public static KnownHosts parse(Path source, List<String> lines) {
    List<KnownHostsEntry> entries = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      int lineNumber = i + 1;
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        entries.add(parseLine(lineNumber, line));
      } catch (IllegalArgumentException e) {
        problems.add(source + " line " + lineNumber + ": " + e.getMessage());
      }
    }
    return new KnownHosts(source, true, entries, problems);
  }

  private static KnownHostsEntry parseLine(int lineNumber, String line) {
    String[] fields = line.split("\\s+");
    int next = 0;
    KnownHostsEntry.Marker marker = KnownHostsEntry.Marker.NONE;
    if (fields[0].startsWith("@")) {
      marker =
          switch (fields[0]) {
            case "@cert-authority" -> KnownHostsEntry.Marker.CERT_AUTHORITY;
            case "@revoked" -> KnownHostsEntry.Marker.REVOKED;
            default -> throw new IllegalArgumentException("unknown marker " + fields[0]);
          };
      next = 1;
    }
    if (fields.length < next + 3) {
      throw new IllegalArgumentException("expected hosts, key type and key");
    }
    String hosts = fields[next];
    String type = fields[next + 1];
    if (type.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("SSH protocol 1 keys are not supported");
    }
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(fields[next + 2]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the key is not valid base64");
    }
    Optional<String> encodedType = SshKeys.typeOf(blob);
    if (encodedType.isEmpty() || !encodedType.get().equals(type)) {
      throw new IllegalArgumentException(
          "the key field holds a " + encodedType.orElse("malformed") + " key, not " + type);
    }
    return new KnownHostsEntry(lineNumber, marker, hosts, type, blob);
  }

  public Path source() {
    return source;
  }

  /** False if the file did not exist when read. */
  public boolean exists() {
    return exists;
  }

  public List<KnownHostsEntry> entries() {
    return entries;
  }

  /** Lines that were skipped, with the reason; for logs. */
  public List<String> problems() {
    return problems;
  }

  /** Plain (unmarked) entries that apply to any of the given names, in file order. */
  public List<KnownHostsEntry> entriesFor(Collection<String> hostNames) {
    return entries.stream()
        .filter(e -> e.marker() == KnownHostsEntry.Marker.NONE)
        .filter(e -> hostNames.stream().anyMatch(e::appliesTo))
        .toList();
  }

  /** The {@code @revoked} entry holding this key, if any; revocation applies to every host. */
  public Optional<KnownHostsEntry> revocationOf(byte[] blob) {
    return entries.stream()
        .filter(e -> e.marker() == KnownHostsEntry.Marker.REVOKED && e.holds(blob))
        .findFirst();
  }
}
