package io.zferry.sync.serve;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The server side of a {@link SessionProtocol session}: reads requests until its input ends, checks
 * each with {@link ServePolicy} and runs it, or leaves it as a ticket in {@code ticketDirectory}
 * (mode 0700, each ticket 0600, written whole and then renamed into place). A ticket not redeemed
 * when the session ends is removed, and so is any older than {@link #TICKET_LIFETIME} found when a
 * session starts.
 */
final class ServeSession {
  static final Duration TICKET_LIFETIME = Duration.ofMinutes(5);

  /** Where tickets are left; the launcher scripts redeem them from here. */
  static final Path TICKETS = Path.of("/run/zferry-serve");

  private static final int CHUNK = 64 * 1024;
  private static final int STDERR_KEPT = 64 * 1024;

  private final String zfsProgram;
  private final String compressor;
  private final ServedPools pools;
  private final Path ticketDirectory;
  private final Consumer<String> auditLog;
  private final SecureRandom random = new SecureRandom();
  private final Set<Path> issued = new HashSet<>();

  ServeSession(
      String zfsProgram, ServedPools pools, Path ticketDirectory, Consumer<String> auditLog) {
    this(zfsProgram, ZferryServe.DEFAULT_COMPRESSOR, pools, ticketDirectory, auditLog);
  }

  ServeSession(
      String zfsProgram,
      String compressor,
      ServedPools pools,
      Path ticketDirectory,
      Consumer<String> auditLog) {
    this.zfsProgram = zfsProgram;
    this.compressor = compressor;
    this.pools = pools;
    this.ticketDirectory = ticketDirectory;
    this.auditLog = auditLog;
  }

  /** Serves until {@code in} ends; returns the exit status of the session. */
  int serve(InputStream in, OutputStream rawOut) throws IOException {
    removeExpiredTickets();
    DataOutputStream out = new DataOutputStream(rawOut);
    out.write((SessionProtocol.READY + "\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    try {
      String request;
      while ((request = readLine(in)) != null) {
        answer(request, out);
        out.flush();
      }
      return 0;
    } finally {
      for (Path ticket : issued) {
        Files.deleteIfExists(ticket);
      }
    }
  }

  private void answer(String request, DataOutputStream out) throws IOException {
    boolean run = request.startsWith(SessionProtocol.RUN);
    if (!run && !request.startsWith(SessionProtocol.TICKET_REQUEST)) {
      refuse(out, request, "not a session request (run or ticket)");
      return;
    }
    String line =
        request.substring(
            run ? SessionProtocol.RUN.length() : SessionProtocol.TICKET_REQUEST.length());
    AllowedOperation operation;
    try {
      operation = ServePolicy.check(ForcedCommandLine.parse(line), pools);
      ZferryServe.requireCompressor(operation, compressor);
      if (run && operation.compressed()) {
        throw new RefusedCommandException("a compressed send streams only through a ticket");
      }
    } catch (RefusedCommandException e) {
      refuse(out, line, e.getMessage());
      return;
    }
    List<String> argv = operation.argv(zfsProgram, compressor);
    if (run) {
      runToEnd(argv, out);
    } else {
      SessionProtocol.writeText(out, SessionProtocol.TICKET, leaveTicket(argv));
    }
  }

  private void refuse(DataOutputStream out, String line, String reason) throws IOException {
    String message = "refused " + ZferryServe.printable(line) + ": " + reason;
    auditLog.accept(message);
    SessionProtocol.writeText(out, SessionProtocol.REFUSED, "zferry serve: " + message);
  }

  private void runToEnd(List<String> argv, DataOutputStream out) throws IOException {
    Process process;
    try {
      process =
          new ProcessBuilder(argv)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
    } catch (IOException e) {
      SessionProtocol.writeText(
          out, SessionProtocol.STDERR, "zferry serve: cannot run " + argv.get(0) + ": " + e);
      SessionProtocol.writeExit(out, ZferryServe.CANNOT_RUN);
      return;
    }
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    Thread stderrReader =
        new Thread(() -> keepTail(process.getErrorStream(), stderr), "session-stderr");
    stderrReader.setDaemon(true);
    stderrReader.start();
    try (InputStream stdout = process.getInputStream()) {
      byte[] buffer = new byte[CHUNK];
      int n;
      while ((n = stdout.read(buffer)) > 0) {
        SessionProtocol.write(out, SessionProtocol.STDOUT, buffer, n);
      }
    } catch (IOException e) {
      // The client went away: stop the command rather than leave it running for nobody.
      process.destroy();
      throw e;
    }
    try {
      int status = process.waitFor();
      stderrReader.join();
      byte[] errors;
      synchronized (stderr) {
        errors = stderr.toByteArray();
      }
      SessionProtocol.write(out, SessionProtocol.STDERR, errors, errors.length);
      SessionProtocol.writeExit(out, status);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroy();
      throw new IOException("interrupted while " + argv.get(0) + " ran", e);
    }
  }

  private static void keepTail(InputStream in, ByteArrayOutputStream kept) {
    byte[] buffer = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        synchronized (kept) {
          if (kept.size() + n > STDERR_KEPT) {
            byte[] all = kept.toByteArray();
            kept.reset();
            int keep = Math.max(0, STDERR_KEPT - n);
            kept.write(all, all.length - Math.min(keep, all.length), Math.min(keep, all.length));
          }
          kept.write(buffer, 0, n);
        }
      }
    } catch (IOException e) {
      // The command ended or was stopped; what was read is all there is.
    }
  }

  private String leaveTicket(List<String> argv) throws IOException {
    Files.createDirectories(ticketDirectory);
    Files.setPosixFilePermissions(ticketDirectory, PosixFilePermissions.fromString("rwx------"));
    String id = HexFormat.of().formatHex(bytes(16));
    Path ticket = ticketDirectory.resolve(id);
    Path partial = ticketDirectory.resolve(id + ".new");
    StringBuilder text = new StringBuilder();
    for (String word : argv) {
      text.append(word).append('\n');
    }
    Files.writeString(
        partial,
        text,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-------"));
    Files.move(partial, ticket, StandardCopyOption.ATOMIC_MOVE);
    issued.add(ticket);
    return id;
  }

  private byte[] bytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }

  private void removeExpiredTickets() {
    if (!Files.isDirectory(ticketDirectory)) {
      return;
    }
    Instant oldest = Instant.now().minus(TICKET_LIFETIME);
    try (Stream<Path> tickets = Files.list(ticketDirectory)) {
      for (Path ticket : tickets.toList()) {
        try {
          if (Files.getLastModifiedTime(ticket).toInstant().isBefore(oldest)) {
            Files.deleteIfExists(ticket);
          }
        } catch (IOException e) {
          // Redeemed or removed meanwhile.
        }
      }
    } catch (IOException e) {
      // Expired tickets are removed at the next session's start.
    }
  }

  /** The next request line without its newline, or null at the end of input. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        return line.toString(StandardCharsets.UTF_8);
      }
      if (line.size() >= SessionProtocol.MAX_REQUEST) {
        throw new IOException("a session request longer than " + SessionProtocol.MAX_REQUEST);
      }
      line.write(c);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
  }
}
