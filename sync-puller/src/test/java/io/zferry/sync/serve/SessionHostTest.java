package io.zferry.sync.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.Host;
import io.zferry.snapshot.host.HostException;
import io.zferry.snapshot.host.RunningCommand;
import io.zferry.sync.ssh.SessionHost;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client of a serve session, against the real session server on pipes: commands share one
 * session, a send goes as a ticket, and a peer without sessions gets plain commands.
 */
class SessionHostTest {
  @TempDir Path dir;
  private Path zfs;
  private Path tickets;
  private final List<String> started = new CopyOnWriteArrayList<>();
  private boolean peerHasSessions = true;
  private String unreachable;
  private final List<RunningCommand> sessions = new CopyOnWriteArrayList<>();
  private Instant now = Instant.parse("2026-12-03T12:00:00Z");

  @BeforeEach
  void fakeZfs() throws IOException {
    zfs = dir.resolve("zfs");
    Files.writeString(
        zfs, "#!/bin/sh\n[ \"$1\" = get ] && sleep 30\necho \"args: $*\"\necho 'a warning' >&2\n");
    Files.setPosixFilePermissions(zfs, PosixFilePermissions.fromString("rwx------"));
    tickets = dir.resolve("tickets");
  }

  /** The peer: sshd with zferry serve as the forced command, on pipes. */
  private final Host peer =
      new Host() {
        @Override
        public String name() {
          return "node-a";
        }

        @Override
        public RunningCommand start(Command command) {
          if (unreachable != null) {
            throw new HostException("node-a", unreachable);
          }
          started.add(String.join(" ", command.argv()));
          if (command.argv().equals(SessionProtocol.OPEN)) {
            return peerHasSessions
                ? session(command)
                : ended(command, 77, "", "zferry serve: refused 'zferry-session' '1': no\n");
          }
          if (command.argv().get(0).equals(SessionProtocol.REDEEM)) {
            try {
              // What the launcher does: the ticket's argv, here only shown.
              Path ticket = tickets.resolve(command.argv().get(1));
              String argv = Files.readString(ticket);
              Files.delete(ticket);
              return ended(command, 0, argv, "");
            } catch (IOException e) {
              return ended(command, 77, "", "no ticket\n");
            }
          }
          return ended(command, 0, "plain\n", "");
        }
      };

