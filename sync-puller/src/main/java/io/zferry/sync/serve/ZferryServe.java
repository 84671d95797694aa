package io.zferry.sync.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code zferry serve}: the forced command of the key a peer node logs in with ({@code
 * command="zferry serve",restrict} in {@code authorized_keys}). sshd runs it instead of whatever
 * the client asked for and passes the request in {@code SSH_ORIGINAL_COMMAND}; it is parsed by
 * {@link ForcedCommandLine}, checked by {@link ServePolicy} and, if it is one of the operations
 * zferry needs, run as an argv list with this process's standard streams, so a {@code zfs send}
 * stream goes straight from zfs to sshd. No shell is involved at any point.
 *
 * <p>A refusal prints one line on stderr (which the client sees), goes to syslog when there is one,
 * and ends with {@link #REFUSED}; nothing is executed. This class is deliberately small and free of
 * logging frameworks: sshd starts a JVM for every command the peer sends.
 */
public final class ZferryServe {
  /** Exit status of a refused command (sysexits' EX_NOPERM), apart from any of zfs's own. */
  public static final int REFUSED = 77;

  /** Exit status when the zfs program cannot be started. */
  public static final int CANNOT_RUN = 127;

  /** Exit status of wrong options in the authorized_keys command itself. */
  public static final int USAGE = 2;

  /** Where zfs is looked for when {@code --zfs} is not given; PATH is not trusted. */
  static final List<String> ZFS_LOCATIONS =
      List.of("/usr/sbin/zfs", "/sbin/zfs", "/usr/local/sbin/zfs", "/usr/bin/zfs", "/bin/zfs");

  /**
   * The program that runs a send with its output compressed ({@code zferry-zstd}, installed by the
   * package); {@code --compressor} names another (a source checkout's).
   */
  static final String DEFAULT_COMPRESSOR = "/usr/lib/zferry/zferry-zstd";

  /** Runs an accepted argv with the caller's standard streams and returns its exit status. */
  public interface Runner {
    int run(List<String> argv) throws IOException, InterruptedException;
  }

  private final String zfsProgram;
  private final String compressor;
  private final ServedPools pools;
  private final Runner runner;
  private final PrintStream err;
  private final Consumer<String> auditLog;

  public ZferryServe(
      String zfsProgram,
      ServedPools pools,
      Runner runner,
      PrintStream err,
      Consumer<String> auditLog) {
    this(zfsProgram, DEFAULT_COMPRESSOR, pools, runner, err, auditLog);
  }

  public ZferryServe(
      String zfsProgram,
      String compressor,
      ServedPools pools,
      Runner runner,
      PrintStream err,
      Consumer<String> auditLog) {
    this.zfsProgram = Objects.requireNonNull(zfsProgram, "zfsProgram");
    this.compressor = Objects.requireNonNull(compressor, "compressor");
    this.pools = Objects.requireNonNull(pools, "pools");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.err = Objects.requireNonNull(err, "err");
    this.auditLog = Objects.requireNonNull(auditLog, "auditLog");
  }

  /**
   * One command of each shape the peer sends, and one it must refuse: {@code --warm-up} runs them
   * through the checks (nothing is executed) while the launcher records a class-data sharing
   * archive, so the archive holds every class a real command loads.
   */
  static final List<String> WARM_UP =
      List.of(
          "zfs version",
          "'zfs' 'list' '-H' '-p' '-r' '-t' 'snapshot' '-o' 'name,guid,createtxg,creation' 'tank'",
          "'zfs' 'get' '-H' '-p' '-r' '-o' 'name,property,value' 'guid,createtxg,creation' 'tank'",
          "'zfs' 'get' '-H' '-p' '-o' 'value' 'referenced' 'tank/data@zferry-1'",
          "'zfs' 'send' '-n' '-P' '-p' '-c' '-I' 'tank/data@zferry-1' 'tank/data@zferry-2'",
          "'zfs' 'send' '-w' '-i' 'tank/data#zferry-1' 'tank/data@zferry-2'",
          "'zfs' 'send' '-t' '"
              + "1-1234abcd-c0-789c636064000310a500c4ec50360710e72765a5269740f80cd8e4d3d28a534b"
              + "18e00024cf86249f5459925acc802a8facbf243fbd34338581c1d200226f8024cf0996cf4bcc4d05"
              + "d28979d9fa298925890e5569a9454595ba46083301b156145a'",
          "'zfs' 'destroy' 'tank@zferry-1'");

  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("--warm-up")) {
      System.exit(warmUp(System.err));
    }
    System.exit(serve(args, System.getenv(), System.err));
  }

  /**
   * Checks {@link #WARM_UP} and runs nothing; returns 0 if each command got the verdict it should
   * (all accepted but the last), otherwise 1 with the command named on {@code err}.
   */
  static int warmUp(PrintStream err) {
    List<Integer> statuses = new ArrayList<>();
    ByteArrayOutputStream refusals = new ByteArrayOutputStream();
    ZferryServe checker =
        new ZferryServe(
            "/usr/sbin/zfs",
            new ServedPools(Set.of("tank")),
            argv -> 0,
            new PrintStream(refusals, true, StandardCharsets.UTF_8),
            message -> {});
    for (String line : WARM_UP) {
      statuses.add(checker.handle(line));
    }
    for (int i = 0; i < WARM_UP.size(); i++) {
      int expected = i == WARM_UP.size() - 1 ? REFUSED : 0;
      if (statuses.get(i) != expected) {
        err.println(
            "zferry serve --warm-up: "
                + printable(WARM_UP.get(i))
                + " gave "
                + statuses.get(i)
                + ", not "
                + expected);
        return 1;
      }
    }
    return 0;
  }

  /**
   * {@code zferry serve [--zfs PATH] [--config PATH]} with the real environment; returns the exit
   * status.
   */
  public static int serve(String[] args, Map<String, String> env, PrintStream err) {
    String zfs = null;
    String compressor = DEFAULT_COMPRESSOR;
    Path config = ServedPools.DEFAULT_CONFIG;
    boolean printArgv = false;
    boolean session = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--print-argv")) {
        printArgv = true;
      } else if (args[i].equals("--session")) {
        session = true;
      } else if (args[i].equals("--zfs")) {
        if (i + 1 >= args.length || !args[i + 1].startsWith("/")) {
          err.println("zferry serve: --zfs needs the absolute path of the zfs program");
          return USAGE;
        }
        zfs = args[++i];
      } else if (args[i].equals("--compressor")) {
        if (i + 1 >= args.length || !args[i + 1].startsWith("/")) {
          err.println("zferry serve: --compressor needs the absolute path of zferry-zstd");
          return USAGE;
        }
        compressor = args[++i];
      } else if (args[i].equals("--config")) {
        if (i + 1 >= args.length || !args[i + 1].startsWith("/")) {
          err.println("zferry serve: --config needs the absolute path of zferry.yaml");
          return USAGE;
        }
        config = Path.of(args[++i]);
      } else if (args[i].equals("-h") || args[i].equals("--help")) {
        err.println(
            "usage: zferry serve [--zfs /ABSOLUTE/PATH] [--compressor /ABSOLUTE/PATH] [--config /ABSOLUTE/PATH]\n"
                + "The forced command of a peer's key in authorized_keys, e.g.\n"
                + "  command=\"/usr/bin/zferry serve\",restrict ssh-ed25519 AAAA... root@peer\n"
                + "Runs the SSH client's command (SSH_ORIGINAL_COMMAND) only if it is one of the"
                + " zfs list, get and send operations zferry needs, and only of the pools of the"
                + " services in the configuration (default "
                + ServedPools.DEFAULT_CONFIG
                + ").");
        return USAGE;
      } else {
        err.println(
            "zferry serve: unknown option '"
                + printable(args[i])
                + "'; usage: zferry serve [--zfs /ABSOLUTE/PATH] [--compressor /ABSOLUTE/PATH] [--config /ABSOLUTE/PATH]");
        return USAGE;
      }
    }
    if (zfs == null) {
      zfs =
          ZFS_LOCATIONS.stream()
              .filter(p -> Files.isExecutable(Path.of(p)))
              .findFirst()
              .orElse(null);
      if (zfs == null) {
        err.println(
            "zferry serve: no zfs program in "
                + ZFS_LOCATIONS
                + "; install ZFS or name it with --zfs in the authorized_keys command");
        return CANNOT_RUN;
      }
    }
    String client = env.getOrDefault("SSH_CONNECTION", "").split(" ")[0];
    Consumer<String> syslog =
        message -> Syslog.warn(client.isEmpty() ? message : "from " + client + ": " + message);
    ServedPools pools;
    try {
      pools = ServedPools.read(config);
    } catch (IllegalArgumentException e) {
      // Nothing is served without knowing what may be: refused, like a command off the list.
      String line = "refused: the pools this node serves are unknown: " + e.getMessage();
      err.println("zferry serve: " + line);
      syslog.accept(line);
      return REFUSED;
    }
    if (session) {
      return session(zfs, compressor, pools, env.get("SSH_ORIGINAL_COMMAND"), syslog, err);
    }
    Runner runner = printArgv ? ZferryServe::printArgv : ZferryServe::runInherited;
    return new ZferryServe(zfs, compressor, pools, runner, err, syslog)
        .handle(env.get("SSH_ORIGINAL_COMMAND"));
  }

  /**
   * A session on this process's stdin and stdout ({@link SessionProtocol}), which the launcher
   * starts when the client's command is {@code zferry-session 1}; checked here again.
   */
  private static int session(
      String zfs,
      String compressor,
      ServedPools pools,
      String commandLine,
      Consumer<String> auditLog,
      PrintStream err) {
    try {
      if (commandLine == null
          || !ForcedCommandLine.parse(commandLine).equals(SessionProtocol.OPEN)) {
        throw new RefusedCommandException("not a session request");
      }
    } catch (RefusedCommandException e) {
      String line = "refused " + printable(commandLine) + ": " + e.getMessage();
      err.println("zferry serve: " + line);
      auditLog.accept(line);
      return REFUSED;
    }
    try {
      return new ServeSession(zfs, compressor, pools, ServeSession.TICKETS, auditLog)
          .serve(System.in, System.out);
    } catch (IOException e) {
      err.println("zferry serve: session ended: " + e.getMessage());
      return CANNOT_RUN;
    }
  }

  /** Checks one command line and runs it if allowed; returns the exit status. */
  public int handle(String commandLine) {
    AllowedOperation operation;
    try {
      operation = ServePolicy.check(ForcedCommandLine.parse(commandLine), pools);
      requireCompressor(operation, compressor);
    } catch (RefusedCommandException e) {
      String line = "refused " + printable(commandLine) + ": " + e.getMessage();
      err.println("zferry serve: " + line);
      err.flush();
      auditLog.accept(line);
      return REFUSED;
    }
    List<String> argv = operation.argv(zfsProgram, compressor);
    try {
      return runner.run(argv);
    } catch (IOException e) {
      err.println("zferry serve: cannot run " + zfsProgram + ": " + e.getMessage());
      return CANNOT_RUN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CANNOT_RUN;
    }
  }

  /**
   * Refuses a compressed send when this node cannot compress: the peer then sends plain.
   *
   * @throws RefusedCommandException naming what is missing
   */
  static void requireCompressor(AllowedOperation operation, String compressor) {
    if (!operation.compressed()) {
      return;
    }
    for (String program : List.of(compressor, ServePolicy.ZSTD)) {
      if (!Files.isExecutable(Path.of(program))) {
        throw new RefusedCommandException(
            "wire compression is not available on this node: "
                + program
                + " is not installed"
                + (program.equals(ServePolicy.ZSTD) ? " (Debian package zstd)" : ""));
      }
    }
  }

  /**
   * For the launchers: prints the accepted argv, one word per line (the grammar allows neither
   * whitespace nor newlines in a word), for the launcher to {@code exec}. zfs then replaces the
   * launcher as the session's process: no JVM stays in the data path, and sshd reports zfs's own
   * exit status or signal to the client (a {@code zfs send} killed on the peer is reported as
   * killed, not as an exit code of a JVM).
   */
  static int printArgv(List<String> argv) {
    StringBuilder out = new StringBuilder();
    for (String word : argv) {
      out.append(word).append('\n');
    }
    System.out.print(out);
    System.out.flush();
    return System.out.checkError() ? CANNOT_RUN : 0;
  }

  /**
   * Runs argv with this process's stdin, stdout and stderr (file descriptors handed to the child,
   * no copying); if this JVM is told to stop (sshd or the client sends a signal), the child is
   * stopped too rather than left streaming to a closed channel.
   */
  static int runInherited(List<String> argv) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(new ArrayList<>(argv)).inheritIO().start();
    Thread stopChild = new Thread(process::destroy, "stop-zfs");
    Runtime.getRuntime().addShutdownHook(stopChild);
    int status = process.waitFor();
    try {
      Runtime.getRuntime().removeShutdownHook(stopChild);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or ran already; the child has ended either way.
    }
    return status;
  }

  /** A command line as it can be shown safely: control and non-ASCII characters escaped, short. */
  static String printable(String text) {
    if (text == null) {
      return "(no command)";
    }
    StringBuilder out = new StringBuilder("'");
    int limit = Math.min(text.length(), 200);
    for (int i = 0; i < limit; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (text.length() > limit) {
      out.append("...(").append(text.length()).append(" characters)");
    }
    return out.append('\'').toString();
  }
}
