package io.zferry.service.model;

/** The name of a cluster node, such as {@code node-a}; also its known_hosts alias. */
public record NodeName(String value) implements Comparable<NodeName> {
  /** What a valid name looks like, for messages that tell the operator the fix. */
  public static final String RULE = Names.RULE;

  public NodeName {
    Names.require("node", value);
  }

  public static NodeName of(String value) {
    return new NodeName(value);
  }

  /**
   * True if both name the same node. Names are compared ignoring case because OpenSSH lower-cases
   * known_hosts names: {@code Node-A} and {@code node-a} would share one host key entry.
   */
  public boolean sameAs(NodeName other) {
    return value.equalsIgnoreCase(other.value);
  }

  @Override
  public int compareTo(NodeName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
