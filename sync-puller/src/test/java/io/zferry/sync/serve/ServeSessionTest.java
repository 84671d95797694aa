package io.zferry.sync.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A session checks every request as a plain command is checked, and runs or tickets it. */
class ServeSessionTest {
  @TempDir Path dir;
  private Path zfs;
  private Path tickets;
  private final List<String> audit = new ArrayList<>();

  @BeforeEach
  void fakeZfs() throws IOException {
    // Prints its arguments on stdout and a line on stderr; "get" fails with 1.
    zfs = dir.resolve("zfs");
    Files.writeString(
        zfs,
        "#!/bin/sh\necho \"args: $*\"\necho 'a warning' >&2\n[ \"$1\" = get ] && exit 1\nexit 0\n");
    Files.setPosixFilePermissions(zfs, PosixFilePermissions.fromString("rwx------"));
    tickets = dir.resolve("tickets");
  }

  private List<SessionProtocol.Frame> serve(String... requests) throws IOException {
    String input = String.join("\n", requests) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status =
        new ServeSession(zfs.toString(), new ServedPools(Set.of("tank")), tickets, audit::add)
            .serve(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out);
    assertThat(status).isZero();
    byte[] bytes = out.toByteArray();
    byte[] ready = (SessionProtocol.READY + "\n").getBytes(StandardCharsets.US_ASCII);
    assertThat(new String(bytes, 0, ready.length, StandardCharsets.US_ASCII))
        .isEqualTo(SessionProtocol.READY + "\n");
    DataInputStream in =
        new DataInputStream(
            new ByteArrayInputStream(bytes, ready.length, bytes.length - ready.length));
    List<SessionProtocol.Frame> frames = new ArrayList<>();
    try {
      while (true) {
        frames.add(SessionProtocol.read(in));
      }
    } catch (EOFException end) {
      return frames;
    }
  }

  @Test
  void runsAnAllowedCommandToItsEndWithItsOutputAndStatus() throws IOException {
    List<SessionProtocol.Frame> frames =
        serve(
            "run 'zfs' 'list' '-H' '-o' 'name' 'tank'",
            "run 'zfs' 'get' '-H' '-p' '-o' 'value' 'referenced' 'tank/data'");

    assertThat(frames)
        .extracting(f -> (char) f.kind())
        .containsExactly('o', 'e', 'x', 'o', 'e', 'x');
    assertThat(frames.get(0).text()).isEqualTo("args: list -H -o name tank\n");
    assertThat(frames.get(1).text()).isEqualTo("a warning\n");
    assertThat(frames.get(2).exitStatus()).isZero();
    assertThat(frames.get(5).exitStatus()).isEqualTo(1);
  }

  @Test
  void refusesWhatThePolicyRefusesAndGoesOn() throws IOException {
    List<SessionProtocol.Frame> frames =
        serve(
            "run 'zfs' 'destroy' '-r' 'tank'",
            "ticket 'rm' '-rf' '/'",
            "exec 'zfs' 'list' '-H' '-o' 'name' 'tank'",
            "run 'zfs' 'list' '-H' '-o' 'name' 'tank'");

    assertThat(frames)
        .extracting(f -> (char) f.kind())
        .containsExactly('r', 'r', 'r', 'o', 'e', 'x');
    assertThat(frames.get(0).text()).startsWith("zferry serve: refused ").contains("destroy");
    assertThat(audit).hasSize(3);
    assertThat(tickets).doesNotExist();
  }

  @Test
  void aCompressedSendIsATicketOnlyAndOnlyWhereItCanBeCompressed() throws IOException {
    Path compressor = dir.resolve("zferry-zstd");
    Files.writeString(compressor, "#!/bin/sh\nexec \"$@\"\n");
    Files.setPosixFilePermissions(compressor, PosixFilePermissions.fromString("rwx------"));
    String send = "'zferry-zstd' 'zfs' 'send' 'tank/a@s1'";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new ServeSession(
            zfs.toString(),
            compressor.toString(),
            new ServedPools(Set.of("tank")),
            tickets,
            audit::add)
        .serve(
            new ByteArrayInputStream(
                ("run " + send + "\nticket " + send + "\n").getBytes(StandardCharsets.UTF_8)),
            out);
    // The run is refused, the ticket issued (and removed again when the session ended): zstd is
    // installed here (bin/setup).
    assertThat(audit)
        .singleElement()
        .asString()
        .contains("a compressed send streams only through a ticket");

    out.reset();
    audit.clear();
    new ServeSession(
            zfs.toString(),
            dir.resolve("missing-zferry-zstd").toString(),
            new ServedPools(Set.of("tank")),
            tickets,
            audit::add)
        .serve(
            new ByteArrayInputStream(("ticket " + send + "\n").getBytes(StandardCharsets.UTF_8)),
            out);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("wire compression is not available on this node")
        .contains("missing-zferry-zstd is not installed");
    assertThat(audit).hasSize(1);
  }

  @Test
  void aTicketHoldsTheCheckedArgvUntilTheSessionEnds() throws Exception {
    String id = null;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    java.io.PipedOutputStream requests = new java.io.PipedOutputStream();
    java.io.PipedInputStream serverIn = new java.io.PipedInputStream(requests);
    ServeSession session =
        new ServeSession(zfs.toString(), new ServedPools(Set.of("tank")), tickets, audit::add);
    Thread server =
        new Thread(
            () -> {
              try {
                session.serve(serverIn, out);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    server.start();
    requests.write(
        "ticket 'zfs' 'send' '-P' '-p' '-c' '-I' 'tank/a@s1' 'tank/a@s2'\n"
            .getBytes(StandardCharsets.UTF_8));
    requests.flush();
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      if (Files.isDirectory(tickets)) {
        try (var listing = Files.list(tickets)) {
          List<Path> files = listing.filter(p -> !p.toString().endsWith(".new")).toList();
          if (!files.isEmpty()) {
            id = files.get(0).getFileName().toString();
            break;
          }
        }
      }
      Thread.sleep(20);
    }
    assertThat(id).isNotNull();
    assertThat(SessionProtocol.isTicketId(id)).isTrue();
    Path ticket = tickets.resolve(id);
    assertThat(Files.readAllLines(ticket))
        .containsExactly(zfs.toString(), "send", "-P", "-p", "-c", "-I", "tank/a@s1", "tank/a@s2");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ticket)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tickets)))
        .isEqualTo("rwx------");

    requests.close();
    server.join(10_000);
    assertThat(ticket).as("a ticket nobody redeemed goes with its session").doesNotExist();
    assertThat(out.toString(StandardCharsets.ISO_8859_1)).contains(id);
  }
}
