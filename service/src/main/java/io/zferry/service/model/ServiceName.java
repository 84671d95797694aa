package io.zferry.service.model;

/** The name of a clustered service, such as {@code tank}; used in the CLI, the API and the GUI. */
public record ServiceName(String value) implements Comparable<ServiceName> {
  /** What a valid name looks like, for messages that tell the operator the fix. */
  public static final String RULE = Names.RULE;

  public ServiceName {
    Names.require("service", value);
  }

  public static ServiceName of(String value) {
    return new ServiceName(value);
  }

  /**
   * True if both name the same service. Compared ignoring case so that {@code zferry failover Tank}
   * cannot pick a different service than {@code tank}.
   */
  public boolean sameAs(ServiceName other) {
    return value.equalsIgnoreCase(other.value);
  }

  @Override
  public int compareTo(ServiceName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
