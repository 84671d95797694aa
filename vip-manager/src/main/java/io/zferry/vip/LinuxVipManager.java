package io.zferry.vip;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link VipManager} for Linux with iproute2 ({@code ip}) and iputils-arping, all through an
 * injected {@link CommandRunner}.
 *
 * <p><b>IPv4</b>: {@code arping -D} first ({@link AddressProbe}); if any host answers, the address
 * is not added and a {@link DuplicateAddressException} names the MAC that answered. Then {@code ip
 * addr add}, a check that {@code ip -j addr show dev IFACE} lists it, and gratuitous ARP ({@code
 * arping -U}) so that neighbours which cached the previous holder's MAC switch at once. The
 * announcement goes on in the background ({@link Announcer}) and is ended before the address is
 * taken down.
 *
 * <p><b>IPv6</b> is kept simple on purpose: the kernel already runs duplicate address detection
 * (RFC 4862) on every address added without {@code nodad}, so the manager adds the address and then
 * reads its state until it is neither {@code tentative} nor {@code dadfailed}. A {@code dadfailed}
 * address is removed again and reported as a {@link DuplicateAddressException} (without a MAC: the
 * kernel does not say who answered); one still tentative after {@link VipSettings#ipv6DadTimeout()}
 * (link without carrier) is removed and reported as a {@link VipStateException}. Adding with {@code
 * nodad} would skip the one check DESIGN.md §5 rule 2 requires, and a user-space probe would race
 * the kernel's own. No unsolicited neighbour advertisement is sent: set {@code
 * net.ipv6.conf.IFACE.ndisc_notify=1} to have the kernel send one, otherwise neighbours find the
 * new holder through unreachability detection (seconds). Global IPv6 addresses also vanish when the
 * link goes down; the next {@link #reconcile} brings them back.
 *
 * <p>Methods are synchronized: the failover path and the reconcile loop may share one instance.
 */
public final class LinuxVipManager implements VipManager {
  private static final Logger LOG = LoggerFactory.getLogger(LinuxVipManager.class);
  // What ip prints when the address to delete is already gone (IPv4, IPv6, older iproute2).
  private static final Pattern ALREADY_GONE =
      Pattern.compile("(?i)address not found|cannot assign requested address|no such address");

  private final CommandRunner runner;
  private final VipSettings settings;
  private final NetCommands commands;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Announcer announcer;

  /** With default settings, the system clock and real sleeps. */
  public LinuxVipManager(CommandRunner runner) {
    this(runner, VipSettings.defaults(), Clock.systemUTC(), Sleeper.SYSTEM);
  }

  public LinuxVipManager(CommandRunner runner, VipSettings settings, Clock clock, Sleeper sleeper) {
    this(runner, settings, clock, sleeper, new BackgroundAnnouncer(settings.commandTimeout()));
  }

  LinuxVipManager(
      CommandRunner runner,
      VipSettings settings,
      Clock clock,
      Sleeper sleeper,
      Announcer announcer) {
    this.announcer = Objects.requireNonNull(announcer, "announcer");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.commands = new NetCommands(settings);
  }

  @Override
  public synchronized boolean bringUp(VirtualIp vip, AddressProbe probe) {
    Optional<InterfaceAddress> present = find(vip);
    if (present.isPresent() && present.get().usable()) {
      // It stays whatever happens here: it was serving before this call.
      announce(vip);
      LOG.info("{}: already held{}", vip, vip.isIpv6() ? "" : "; announced again");
      return false;
    }
    boolean added = false;
    if (present.isEmpty() || present.get().dadFailed()) {
      if (present.isPresent()) {
        LOG.info("{}: removing a copy that failed duplicate address detection earlier", vip);
        delete(vip);
      }
      if (!vip.isIpv6()) {
        requireNoOtherHolder(vip, probe);
      }
      add(vip);
      added = true;
    }
    // From here on the address is on the interface but not yet usable (just added, or an IPv6
    // address still tentative from an earlier attempt): it either becomes usable or goes.
    try {
      if (vip.isIpv6()) {
        awaitDuplicateAddressDetection(vip);
      } else {
        requireListed(vip);
        announce(vip);
      }
    } catch (VipException e) {
      removeAfterFailure(vip, e);
      throw e;
    }
    if (vip.isIpv6()) {
      LOG.info("{}: brought up (kernel duplicate address detection passed)", vip);
    } else {
      LOG.info(
          "{}: brought up (no other host answered arping -D{}; {} gratuitous ARP under way)",
          vip,
          probe == AddressProbe.SHORT
              ? " within " + settings.shortProbeWindow().toMillis() + " ms"
              : "",
          settings.announcements());
    }
    return added;
  }

  @Override
  public synchronized boolean bringDown(VirtualIp vip) {
    if (find(vip).isEmpty()) {
      LOG.debug("{}: not held; nothing to take down", vip);
      return false;
    }
    announcer.stop(vip);
    delete(vip);
    if (find(vip).isPresent()) {
      throw new VipStateException(
          vip, "is still on " + vip.interfaceName() + " after ip addr del succeeded");
    }
    LOG.info("{}: taken down", vip);
    return true;
  }

  @Override
  public synchronized boolean held(VirtualIp vip) {
    return find(vip).map(InterfaceAddress::usable).orElse(false);
  }

  @Override
  public synchronized ReconcileReport reconcile(
      Set<VirtualIp> desired, Set<VirtualIp> managed, AddressProbe probe) {
    List<String> argv = commands.showAll();
    List<InterfaceAddress> actual = parse(run("reading the addresses of all interfaces", argv));
    List<VipAction> plan = VipReconciler.plan(desired, managed, actual);
    List<VipAction> done = new ArrayList<>();
    List<ReconcileReport.Failure> failed = new ArrayList<>();
    for (VipAction action : plan) {
      try {
        if (action instanceof VipAction.Add add) {
          LOG.info("{}: desired here but not usable; bringing it up", add.vip());
          bringUp(add.vip(), probe);
        } else if (action instanceof VipAction.Remove remove) {
          LOG.info("{}: managed but not desired here; taking it down", remove.vip());
          bringDown(remove.vip());
        } else {
          throw new AssertionError("unknown VIP action " + action);
        }
        done.add(action);
      } catch (VipException e) {
        LOG.warn("{}: could not {}: {}", action.vip(), verb(action), e.getMessage());
        failed.add(new ReconcileReport.Failure(action, e));
      }
    }
    ReconcileReport report = new ReconcileReport(plan, done, failed);
    if (!plan.isEmpty()) {
      LOG.info("reconciled VIPs: {}", report.summary());
    }
    return report;
  }

  private static String verb(VipAction action) {
    return action instanceof VipAction.Add ? "bring it up" : "take it down";
  }

  private Optional<InterfaceAddress> find(VirtualIp vip) {
    List<String> argv = commands.show(vip.interfaceName());
    CommandOutcome outcome = run("reading the addresses of " + vip.interfaceName(), argv);
    return parse(outcome).stream().filter(a -> a.is(vip)).findFirst();
  }

  private void requireNoOtherHolder(VirtualIp vip, AddressProbe probe) {
    List<String> argv =
        switch (probe) {
          case FULL -> commands.duplicateAddressCheck(vip);
          case SHORT -> commands.shortDuplicateAddressCheck(vip);
        };
    CommandOutcome outcome = runner.run(argv, settings.commandTimeout());
    if (outcome.exitCode() == 0 || (probe == AddressProbe.SHORT && outcome.exitCode() == 124)) {
      return;
    }
    if (outcome.exitCode() == 1) {
      throw new DuplicateAddressException(
          vip, ArpingReplies.macs(outcome.stdout()), "arping -D got a reply");
    }
    throw VipCommandException.failed(
        "checking that no other host answers for " + vip.addressText(), outcome);
  }

  private void add(VirtualIp vip) {
    run("adding " + vip, commands.add(vip));
  }

  private void delete(VirtualIp vip) {
    List<String> argv = commands.delete(vip);
    CommandOutcome outcome = runner.run(argv, settings.commandTimeout());
    if (outcome.succeeded()) {
      return;
    }
    if (ALREADY_GONE.matcher(outcome.stderr()).find()) {
      LOG.debug("{}: was already gone when deleting it: {}", vip, outcome.stderr().strip());
      return;
    }
    throw VipCommandException.failed("removing " + vip, outcome);
  }

  private void announce(VirtualIp vip) {
    if (!vip.isIpv6()) {
      List<String> argv = commands.announce(vip);
      announcer.start(vip, () -> announceNow(vip, argv));
    }
  }

  /**
   * A failed announcement is logged and nothing else: the address is on the interface and answers
   * ARP requests, so neighbours reach it without the announcement too, once their entry for the old
   * holder expires.
   */
  private void announceNow(VirtualIp vip, List<String> argv) {
    try {
      run("announcing " + vip + " with gratuitous ARP", argv);
    } catch (VipException e) {
      if (!Thread.currentThread().isInterrupted()) {
        LOG.warn("{}: gratuitous ARP failed ({}); the address stays up", vip, e.getMessage());
      }
    }
  }

  private void requireListed(VirtualIp vip) {
    if (find(vip).isEmpty()) {
      throw new VipStateException(
          vip, "ip addr add succeeded but ip addr show does not list it on " + vip.interfaceName());
    }
  }

  private void awaitDuplicateAddressDetection(VirtualIp vip) {
    Instant deadline = clock.instant().plus(settings.ipv6DadTimeout());
    while (true) {
      Optional<InterfaceAddress> state = find(vip);
      if (state.isEmpty()) {
        throw new VipStateException(
            vip,
            "disappeared from "
                + vip.interfaceName()
                + " during duplicate address detection (link down, or removed by someone else)");
      }
      if (state.get().dadFailed()) {
        throw new DuplicateAddressException(
            vip, List.of(), "the kernel's IPv6 duplicate address detection failed");
      }
      if (!state.get().tentative()) {
        return;
      }
      if (!clock.instant().isBefore(deadline)) {
        throw new VipStateException(
            vip,
            "still tentative after "
                + settings.ipv6DadTimeout().toMillis()
                + " ms: duplicate address detection did not finish; is "
                + vip.interfaceName()
                + " up with a carrier?");
      }
      try {
        sleeper.sleep(settings.ipv6DadPoll());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new VipStateException(
            vip, "interrupted while waiting for duplicate address detection", e);
      }
    }
  }

  /** Leaves nothing half-done: an address that is not usable and announced is taken off again. */
  private void removeAfterFailure(VirtualIp vip, VipException failure) {
    try {
      announcer.stop(vip);
      delete(vip);
      LOG.info("{}: removed again after a failed bring-up", vip);
    } catch (VipException e) {
      failure.addSuppressed(e);
    }
  }

  private CommandOutcome run(String purpose, List<String> argv) {
    CommandOutcome outcome = runner.run(argv, settings.commandTimeout());
    if (!outcome.succeeded()) {
      throw VipCommandException.failed(purpose, outcome);
    }
    return outcome;
  }

  private static List<InterfaceAddress> parse(CommandOutcome outcome) {
    try {
      return IpAddrJson.parse(outcome.stdout());
    } catch (IllegalArgumentException e) {
      throw new VipCommandException(
          "reading addresses",
          outcome.argv(),
          outcome.exitCode(),
          "printed what is not ip's JSON (" + e.getMessage() + ")",
          outcome.stderr(),
          e);
    }
  }

  @Override
  public String toString() {
    return "LinuxVipManager[" + runner + "]";
  }
}