  private final Clock clock =
      new Clock() {
        @Override
        public Instant instant() {
          return now;
        }

        @Override
        public java.time.ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }
      };

  private static final Command LIST =
      new Command(List.of("zfs", "list", "-H", "-o", "name", "tank"));
  private static final Command GET =
      new Command(List.of("zfs", "get", "-H", "-p", "-o", "value", "referenced", "tank"));
  private static final Command SEND =
      new Command(List.of("zfs", "send", "-P", "-p", "-I", "tank/a@s1", "tank/a@s2"));

  @Test
  void commandsShareOneSessionAndASendGoesAsATicket() throws IOException {
    SessionHost host = newSessionHost();

    CommandResult first = host.run(LIST, Duration.ofSeconds(10));
    CommandResult second = host.run(LIST, Duration.ofSeconds(10));
    RunningCommand send = host.start(SEND);

    assertThat(first.exitCode()).isZero();
    assertThat(first.stdout()).isEqualTo("args: list -H -o name tank\n");
    assertThat(first.stderr()).isEqualTo("a warning\n");
    assertThat(second.stdout()).isEqualTo(first.stdout());
    assertThat(send.command()).as("a ticket reports the command it stands for").isEqualTo(SEND);
    assertThat(new String(send.stdout().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo(zfs + "\nsend\n-P\n-p\n-I\ntank/a@s1\ntank/a@s2\n");
    assertThat(started).hasSize(2);
    assertThat(started.get(0)).isEqualTo("zferry-session 1");
    assertThat(started.get(1)).startsWith("zferry-ticket ");
    assertThat(host.hasSession()).isTrue();
    host.close();
  }

  @Test
  void aPeerWithoutSessionsGetsPlainCommandsAndIsAskedAgainLater() {
    peerHasSessions = false;
    SessionHost host = newSessionHost();

    assertThat(host.run(LIST, Duration.ofSeconds(10)).stdout()).isEqualTo("plain\n");
    assertThat(host.run(LIST, Duration.ofSeconds(10)).stdout()).isEqualTo("plain\n");
    assertThat(host.start(SEND).command()).isEqualTo(SEND);
    assertThat(started)
        .containsExactly(
            "zferry-session 1",
            String.join(" ", LIST.argv()),
            String.join(" ", LIST.argv()),
            String.join(" ", SEND.argv()));

    peerHasSessions = true;
    now = now.plus(Duration.ofMinutes(11));
    assertThat(host.run(LIST, Duration.ofSeconds(10)).stdout())
        .isEqualTo("args: list -H -o name tank\n");
    host.close();
  }

  @Test
  void aCommandThatOverrunsItsTimeoutFailsAndTheNextOneGetsANewSession() {
    SessionHost host = newSessionHost();

    assertThatThrownBy(() -> host.run(GET, Duration.ofMillis(500)))
        .isInstanceOf(HostException.class)
        .hasMessageContaining("did not end within");
    assertThat(host.run(LIST, Duration.ofSeconds(10)).stdout())
        .isEqualTo("args: list -H -o name tank\n");
    assertThat(started).containsExactly("zferry-session 1", "zferry-session 1");
    host.close();
  }

  @Test
  void aSessionThatDroppedBetweenCommandsIsReopenedAndTheCommandRunsInTheNewOne() {
    SessionHost host = newSessionHost();
    host.run(LIST, Duration.ofSeconds(10));
    // The connection drops while the session idles (the peer's sshd restarted, a network blip):
    // every request the policy allows only reads, so it is sent again on a new session.
    sessions.get(0).kill();

    CommandResult result = host.run(LIST, Duration.ofSeconds(10));

    assertThat(result.stdout()).isEqualTo("args: list -H -o name tank\n");
    assertThat(started).containsExactly("zferry-session 1", "zferry-session 1");
    assertThat(host.start(SEND).command()).isEqualTo(SEND);
    host.close();
  }

  @Test
  void whyANewSessionCannotBeOpenedIsWhatTheCommandReports() {
    SessionHost host = newSessionHost();
    host.run(LIST, Duration.ofSeconds(10));
    sessions.get(0).kill();
    unreachable = "node-a: the peer's host key changed";

    assertThatThrownBy(() -> host.run(LIST, Duration.ofSeconds(10)))
        .isInstanceOf(HostException.class)
        .hasMessageContaining("host key changed");
    host.close();
  }

  private SessionHost newSessionHost() {
    return new SessionHost(peer, clock);
  }

  /** A session server on pipes, as sshd would run the launcher's session JVM. */
  private RunningCommand session(Command command) {
    try {
      PipedOutputStream toServer = new PipedOutputStream();
      PipedInputStream serverIn = new PipedInputStream(toServer, 65536);
      PipedOutputStream serverOut = new PipedOutputStream();
      PipedInputStream fromServer = new PipedInputStream(serverOut, 65536);
      Thread server =
          new Thread(
              () -> {
                try (serverOut) {
                  new ServeSession(
                          zfs.toString(), new ServedPools(Set.of("tank")), tickets, line -> {})
                      .serve(serverIn, serverOut);
                } catch (IOException e) {
                  // The client closed the session.
                }
              });
      server.setDaemon(true);
      server.start();
      RunningCommand session =
          new RunningCommand() {
            @Override
            public Command command() {
              return command;
            }

            @Override
            public String host() {
              return "node-a";
            }

            @Override
            public OutputStream stdin() {
              return toServer;
            }

            @Override
            public InputStream stdout() {
              return fromServer;
            }

            @Override
            public CommandResult await(Duration timeout) {
              return new CommandResult("node-a", command, 0, "", "");
            }

            @Override
            public void kill() {
              close();
            }

            @Override
            public void close() {
              try {
                // As the SSH channel's kill does: a reader blocked on the answer is released.
                toServer.close();
                serverOut.close();
                fromServer.close();
              } catch (IOException e) {
                // Already closed.
              }
            }
          };
      sessions.add(session);
      return session;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static RunningCommand ended(Command command, int status, String stdout, String stderr) {
    InputStream out = new ByteArrayInputStream(stdout.getBytes(StandardCharsets.UTF_8));
    return new RunningCommand() {
      @Override
      public Command command() {
        return command;
      }

      @Override
      public String host() {
        return "node-a";
      }

      @Override
      public OutputStream stdin() {
        return OutputStream.nullOutputStream();
      }

      @Override
      public InputStream stdout() {
        return out;
      }

      @Override
      public CommandResult await(Duration timeout) {
        return new CommandResult("node-a", command, status, "", stderr);
      }

      @Override
      public void kill() {}

      @Override
      public void close() {}
    };
  }
}
