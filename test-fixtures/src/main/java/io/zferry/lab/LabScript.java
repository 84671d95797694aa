package io.zferry.lab;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.HostException;
import io.zferry.snapshot.host.LocalHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One of the labs' shell scripts ({@code test-fixtures/bin/lab}, {@code test-fixtures/bin/ozlab}),
 * found from a module's directory or a system property, and run as an argv list.
 */
record LabScript(String name, Path path) {

  /** The script {@code test-fixtures/bin/NAME}, or the path in system property {@code property}. */
  static LabScript locate(String name, String property) {
    String configured = System.getProperty(property);
    Path script =
        configured != null ? Path.of(configured) : Path.of("..", "test-fixtures", "bin", name);
    if (!Files.isExecutable(script)) {
      throw new IllegalStateException(
          name + " script not found at " + script.toAbsolutePath() + "; set -D" + property);
    }
    return new LabScript(name, script.toAbsolutePath().normalize());
  }

  /** Runs the script with {@code args}; a non-zero exit is a {@link HostException} with output. */
  CommandResult run(Duration timeout, String... args) {
    String[] argv = new String[args.length + 1];
    argv[0] = path.toString();
    System.arraycopy(args, 0, argv, 1, args.length);
    CommandResult result = new LocalHost(name).run(Command.of(argv), timeout);
    if (!result.succeeded()) {
      throw new HostException(
          name,
          "'"
              + String.join(" ", argv)
              + "' failed with "
              + result.exitCode()
              + ":\n"
              + result.stdout()
              + result.stderr());
    }
    return result;
  }
}
