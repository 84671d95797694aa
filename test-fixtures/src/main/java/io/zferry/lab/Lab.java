package io.zferry.lab;

import io.zferry.snapshot.host.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The two-node lab of {@code test-fixtures/bin/lab}: node-a and node-b with their own zfs-fuse pool
 * {@code tank}, sshd and etcd member, a client namespace and the witness host (the third etcd
 * member) on the same bridge. This class only drives the script and reads the {@code lab.env} it
 * writes; the script is the single source of truth about namespaces, addresses and keys.
 */
public final class Lab implements AutoCloseable {
  /** Where the script is; the build sets it, a developer may override it. */
  public static final String SCRIPT_PROPERTY = "zferry.lab.script";

  private static final Duration UP_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration DOWN_TIMEOUT = Duration.ofMinutes(3);

  private final LabScript script;
  // Read again after every `up`: its shape (--nodes 3) decides which nodes lab.env lists.
  private volatile Map<String, String> env;

  private Lab(LabScript script, Map<String, String> env) {
    this.script = script;
    this.env = env;
  }

  /** Brings the lab up (a no-op if it is up already) and describes it. */
  public static Lab up() {
    LabScript script = LabScript.locate("lab", SCRIPT_PROPERTY);
    script.run(UP_TIMEOUT, "up");
    return new Lab(script, readEnv());
  }

  /** Removes the lab; it must leave nothing behind. */
  public void down() {
    script.run(DOWN_TIMEOUT, "down");
  }

  @Override
  public void close() {
    if (!Boolean.getBoolean("zferry.lab.keep")) {
      down();
    }
  }

  public LabNode nodeA() {
    return node("node-a");
  }

  public LabNode nodeB() {
    return node("node-b");
  }

  public LabNode client() {
    return node("client");
  }

  public LabNode node(String name) {
    String key =
        switch (name) {
          case "node-a" -> "NODE_A";
          case "node-b" -> "NODE_B";
          case "node-c" -> "NODE_C";
          case "client" -> "CLIENT";
          case "witness" -> "WITNESS";
          default -> throw new IllegalArgumentException("the lab has no node " + name);
        };
    String port = env.getOrDefault(key + "_SSH_PORT", "0");
    return new LabNode(
        name,
        required(key + "_ADDR"),
        Integer.parseInt(port),
        Path.of(required("CLIENT_KEY")),
        Path.of(required("KNOWN_HOSTS")),
        Arrays.asList(required(key + "_NSENTER").trim().split("\\s+")));
  }

  /** The witness host: the etcd member that is neither node's, reachable over the clients' LAN. */
  public LabNode witness() {
    return node("witness");
  }

  /**
   * The client URLs of the lab's three etcd members (node-a's, node-b's, the witness host's), as a
   * zferry configuration lists them under {@code witness.endpoints}.
   */
  public List<String> etcdEndpoints() {
    return List.of(required("ETCD_ENDPOINTS").split(","));
  }

  public Path directory() {
    return Path.of(required("LAB_DIR"));
  }

  /** Runs a lab subcommand such as {@code kill node-a}. */
  public CommandResult command(String... args) {
    CommandResult result = script.run(UP_TIMEOUT, args);
    if (args.length > 0 && args[0].equals("up")) {
      env = readEnv();
    }
    return result;
  }

  private String required(String key) {
    String value = env.get(key);
    if (value == null || value.isEmpty()) {
      throw new IllegalStateException("lab.env has no " + key + "; is the lab script current?");
    }
    return value;
  }

  private static Map<String, String> readEnv() {
    String labDir = System.getenv().getOrDefault("ZFERRY_LAB_DIR", "/var/tmp/zferry-lab");
    String out;
    try {
      out = Files.readString(Path.of(labDir, "lab.env"));
    } catch (IOException e) {
      throw new UncheckedIOException("the lab is up but " + labDir + "/lab.env is unreadable", e);
    }
    Map<String, String> env = new HashMap<>();
    for (String line : out.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0 && !line.startsWith("#")) {
        env.put(line.substring(0, eq).trim(), unquote(line.substring(eq + 1).trim()));
      }
    }
    return env;
  }

  private static String unquote(String value) {
    if (value.length() >= 2
        && (value.startsWith("\"") && value.endsWith("\"")
            || value.startsWith("'") && value.endsWith("'"))) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }

  @Override
  public String toString() {
    return "Lab" + List.of(env.getOrDefault("LAB_DIR", "?"));
  }
}
