package io.zferry.snapshot.host;

import java.util.List;

/**
 * A program and its arguments as a list. zferry never builds shell command strings: a local command
 * goes straight to execve, and a remote one is quoted argument by argument by the transport, which
 * validates each argument first.
 */
public record Command(List<String> argv) {
  public Command {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a command needs at least a program name");
    }
    for (String arg : argv) {
      if (arg.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("a command argument contains a NUL character");
      }
    }
  }

  public static Command of(String... argv) {
    return new Command(List.of(argv));
  }

  public String program() {
    return argv.get(0);
  }

  /** For messages and logs only; never executed. */
  @Override
  public String toString() {
    return String.join(" ", argv);
  }
}
