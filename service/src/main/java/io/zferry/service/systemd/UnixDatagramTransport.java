package io.zferry.service.systemd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Sends each message as one datagram to the AF_UNIX socket named by {@code NOTIFY_SOCKET}: a path,
 * or a name in Linux's abstract namespace written with a leading {@code @}. The JDK has no AF_UNIX
 * datagram sockets, hence junixsocket.
 */
public final class UnixDatagramTransport implements NotifyTransport {
  private final AFUNIXSocketAddress target;
  private final AFUNIXDatagramChannel channel;

  private UnixDatagramTransport(AFUNIXSocketAddress target, AFUNIXDatagramChannel channel) {
    this.target = target;
    this.channel = channel;
  }

  /**
   * @param notifySocket the value of {@code NOTIFY_SOCKET}
   * @throws IOException if the socket cannot be created (such as junixsocket's native library not
   *     loading on this platform)
   * @throws IllegalArgumentException if the value is neither an absolute path nor {@code @name}
   */
  public static UnixDatagramTransport to(String notifySocket) throws IOException {
    AFUNIXSocketAddress target = address(notifySocket);
    AFUNIXDatagramChannel channel = AFUNIXDatagramChannel.open();
    // Never block the heartbeat thread on a full socket queue: a message that does not fit now
    // is dropped, as a lost ping would be.
    channel.configureBlocking(false);
    return new UnixDatagramTransport(target, channel);
  }

  static AFUNIXSocketAddress address(String notifySocket) throws IOException {
    if (notifySocket.startsWith("@") && notifySocket.length() > 1) {
      // As sd_notify does: '@' stands for the leading NUL byte, and the name is used as it is,
      // without a terminating NUL, so it matches the name systemd bound byte for byte.
      byte[] name = notifySocket.getBytes(StandardCharsets.UTF_8);
      name[0] = 0;
      return AFUNIXSocketAddress.of(name);
    }
    if (notifySocket.startsWith("/")) {
      return AFUNIXSocketAddress.of(Path.of(notifySocket));
    }
    throw new IllegalArgumentException(
        "NOTIFY_SOCKET="
            + notifySocket
            + " is neither an absolute path nor an abstract socket name starting with @");
  }

  @Override
  public void send(String message) throws IOException {
    // Addressed anew each time rather than connected: systemd re-executing itself binds a new
    // socket under the same name. (The channel, not the DatagramSocket: java.net's send refuses
    // an address that is not an IP address before junixsocket sees it.)
    if (channel.send(ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)), target) == 0) {
      throw new IOException("the socket's queue is full; message dropped");
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing is buffered: each datagram was either sent or refused.
    }
  }
}
