package io.zferry.service.config;

import java.util.ArrayList;
import java.util.List;

/** A configuration for the lab's two nodes, for tests: the cluster and nodes, then their lines. */
public final class TwoNodeYaml {
  private TwoNodeYaml() {}

  /** The cluster {@code lab} with node-a and node-b, followed by {@code lines}, one per line. */
  public static String with(String... lines) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "cluster:",
                "  name: lab",
                "nodes:",
                "  - name: node-a",
                "    address: 10.99.0.11",
                "  - name: node-b",
                "    address: 10.99.0.12"));
    all.addAll(List.of(lines));
    all.add("");
    return String.join("\n", all);
  }
}
