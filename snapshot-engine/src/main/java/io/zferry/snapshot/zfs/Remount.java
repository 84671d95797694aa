package io.zferry.snapshot.zfs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Unmounts a dataset tree deepest first and mounts it again root first, so that every path shows
 * the datasets' current state and properties. zfs-fuse needs this after a full receive onto a
 * mounted dataset (it may keep serving the replaced data) and after {@code readonly=on} (enforced
 * only from the next mount). It answers "busy" for a moment after the last access to a mount, so
 * each step is retried.
 *
 * <p>Only datasets that ZFS mounts by itself are touched: filesystems with {@code canmount=on} and
 * a path as mountpoint. {@code zfs mount} and {@code zfs unmount} do not apply to volumes nor to
 * {@code mountpoint=legacy} (mount(8) and fstab mount those); {@code mountpoint=none} has nowhere
 * to be mounted; {@code canmount=off} never is and {@code canmount=noauto} only when someone chose
 * to.
 */
public final class Remount {
  private static final int ATTEMPTS = 20;
  private static final Duration RETRY_DELAY = Duration.ofMillis(250);
  private static final PropertyName MOUNTED = PropertyName.of("mounted");
  private static final PropertyName CANMOUNT = PropertyName.of("canmount");
  private static final PropertyName MOUNTPOINT = PropertyName.of("mountpoint");
  private static final PropertyName TYPE = PropertyName.of("type");

  /**
   * {@code available} or {@code unavailable} (the key is not loaded) for an encrypted dataset; in
   * the listing only where ZFS has encryption.
   */
  public static final PropertyName KEYSTATUS = PropertyName.of("keystatus");

  private Remount() {}

  /** Returns what failed, one line each; empty if the whole tree is mounted afresh. */
  public static List<String> tree(Zfs zfs, DatasetName root) {
    List<DatasetName> tree = new ArrayList<>();
    for (DatasetProperties dataset : rootFirst(zfs, root)) {
      // An encrypted dataset whose key is not loaded here (a raw copy on the passive) is mounted
      // nowhere and cannot be: trying would fail after every retry and stop the datasets after it.
      if (mountedByZfs(dataset) && !dataset.is(KEYSTATUS, "unavailable")) {
        tree.add(dataset.dataset());
      }
    }
    List<String> problems = new ArrayList<>();
    for (int i = tree.size() - 1; i >= 0; i--) {
      DatasetName dataset = tree.get(i);
      retried(() -> zfs.unmount(dataset))
          .ifPresent(
              e ->
                  problems.add(
                      "could not unmount "
                          + dataset
                          + ", so its mount may show outdated data or settings: "
                          + e.getMessage()));
    }
    for (DatasetName dataset : tree) {
      var failure = retried(() -> zfs.mount(dataset));
      if (failure.isPresent()) {
        problems.add("could not mount " + dataset + " again: " + failure.get().getMessage());
        // A child mounted without its parent would create its mountpoint in the directory below
        // the parent's mount, which then refuses the parent's mount for good ("not empty").
        break;
      }
    }
    return problems;
  }

  /**
   * Mounts every dataset of the tree that should be mounted and is not, root first: what a node
   * checks before it serves the pool, since a receive or a crash can leave a dataset unmounted and
   * clients would then write into the bare mountpoint directory. Volumes, datasets with {@code
   * canmount} other than {@code on}, or a mountpoint that is not a path ({@code none}, {@code
   * legacy}), are left alone, as are those {@code ignored} (the listing has {@link #KEYSTATUS}
   * where ZFS knows encryption).
   *
   * @return what is still not mounted, one line each; empty if the tree is mounted
   */
  public static List<String> ensureMounted(
      Zfs zfs, DatasetName root, Predicate<DatasetProperties> ignored) {
    List<String> problems = new ArrayList<>();
    for (DatasetProperties dataset : rootFirst(zfs, root)) {
      if (ignored.test(dataset) || !mountedByZfs(dataset) || dataset.is(MOUNTED, "yes")) {
        continue;
      }
      var failure = retried(() -> zfs.mount(dataset.dataset()));
      if (failure.isPresent()) {
        problems.add(
            dataset.dataset()
                + " is not mounted at "
                + dataset.get(MOUNTPOINT).orElse("its mountpoint")
                + ": "
                + failure.get().getMessage());
        // As in tree(): a child mounted without its parent would block the parent for good.
        break;
      }
    }
    return problems;
  }

  /** A filesystem that ZFS mounts by itself at a path (see the class comment). */
  private static boolean mountedByZfs(DatasetProperties dataset) {
    return dataset.is(TYPE, "filesystem")
        && dataset.is(CANMOUNT, "on")
        && dataset.get(MOUNTPOINT).filter(m -> m.startsWith("/")).isPresent();
  }

  /**
   * The datasets of the tree with what decides their mounts, every parent before its children: one
   * listing, where a command per dataset and property made a pool of eight datasets cost forty.
   */
  private static List<DatasetProperties> rootFirst(Zfs zfs, DatasetName root) {
    List<DatasetProperties> tree = new ArrayList<>(zfs.listProperties(root, mountState(zfs)));
    tree.sort(
        Comparator.comparingInt((DatasetProperties d) -> d.dataset().components().size())
            .thenComparing(DatasetProperties::dataset));
    return tree;
  }

  /**
   * What decides a dataset's mount on this ZFS: type, canmount, mountpoint, mounted, and keystatus
   * where ZFS has native encryption (zfs-fuse refuses a listing that asks for it).
   */
  public static List<PropertyName> mountState(Zfs zfs) {
    List<PropertyName> properties = new ArrayList<>(List.of(TYPE, CANMOUNT, MOUNTPOINT, MOUNTED));
    if (zfs.capabilities().sendRaw()) {
      properties.add(KEYSTATUS);
    }
    return properties;
  }

  /** Unmounts one dataset, retrying while zfs-fuse says busy; the failure, if it persisted. */
  public static java.util.Optional<RuntimeException> unmount(Zfs zfs, DatasetName dataset) {
    return retried(() -> zfs.unmount(dataset));
  }

  /** Mounts one dataset, retrying while zfs-fuse releases a previous mount. */
  public static java.util.Optional<RuntimeException> mount(Zfs zfs, DatasetName dataset) {
    return retried(() -> zfs.mount(dataset));
  }

  private static java.util.Optional<RuntimeException> retried(Runnable step) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        step.run();
        return java.util.Optional.empty();
      } catch (RuntimeException e) {
        last = e;
        try {
          Thread.sleep(RETRY_DELAY.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return java.util.Optional.of(e);
        }
      }
    }
    return java.util.Optional.of(last);
  }
}
