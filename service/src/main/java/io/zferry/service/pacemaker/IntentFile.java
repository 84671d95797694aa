package io.zferry.service.pacemaker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pacemaker's last word for one service on this node, kept in the runtime directory ({@code
 * /run/zferry/pacemaker/SERVICE.intent}): a restarted zferryd goes on as Pacemaker left it (a
 * promoted instance keeps serving, and Pacemaker's monitor sees no failure), while a reboot, which
 * empties {@code /run}, starts from {@link PacemakerIntent#STOPPED} as Pacemaker does.
 */
public final class IntentFile {
  private static final Logger log = LoggerFactory.getLogger(IntentFile.class);

  private final Path file;
  private volatile PacemakerIntent intent;

  public IntentFile(Path directory, String service) {
    this.file = directory.resolve(service + ".intent");
    this.intent = read(file);
  }

  public PacemakerIntent intent() {
    return intent;
  }

  /** Records {@code next} (written before it is acted on, so a crash cannot forget it). */
  public synchronized void set(PacemakerIntent next) {
    if (next == intent && Files.exists(file)) {
      return;
    }
    RuntimeFiles.write(file, next.word() + "\n");
    intent = next;
  }

  private static PacemakerIntent read(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      Optional<PacemakerIntent> parsed = PacemakerIntent.parse(text);
      if (parsed.isEmpty()) {
        log.warn("{} holds no intent ({}); taking it as stopped", file, text.strip());
      }
      return parsed.orElse(PacemakerIntent.STOPPED);
    } catch (NoSuchFileException e) {
      return PacemakerIntent.STOPPED;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
