package io.zferry.service.systemd;

import java.io.IOException;

/** Carries one sd_notify message (such as {@code "READY=1"}) to systemd. */
public interface NotifyTransport extends AutoCloseable {
  void send(String message) throws IOException;

  @Override
  void close();
}
