package io.zferry.vip;

/**
 * The commands succeeded but the interface did not end up as asked: the address is missing after
 * {@code ip addr add}, still there after {@code ip addr del}, or IPv6 duplicate address detection
 * did not finish in time.
 */
public final class VipStateException extends VipException {
  private static final long serialVersionUID = 1L;
  private final transient VirtualIp vip;

  public VipStateException(VirtualIp vip, String message) {
    this(vip, message, null);
  }

  public VipStateException(VirtualIp vip, String message, Throwable cause) {
    super(vip + ": " + message, cause);
    this.vip = vip;
  }

  public VirtualIp vip() {
    return vip;
  }
}
