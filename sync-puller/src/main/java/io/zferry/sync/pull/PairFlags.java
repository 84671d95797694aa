package io.zferry.sync.pull;

import io.zferry.snapshot.zfs.Capabilities;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.SendFlags;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code zfs send} flags of one dataset's replication pair. They are chosen when the pair is
 * bootstrapped and then never change between its incrementals: changing {@code -L} between
 * incrementals corrupts files (OpenZFS #6224). The target records them in its own property {@value
 * #PROPERTY_NAME} (set locally; a later {@code -p} stream carries it to the other node), and a
 * change of what is wanted takes effect only at the dataset's next bootstrap.
 */
public final class PairFlags {
  public static final String PROPERTY_NAME = "io.zferry:sendflags";
  public static final PropertyName PROPERTY = PropertyName.of(PROPERTY_NAME);
  private static final Set<String> LETTERS = Set.of("p", "c", "w", "L", "e");

  private PairFlags() {}

  /**
   * A stream the dataset needs that one of the hosts cannot send or receive: every later cycle
   * fails the same way until the hosts or the configuration change, so retrying does not help.
   */
  public static final class UnsupportedStreamException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    UnsupportedStreamException(String message) {
      super(message);
    }
  }

  /**
   * What a new pair is sent with: properties, and every stream option both hosts have. Raw ({@code
   * -w}: encrypted blocks as they are, the key stays on the source) for an encrypted dataset, and
   * for every dataset when {@code rawEverywhere}; raw implies {@code -c -L -e}.
   *
   * @throws UnsupportedStreamException if raw is needed and a host cannot do it
   */
  public static SendFlags forBootstrap(
      DatasetName dataset,
      Capabilities source,
      Capabilities target,
      boolean encrypted,
      boolean rawEverywhere) {
    boolean raw = encrypted || rawEverywhere;
    if (raw && !(source.sendRaw() && target.sendRaw())) {
      throw new UnsupportedStreamException(
          dataset
              + (encrypted ? " is encrypted" : " is to be sent raw (replication.raw)")
              + ", but "
              + (source.sendRaw() ? target.implementation() : source.implementation())
              + " cannot send or receive raw streams (zfs send -w); use OpenZFS 2.x on both"
              + " nodes"
              + (encrypted ? "" : " or set replication.raw to false"));
    }
    if (raw) {
      return new SendFlags(false, true, true, true, true, true);
    }
    return new SendFlags(
        false,
        true,
        source.sendCompressed() && target.sendCompressed(),
        false,
        source.sendLargeBlocks() && target.sendLargeBlocks(),
        source.sendEmbedded() && target.sendEmbedded());
  }

  /** What zferry sent before pairs recorded their flags: properties, compressed where possible. */
  public static SendFlags legacy(Capabilities source, Capabilities target) {
    return new SendFlags(
        false, true, source.sendCompressed() && target.sendCompressed(), false, false, false);
  }

  /** Whether the pair's hosts have any stream option to pin; zfs-fuse has none. */
  public static boolean worthRecording(Capabilities source, Capabilities target) {
    return source.sendCompressed() && target.sendCompressed();
  }

  public static String encode(SendFlags flags) {
    List<String> letters = new ArrayList<>();
    if (flags.properties()) {
      letters.add("p");
    }
    if (flags.compressed()) {
      letters.add("c");
    }
    if (flags.raw()) {
      letters.add("w");
    }
    if (flags.largeBlocks()) {
      letters.add("L");
    }
    if (flags.embedded()) {
      letters.add("e");
    }
    return String.join(",", letters);
  }

  /**
   * @throws IllegalArgumentException naming the dataset and the property if the value is not one
   *     zferry wrote
   */
  public static SendFlags decode(DatasetName dataset, String value) {
    List<String> letters = List.of(value.strip().split(","));
    if (!LETTERS.containsAll(letters)) {
      throw new IllegalArgumentException(
          dataset
              + " has "
              + PROPERTY_NAME
              + "="
              + value
              + ", which zferry did not write (letters from p,c,w,L,e); run 'zfs inherit "
              + PROPERTY_NAME
              + " "
              + dataset
              + "' on the passive to use the flags of a pair bootstrapped before flags were"
              + " recorded");
    }
    return new SendFlags(
        false,
        letters.contains("p"),
        letters.contains("c"),
        letters.contains("w"),
        letters.contains("L"),
        letters.contains("e"));
  }
}
