package io.zferry.lab;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.Host;
import io.zferry.snapshot.host.LocalHost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel-OpenZFS lab of {@code test-fixtures/bin/ozlab}: two qemu VMs, node-a and node-b, each
 * a Debian 12 server with OpenZFS from Debian packages, pool {@code tank}, systemd and sshd. This
 * class only drives the script (which holds the lab's lock while it builds, boots or tears down)
 * and reads the {@code ozlab.env} it writes.
 */
public final class OpenZfsLab implements AutoCloseable {
  /** Where the script is; the build sets it, a developer may override it. */
  public static final String SCRIPT_PROPERTY = "zferry.ozlab.script";

  /** The OpenZFS version to run: 2.1 (Debian 12) or 2.3 (bookworm-backports). */
  public static final String VERSION_PROPERTY = "zferry.openzfs";

  /** {@code true} leaves the VMs up after the run, for a look inside. */
  public static final String KEEP_PROPERTY = "zferry.ozlab.keep";

  public static final List<String> NODES = List.of("node-a", "node-b");

  // A first run builds the image (DKMS: 6 min idle, 16 min busy) before booting.
  private static final Duration UP_TIMEOUT = Duration.ofMinutes(40);
  private static final Duration DOWN_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration NODE_TIMEOUT = Duration.ofMinutes(6);
  private static final Duration EXEC_TIMEOUT = Duration.ofMinutes(5);

  private final LabScript script;
  private final String version;
  private final Map<String, String> env;

  private OpenZfsLab(LabScript script, String version, Map<String, String> env) {
    this.script = script;
    this.version = version;
    this.env = env;
  }

  /** Brings both VMs up with the OpenZFS version of {@link #VERSION_PROPERTY} (default 2.1). */
  public static OpenZfsLab up() {
    return up(System.getProperty(VERSION_PROPERTY, "2.1"));
  }

  /** Brings both VMs up (a no-op if they are up with that version) and describes them. */
  public static OpenZfsLab up(String version) {
    if (!version.equals("2.1") && !version.equals("2.3")) {
      throw new IllegalArgumentException(
          "OpenZFS version must be 2.1 or 2.3, not '" + version + "' (-D" + VERSION_PROPERTY + ")");
    }
    LabScript script = LabScript.locate("ozlab", SCRIPT_PROPERTY);
    script.run(UP_TIMEOUT, "--zfs", version, "up");
    return new OpenZfsLab(script, version, readEnv());
  }

  /** Boots whichever VM is not running (a power loss left it off); a no-op when both are up. */
  public void ensureUp() {
    script.run(UP_TIMEOUT, "--zfs", version, "up");
  }

  /** Powers both VMs off and removes everything but the cached image. */
  public void down() {
    script.run(DOWN_TIMEOUT, "down");
  }

  @Override
  public void close() {
    if (!Boolean.getBoolean(KEEP_PROPERTY)) {
      down();
    }
  }

  /** The OpenZFS version asked for, such as 2.1. */
  public String version() {
    return version;
  }

  /** The Debian version of zfsutils-linux in the VMs, such as 2.1.11-1+deb12u1. */
  public String zfsPackageVersion() {
    return required("ZFS_PACKAGE");
  }

  /** The node's address on the VMs' private network, where its peer reaches it. */
  public String address(String node) {
    return required(key(node) + "_ADDR");
  }

  /** The 127.0.0.1 port forwarded to the node's zferry API (8330). */
  public int apiPort(String node) {
    return Integer.parseInt(required(key(node) + "_API_PORT"));
  }

  /** An ssh_config with {@code Host node-a} and {@code Host node-b}, for ssh -F. */
  public Path sshConfig() {
    return Path.of(required("SSH_CONFIG"));
  }

  /** Runs commands as root inside the node, over ssh; each argument arrives as given. */
  public Host host(String node) {
    return new LocalHost(node, List.of(script.path().toString(), "exec", checked(node), "--"));
  }

  /** Runs a command in the node and returns its exit code, stdout and stderr, whatever they are. */
  public CommandResult exec(String node, String... argv) {
    return host(node).run(Command.of(argv), EXEC_TIMEOUT);
  }

  /** Runs a shell snippet in the node and requires success; for test set-up only. */
  public CommandResult shell(String node, String script) {
    return shell(node, script, EXEC_TIMEOUT);
  }

  /** The same, for a snippet that waits longer than a command may take ({@code within}). */
  public CommandResult shell(String node, String script, Duration within) {
    return host(node).run(Command.of("sh", "-c", script), within).requireSuccess();
  }

  /** Copies a file of this machine into the node. */
  public void copy(String node, Path source, String target) {
    script.run(EXEC_TIMEOUT, "copy", checked(node), source.toString(), target);
  }

  /** Power loss: SIGKILL of the node's qemu process, nothing else. */
  public void kill(String node) {
    script.run(NODE_TIMEOUT, "kill", checked(node));
  }

  /** Boots a killed node again and waits for its ssh. */
  public void start(String node) {
    script.run(NODE_TIMEOUT, "start", checked(node));
  }

  private static String checked(String node) {
    if (!NODES.contains(node)) {
      throw new IllegalArgumentException("the OpenZFS lab has no node " + node);
    }
    return node;
  }

  private static String key(String node) {
    return checked(node).toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }

  private String required(String key) {
    String value = env.get(key);
    if (value == null || value.isEmpty()) {
      throw new IllegalStateException("ozlab.env has no " + key + "; is the ozlab script current?");
    }
    return value;
  }

  private static Map<String, String> readEnv() {
    String labDir = System.getenv().getOrDefault("OZLAB_DIR", "/var/tmp/zferry-ozlab");
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of(labDir, "ozlab.env"));
    } catch (IOException e) {
      throw new UncheckedIOException("the lab is up but " + labDir + "/ozlab.env is unreadable", e);
    }
    Map<String, String> env = new HashMap<>();
    for (String line : lines) {
      int eq = line.indexOf('=');
      if (eq > 0 && !line.startsWith("#")) {
        env.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    return env;
  }

  @Override
  public String toString() {
    return "OpenZfsLab[OpenZFS " + version + ", " + env.getOrDefault("LAB_DIR", "?") + "]";
  }
}
