package io.nodecache.netif;

import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts the local IPs on an interface and node-cache's NOTRACK/ACCEPT rules in the node's iptables, repairs them every
 * sync and removes them on stop, as node-cache's {@code CacheApp} does; plus what node-cache cannot: an IPv4 and an
 * IPv6 local IP at once (kubernetes/dns#655), the {@code lo} fallback where the kernel has no dummy link type, and a
 * bounded tear-down. Never throws: failures are counted by node-cache's errortype and logged.
 */
public final class NetworkSetup {

    /** The errortype values of {@code coredns_nodecache_setup_errors_total}, as node-cache names them. */
    public static final List<String> ERROR_TYPES = SetupErrors.TYPES;

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    /** node-cache's {@code -w}: wait this long for the xtables lock ({@code /run/xtables.lock}) before failing. */
    private static final int LOCK_WAIT_SECONDS = 5;
    /** How many copies of one rule a tear-down removes at most (someone may have added it more than once). */
    private static final int MAX_COPIES = 16;
    private static final String LOOPBACK = "lo";
    private static final Pattern ADDRESS = Pattern.compile("\\binet6?\\s+([0-9a-fA-F.:]+)/\\d+");

    private final NetifConfig config;
    private final PrintStream log;
    private final CommandRunner runner;
    private final PortHolders holders;
    private final int lockWaitSeconds;
    private final List<IptablesRule> rules = new ArrayList<>();
    private final SetupErrors errors;
    private final ReentrantLock lock = new ReentrantLock();

    private volatile IptablesBackend backend;
    private volatile boolean backendUsable;
    private volatile boolean fallback;
    private volatile boolean fallbackLogged;
    private volatile boolean createdDummy;
    private volatile boolean active;
    private volatile boolean foundOthers;
    /** A tear-down has run: a set-up that comes later (a stop during the start) adds nothing. */
    private volatile boolean stopped;
    private volatile List<String> addresses = List.of();
    private volatile int rulesPresent;
    private volatile Instant lastCheck;
    private volatile String lastError;

    /** Whether the rules are wanted yet: false between {@link #setUpAddressesFirst()} and {@link #armRules()}. */
    private volatile boolean rulesArmed = true;

    public NetworkSetup(NetifConfig config, PrintStream log) {
        this(config, log, new SetupErrors());
    }

    /** As above, counting failures into the node's {@code errors} (which the ConfigMap sync counts into too). */
    public NetworkSetup(NetifConfig config, PrintStream log, SetupErrors errors) {
        this(config, log, LOCK_WAIT_SECONDS, errors);
    }

    /** As above, waiting {@code lockWaitSeconds} for the xtables lock (tests: shorter than node-cache's 5). */
    NetworkSetup(NetifConfig config, PrintStream log, int lockWaitSeconds) {
        this(config, log, lockWaitSeconds, new SetupErrors());
    }

    private NetworkSetup(NetifConfig config, PrintStream log, int lockWaitSeconds, SetupErrors errors) {
        this.lockWaitSeconds = lockWaitSeconds;
        this.config = config;
        this.log = log;
        this.errors = errors;
        this.runner = new CommandRunner(config.commandPrefix());
        this.holders = new PortHolders(runner);
        for (InetAddress ip : config.localIps()) {
            rules.addAll(IptablesRule.forLocalIp(ip, config.healthPort()));
        }
    }

    /**
     * Removes what a previous instance left (same rules/addresses), then adds interface, addresses, rules. Never
     * throws: failures are counted and logged.
     */
    public void setUp() {
        lock.lock();
        try {
            if (stopped) {
                return; // the node was stopped before its start got here: nothing may be added any more
            }
            Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
            List<String> others = othersServing(COMMAND_TIMEOUT);
            foundOthers = !others.isEmpty();
            if (config.setupIptables()) {
                chooseBackend();
            }
            if (!others.isEmpty()) {
                // A surge rollout: the old instance still serves; its rules and addresses are ours too from now on.
                log.println("netif: another instance serves " + String.join(", ", others)
                        + ": keeping its rules and addresses, adding only what is missing");
            } else {
                removeLeftovers(deadline);
            }
            active = true;
            check(false);
        } catch (RuntimeException e) {
            fail("iptables", "set-up failed: " + e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * As {@link #setUp()}, but holds the rules back until {@link #armRules()}: the node's listeners bind to the
     * local IPs, so the addresses must come first, and the rules steer the pods' DNS to those listeners, so they
     * must come only once something answers.
     */
    public void setUpAddressesFirst() {
        rulesArmed = false;
        setUp();
    }

    /** The listeners are bound: adds the rules now (a sync), and keeps them from here on. */
    public void armRules() {
        rulesArmed = true;
        lock.lock();
        try {
            if (active) {
                check(false); // a first set-up, not a repair: nothing to report as "added back"
            }
        } catch (RuntimeException e) {
            fail("iptables", "adding the rules failed: " + e);
        } finally {
            lock.unlock();
        }
    }

    /** Re-checks interface, addresses and rules; repairs what was removed; never duplicates a rule. Never throws. */
    public void sync() {
        if (!lock.tryLock()) {
            return; // a set-up, sync or tear-down is running: it checks the same things
        }
        try {
            if (active) {
                check(true);
            }
        } catch (RuntimeException e) {
            fail("iptables", "sync failed: " + e);
        } finally {
            lock.unlock();
        }
    }

    /** Whether the last {@link #setUp()} found another instance serving the local IPs (and kept its rules). */
    public boolean foundAnotherInstance() {
        return foundOthers;
    }

    /**
     * The sockets another process holds on a local IP's DNS port ({@code "udp 169.254.20.10:53"}): another instance
     * of the node cache serving them (a surge rollout). Empty when this process is the only one.
     */
    public List<String> othersServing(Duration timeout) {
        return holders.others(config.localIps(), IptablesRule.DNS_PORT, timeout);
    }

    /**
     * Removes what an instance with this configuration set up, without having set anything up itself: what the
     * container's supervisor runs (in a fresh JVM) after the node's JVM died without its teardown.
     */
    public boolean tearDownLeftovers(Duration bound) {
        Instant deadline = Instant.now().plus(bound);
        lock.lock();
        try {
            if (config.setupIptables()) {
                chooseBackend();
            }
            removeLeftovers(deadline);
            active = false;
            rulesPresent = 0;
            addresses = List.of();
            lastCheck = Instant.now();
            boolean inTime = !Instant.now().isAfter(deadline);
            log.println(inTime ? "netif: leftovers torn down" : "netif: tear-down of leftovers ran past " + bound);
            return inTime;
        } catch (RuntimeException e) {
            fail("iptables", "tear-down of leftovers failed: " + e);
            return false;
        } finally {
            lock.unlock();
        }
    }


    /**
     * Removes rules FIRST, then the addresses (and the interface if it created a dummy one), within {@code bound}
     * (commands killed past it). Never throws; true when everything was removed in time.
     */
    public boolean tearDown(Duration bound) {
        Instant deadline = Instant.now().plus(bound);
        boolean locked = false;
        try {
            locked = lock.tryLock(Math.max(0, bound.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!locked) {
            log.println("netif: tear-down gave up after " + bound + ": a set-up or sync still runs");
            return false;
        }
        try {
            stopped = true;
            if (!active) {
                return true;
            }
            active = false;
            // rules first: a NOTRACK rule without its address would send the node's DNS traffic nowhere
            if (config.setupIptables() && backendUsable) {
                removeRules(deadline);
            }
            if (config.setupInterface()) {
                removeAddresses(interfaceName(), deadline);
                if (createdDummy) {
                    run(List.of("ip", "link", "del", config.interfaceName()), deadline);
                    createdDummy = false;
                }
            }
            rulesPresent = 0;
            addresses = List.of();
            lastCheck = Instant.now();
            if (Instant.now().isAfter(deadline)) {
                log.println("netif: tear-down ran past its bound of " + bound + "; what was left is still there");
                return false;
            }
            log.println("netif: torn down");
            return true;
        } catch (RuntimeException e) {
            fail("iptables", "tear-down failed: " + e);
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * For the node API: mode (iptables backend "nft"/"legacy", interface name and whether it fell back to "lo"),
     * addresses present, rules present/expected, last check time, errors by type.
     */
    public NetworkState state() {
        IptablesBackend b = backend;
        return new NetworkState(b == null ? null : b.label(), interfaceName(), fallback, addresses, rulesPresent,
                config.setupIptables() ? rules.size() : 0, lastCheck, errors(), lastError);
    }

    /**
     * coredns_nodecache_setup_errors_total by errortype: iptables, iptables_lock, interface_add, interface_check,
     * configmap (always all five keys).
     */
    public Map<String, Long> errors() {
        return errors.snapshot();
    }

    // --- the checks ---

    private void check(boolean repairing) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        if (config.setupInterface()) {
            ensureInterface(repairing, deadline);
            ensureAddresses(repairing, deadline);
        }
        if (config.setupIptables() && rulesArmed) {
            ensureRules(repairing, deadline);
        }
        lastCheck = Instant.now();
    }

    private void chooseBackend() {
        backend = IptablesBackend.detect(runner, COMMAND_TIMEOUT);
        backendUsable = true;
        boolean v4 = config.localIps().stream().anyMatch(ip -> !(ip instanceof Inet6Address));
        boolean v6 = config.localIps().stream().anyMatch(ip -> ip instanceof Inet6Address);
        for (boolean ipv6 : List.of(false, true)) {
            if ((ipv6 && !v6) || (!ipv6 && !v4)) {
                continue;
            }
            String binary = backend.binary(ipv6);
            CommandRunner.Result r = runner.run(List.of(binary, "--version"), COMMAND_TIMEOUT);
            if (!r.ok()) {
                backendUsable = false;
                fail("iptables", binary + " cannot run (" + r.why() + "): node-cache's rules are not set up");
            }
        }
        log.println("netif: iptables backend " + backend.label() + " (the one holding the node's rules)");
    }

    private void ensureRules(boolean repairing, Instant deadline) {
        if (!backendUsable) {
            chooseBackend(); // the binaries may have been installed since; counts again if not
            if (!backendUsable) {
                rulesPresent = 0;
                return;
            }
        }
        int present = 0;
        Map<String, String> saved = new java.util.HashMap<>();
        for (IptablesRule rule : rules) {
            CommandRunner.Result checked = iptables(rule, "-C", deadline);
            if (checked.ok()) {
                present++;
                removeExtraCopies(rule, saved, deadline);
                continue;
            }
            if (!absent(checked)) {
                failIptables("checking " + rule, checked);
                continue;
            }
            CommandRunner.Result inserted = iptables(rule, "-I", deadline);
            if (inserted.ok()) {
                present++;
                if (repairing) {
                    log.println("netif: added back rule " + rule);
                }
            } else {
                failIptables("adding " + rule, inserted);
            }
        }
        rulesPresent = present;
    }

    /**
     * Two instances repairing at once (a surge rollout) may both insert a missing rule: the copies past the first go,
     * one {@code -D} each, so the rule itself is never absent.
     */
    private void removeExtraCopies(IptablesRule rule, Map<String, String> saved, Instant deadline) {
        String key = rule.ipv6() + " " + rule.table();
        String save = saved.computeIfAbsent(key,
                k -> run(List.of(backend.saveBinary(rule.ipv6()), "-t", rule.table()), deadline).stdout());
        for (long extra = rule.copiesIn(save) - 1; extra > 0; extra--) {
            CommandRunner.Result deleted = iptables(rule, "-D", deadline);
            if (!deleted.ok()) {
                failIptables("deleting a duplicate of " + rule, deleted);
                return;
            }
            log.println("netif: removed a duplicate of rule " + rule);
        }
    }

    /** Removes every copy of each rule; a rule already gone is not an error. */
    private void removeRules(Instant deadline) {
        for (IptablesRule rule : rules) {
            if (Instant.now().isAfter(deadline)) {
                log.println("netif: out of time: rules from " + rule + " on are left in place");
                return;
            }
            for (int copy = 0; copy < MAX_COPIES; copy++) {
                CommandRunner.Result deleted = iptables(rule, "-D", deadline);
                if (deleted.ok()) {
                    continue;
                }
                if (!absent(deleted)) {
                    failIptables("deleting " + rule, deleted);
                }
                break;
            }
        }
    }

    private CommandRunner.Result iptables(IptablesRule rule, String action, Instant deadline) {
        List<String> command = new ArrayList<>();
        command.add(backend.binary(rule.ipv6()));
        command.addAll(rule.args(action, lockWaitSeconds));
        return run(command, deadline);
    }

    /**
     * iptables' answer when {@code -C} or {@code -D} finds no such rule: exit 1, as Kubernetes' utiliptables reads it.
     * The message is no guide: iptables-nft says "Bad rule", iptables-legacy "No chain/target/match by that name" for
     * an absent NOTRACK rule. Other failures (the xtables lock, bad arguments) exit 2 to 4.
     */
    private static boolean absent(CommandRunner.Result r) {
        return r.exitCode() == 1 && !r.timedOut();
    }

    private void failIptables(String what, CommandRunner.Result r) {
        // node-cache's isLockedErr: "Another app is currently holding the xtables lock"
        String type = r.stderr().contains("holding the xtables lock") ? "iptables_lock" : "iptables";
        fail(type, what + ": " + r.why());
    }

    /**
     * What an instance with this configuration may have left: its rules first, as in tearDown, then the addresses
     * wherever it put them (the dummy link or lo). The backend must have been chosen.
     */
    private void removeLeftovers(Instant deadline) {
        if (config.setupIptables() && backendUsable) {
            removeRules(deadline);
        }
        if (config.setupInterface()) {
            removeLeftoverInterface(deadline);
        }
    }

    private void removeLeftoverInterface(Instant deadline) {
        removeAddresses(LOOPBACK, deadline);
        if (run(List.of("ip", "link", "show", "dev", config.interfaceName()), deadline).ok()) {
            run(List.of("ip", "link", "del", config.interfaceName()), deadline);
        }
    }

    private void removeAddresses(String dev, Instant deadline) {
        for (InetAddress ip : config.localIps()) {
            if (Instant.now().isAfter(deadline)) {
                return;
            }
            run(List.of("ip", family(ip), "addr", "del", cidr(ip), "dev", dev), deadline); // absent is fine
        }
    }

    private void ensureInterface(boolean repairing, Instant deadline) {
        if (fallback) {
            return;
        }
        String name = config.interfaceName();
        if (run(List.of("ip", "link", "show", "dev", name), deadline).ok()) {
            return;
        }
        CommandRunner.Result added = run(List.of("ip", "link", "add", name, "type", "dummy"), deadline);
        if (added.ok()) {
            createdDummy = true;
            run(List.of("ip", "link", "set", name, "up"), deadline);
            log.println("netif: added interface " + name);
            return;
        }
        if (repairing && createdDummy) {
            fail("interface_add", "cannot add back interface " + name + ": " + added.why());
            return;
        }
        fallback = true;
        if (!fallbackLogged) {
            fallbackLogged = true;
            log.println("netif: cannot add dummy interface " + name + " (" + added.why()
                    + "): the local IPs go on lo instead");
        }
    }

    private void ensureAddresses(boolean repairing, Instant deadline) {
        String dev = interfaceName();
        List<InetAddress> present = presentOn(dev, deadline);
        if (present == null) {
            addresses = List.of();
            return;
        }
        boolean added = false;
        for (InetAddress ip : config.localIps()) {
            if (present.contains(ip)) {
                continue;
            }
            List<String> command = new ArrayList<>(List.of("ip", family(ip), "addr", "add", cidr(ip), "dev", dev));
            if (ip instanceof Inet6Address) {
                // No duplicate address detection: the IP is ours on every node, and usable at once.
                command.add("nodad");
            }
            CommandRunner.Result r = run(command, deadline);
            if (r.ok() || r.stderr().contains("File exists")) {
                added = true;
                if (repairing) {
                    log.println("netif: added back address " + cidr(ip) + " on " + dev);
                }
            } else {
                fail("interface_add", "cannot add " + cidr(ip) + " to " + dev + ": " + r.why());
            }
        }
        if (added) {
            present = presentOn(dev, deadline);
        }
        List<String> ours = new ArrayList<>();
        if (present != null) {
            for (InetAddress ip : config.localIps()) {
                if (present.contains(ip)) {
                    ours.add(IpText.of(ip));
                }
            }
        }
        addresses = List.copyOf(ours);
    }

    /** The addresses on {@code dev} from {@code ip -o addr show dev X}, or null (counted) when that fails. */
    private List<InetAddress> presentOn(String dev, Instant deadline) {
        CommandRunner.Result r = run(List.of("ip", "-o", "addr", "show", "dev", dev), deadline);
        if (!r.ok()) {
            fail("interface_check", "cannot list the addresses on " + dev + ": " + r.why());
            return null;
        }
        List<InetAddress> found = new ArrayList<>();
        Matcher m = ADDRESS.matcher(r.stdout());
        while (m.find()) {
            try {
                found.add(InetAddress.getByName(m.group(1))); // a literal: no lookup
            } catch (UnknownHostException e) {
                // not an address: skip
            }
        }
        return found;
    }

    private String interfaceName() {
        return fallback ? LOOPBACK : config.interfaceName();
    }

    private CommandRunner.Result run(List<String> command, Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return runner.run(command, left.compareTo(COMMAND_TIMEOUT) < 0 ? left : COMMAND_TIMEOUT);
    }

    private void fail(String type, String message) {
        errors.increment(type);
        lastError = type + ": " + message;
        log.println("netif: error (" + type + "): " + message);
    }

    private static String family(InetAddress ip) {
        return ip instanceof Inet6Address ? "-6" : "-4";
    }

    private static String cidr(InetAddress ip) {
        return IpText.of(ip) + (ip instanceof Inet6Address ? "/128" : "/32");
    }
}
