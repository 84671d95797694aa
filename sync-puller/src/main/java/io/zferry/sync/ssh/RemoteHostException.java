package io.zferry.sync.ssh;

import io.zferry.snapshot.host.HostException;

/**
 * A peer could not be reached or trusted over SSH: connection refused or timed out, handshake or
 * authentication failed, host key unknown or changed, connection lost. The message names the node,
 * its address and port, the cause and what to check.
 */
public class RemoteHostException extends HostException {
  private static final long serialVersionUID = 1L;
  private final String address;
  private final int port;

  public RemoteHostException(SshEndpoint endpoint, String message, Throwable cause) {
    super(endpoint.nodeName(), "SSH " + endpoint.hostPort() + ": " + message, cause);
    this.address = endpoint.address();
    this.port = endpoint.port();
  }

  public RemoteHostException(SshEndpoint endpoint, String message) {
    this(endpoint, message, null);
  }

  public String address() {
    return address;
  }

  public int port() {
    return port;
  }
}
