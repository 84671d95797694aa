package io.zferry.sync.ssh;

import com.hierynomus.sshj.key.KeyAlgorithm;
import com.hierynomus.sshj.key.KeyAlgorithms;
import com.hierynomus.sshj.transport.cipher.BlockCiphers;
import com.hierynomus.sshj.transport.cipher.GcmCiphers;
import com.hierynomus.sshj.transport.mac.Macs;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.SocketFactory;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.common.Factory;
import net.schmizz.sshj.common.SecurityUtils;
import net.schmizz.sshj.transport.cipher.Cipher;
import net.schmizz.sshj.transport.compression.NoneCompression;
import net.schmizz.sshj.transport.mac.MAC;

/**
 * The one place where sshj is configured for zferry's bulk streams. Every class of this package
 * that touches sshj calls {@link #ensureConfigured()} from its own static initializer, so the
 * security provider choice below happens before sshj's first use in this JVM.
 *
 * <p>Why (lab notes, "sshj (0.40.0) versus the OpenSSH client"): by default sshj registers
 * BouncyCastle as its JCE provider and offers chacha20-poly1305 first. BouncyCastle's pure-Java
 * AES-GCM pins sshj's reader thread at a core (91–155 MB/s); with registration off, the JDK's
 * AES-GCM with CPU intrinsics is used and sshj matches OpenSSH (≈ 670 MB/s at 0.9 CPU-s/GB).
 * chacha20-poly1305 exists in sshj only through BouncyCastle (≈ 180 MB/s), so it is never offered.
 */
final class SshjSetup {
  static {
    // Both calls are needed: setRegisterBouncyCastle(false) alone keeps a provider that some
    // earlier
    // sshj use in this JVM may already have chosen; clearing it makes sshj ask the JDK providers.
    SecurityUtils.setSecurityProvider(null);
    SecurityUtils.setRegisterBouncyCastle(false);
  }

  private SshjSetup() {}

  /** Runs the static initializer above; cheap to call any number of times. */
  static void ensureConfigured() {}

  /**
   * A client configuration: AES-GCM first, AES-CTR as fallback for a server without GCM, SHA-2 MACs
   * (used only with CTR; GCM authenticates itself), no compression (a trap for ZFS streams: 25–35
   * MB/s in the lab), and the host key types pinned for the peer asked for first.
   *
   * @param pinnedKeyTypes key types (e.g. {@code ssh-ed25519}) that known_hosts holds for the peer;
   *     empty when the peer is unknown
   */
  static DefaultConfig config(Set<String> pinnedKeyTypes, SshSettings settings) {
    DefaultConfig config = new DefaultConfig();
    config.setCipherFactories(
        List.<Factory.Named<Cipher>>of(
            GcmCiphers.AES128GCM(),
            GcmCiphers.AES256GCM(),
            BlockCiphers.AES128CTR(),
            BlockCiphers.AES256CTR()));
    config.setMACFactories(
        List.<Factory.Named<MAC>>of(
            Macs.HMACSHA2256Etm(), Macs.HMACSHA2512Etm(), Macs.HMACSHA2256(), Macs.HMACSHA2512()));
    config.setCompressionFactories(List.of(new NoneCompression.Factory()));
    config.setKeyAlgorithms(keyAlgorithms(config.getKeyAlgorithms(), pinnedKeyTypes));
    // KEEP_ALIVE sends keepalive@openssh.com requests that need an answer, so a peer that vanished
    // without a FIN is detected; HEARTBEAT (sshj's default) only notices a failing TCP write.
    config.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
    // With window auto-expansion off (see SshHost), a channel can hold the unread part of one full
    // window plus the next window the server was granted when the reader caught up: twice the
    // window. sshj's default cap equals the default 16 MiB window and would overflow.
    config.setMaxCircularBufferSize(
        (int) Math.min(Integer.MAX_VALUE - 8, 2 * settings.windowSize() + 1024 * 1024));
    return config;
  }

  /**
   * sshj's key algorithms without certificates (zferry uses none), those of the pinned host key
   * types first, in sshj's order. The server takes the first algorithm of our list that it has a
   * key for, so a peer holding several host keys presents a pinned one rather than being reported
   * as changed. Reordering rather than filtering: sshj uses the same list to sign with the client
   * key, which may be of another type. And not through {@code
   * HostKeyVerifier.findExistingAlgorithms}: sshj 0.40 compares those names literally, so a pinned
   * {@code ssh-rsa} key would promote the legacy SHA-1 signature over rsa-sha2-*.
   */
  static List<Factory.Named<KeyAlgorithm>> keyAlgorithms(
      List<Factory.Named<KeyAlgorithm>> available, Set<String> pinnedKeyTypes) {
    List<Factory.Named<KeyAlgorithm>> pinned = new ArrayList<>();
    List<Factory.Named<KeyAlgorithm>> others = new ArrayList<>();
    for (Factory.Named<KeyAlgorithm> algorithm : available) {
      if (algorithm.getName().contains("-cert-")) {
        continue;
      }
      boolean isPinned =
          algorithm instanceof KeyAlgorithms.Factory factory
              && pinnedKeyTypes.contains(factory.getKeyType().toString());
      (isPinned ? pinned : others).add(algorithm);
    }
    pinned.addAll(others);
    return pinned;
  }

  /**
   * Sockets with a 4 MiB receive buffer (set before connecting, so TCP window scaling can use it)
   * and a 256 KiB buffered input stream in front of sshj's packet reader: measured to lower the
   * JVM's CPU per GB from 1.13 to 0.90 s.
   */
  static final class TunedSocketFactory extends SocketFactory {
    private final SshSettings settings;

    TunedSocketFactory(SshSettings settings) {
      this.settings = settings;
    }

    @Override
    public Socket createSocket() throws IOException {
      Socket socket = new TunedSocket(settings.socketInputBuffer());
      socket.setReceiveBufferSize(settings.socketReceiveBuffer());
      socket.setTcpNoDelay(true);
      socket.setKeepAlive(true);
      return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return createSocket(InetAddress.getByName(host), port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      return createSocket(InetAddress.getByName(host), port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      Socket socket = createSocket();
      socket.connect(new InetSocketAddress(host, port), (int) settings.connectTimeout().toMillis());
      return socket;
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress localHost, int localPort)
        throws IOException {
      Socket socket = createSocket();
      socket.bind(new InetSocketAddress(localHost, localPort));
      socket.connect(new InetSocketAddress(host, port), (int) settings.connectTimeout().toMillis());
      return socket;
    }
  }

  /** A socket whose input stream is buffered once; sshj asks for it a single time on connect. */
  private static final class TunedSocket extends Socket {
    private final int inputBuffer;
    private InputStream buffered;

    TunedSocket(int inputBuffer) {
      this.inputBuffer = inputBuffer;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (buffered == null) {
        buffered = new BufferedInputStream(super.getInputStream(), inputBuffer);
      }
      return buffered;
    }
  }
}
