package io.zferry.service.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Every key zferry.yaml may hold, as paths such as {@code services[].vips[].cidr} ({@code []}
 * stands for any list entry). The loader refuses any other key, and a unit test checks that the
 * sample in packaging/ documents each of these, so the list, the loader and the documentation
 * cannot drift apart.
 */
final class ConfigSchema {
  /** The keys of {@code defaults} and of each {@code services[].settings}. */
  static final List<String> SETTINGS_KEYS =
      List.of(
          "snapshotInterval",
          "retentionCount",
          "pullInterval",
          "stallTimeout",
          "bandwidthLimit",
          "passiveHold");

  static final List<String> KEYS = keys();

  private ConfigSchema() {}

  private static List<String> keys() {
    List<String> keys =
        new ArrayList<>(
            List.of(
                "cluster",
                "cluster.name",
                "cluster.heartbeatInterval",
                "cluster.heartbeatTimeout",
                "cluster.pingTargets",
                "cluster.manager",
                "ssh",
                "ssh.privateKey",
                "ssh.knownHosts",
                "ssh.user",
                "ssh.streamClient",
                "nodes",
                "nodes[].name",
                "nodes[].address",
                "nodes[].sshPort",
                "nodes[].apiPort",
                "nodes[].pullInterval",
                "nodes[].bandwidthLimit",
                "services",
                "services[].name",
                "services[].pool",
                "services[].preferredNode",
                "services[].vips",
                "services[].vips[].cidr",
                "services[].vips[].interface",
                "services[].hooks",
                "services[].hooks.start",
                "services[].hooks.stop",
                "services[].hooks.timeout",
                "services[].fencing",
                "services[].fencing.policy",
                "services[].fencing.command",
                "services[].fencing.timeout",
                "services[].replication",
                "services[].replication.raw",
                "services[].replication.wireCompression",
                "services[].settings",
                "defaults",
                "api",
                "api.port",
                "api.bindAddress",
                "api.tls",
                "api.tls.certificate",
                "api.tls.privateKey",
                "api.tls.peerCertificate",
                "api.tokensFile",
                "api.users",
                "api.users[].name",
                "api.users[].passwordHash",
                "api.users[].role",
                "state",
                "state.database",
                "witness",
                "witness.endpoints",
                "witness.ttl",
                "witness.safetyMargin"));
    for (String key : SETTINGS_KEYS) {
      keys.add("defaults." + key);
      keys.add("services[].settings." + key);
    }
    return List.copyOf(keys);
  }

  /** The keys allowed directly inside the mapping at {@code schemaPath} ("" for the top level). */
  static Set<String> childrenOf(String schemaPath) {
    String prefix = schemaPath.isEmpty() ? "" : schemaPath + ".";
    Set<String> children = new LinkedHashSet<>();
    for (String key : KEYS) {
      if (key.startsWith(prefix) && key.indexOf('.', prefix.length()) < 0) {
        children.add(key.substring(prefix.length()));
      }
    }
    return children;
  }

  /**
   * The known key an operator most likely meant: the same key in another case, or one a few typing
   * mistakes away (edit distance at most a quarter of the key's length, and at least 2).
   */
  static Optional<String> nearest(String unknown, Collection<String> known) {
    String typed = unknown.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = editDistance(typed, candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    int tolerance = Math.max(2, typed.length() / 4);
    return best != null && bestDistance <= tolerance ? Optional.of(best) : Optional.empty();
  }

  /** Levenshtein distance. */
  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
