package io.zferry.vip;

/**
 * A virtual IP could not be brought up, taken down or read. The family is closed so that callers
 * can tell "someone else holds the address" from "a command failed" from "the system did not end up
 * as asked".
 */
public abstract sealed class VipException extends RuntimeException
    permits DuplicateAddressException, VipCommandException, VipStateException {
  private static final long serialVersionUID = 1L;

  VipException(String message, Throwable cause) {
    super(message, cause);
  }
}
