package io.nodecache.kubednscm;

import io.nodecache.corefile.CorefileException;
import io.nodecache.corefile.PillarValues;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * node-cache's ConfigMap sync: renders the base Corefile and the kube-dns ConfigMap into {@code conf} at start, then
 * re-reads both every interval and re-renders when either changed; the node's {@code reload} applies the new file.
 *
 * <p>A ConfigMap or base that cannot be used is logged (naming the file and key), counted as a {@code configmap}
 * setup error once per distinct content, and the last good {@code conf} stays as it is: the file is replaced by an
 * atomic move of a complete one, or not at all.
 */
public final class ConfigMapSync implements AutoCloseable {

    /** node-cache's period for both directories (kube-dns' {@code ConfigPeriod}, {@code DefaultConfigSyncPeriod}). */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    private final Path base;
    private final Path kubednscm;
    private final Path conf;
    private final Supplier<PillarValues> pillars;
    private final Runnable countError;
    private final PrintStream log;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nodecache-kubednscm");
        t.setDaemon(true);
        return t;
    });
    private volatile Runnable afterWrite;
    private byte[] digest;
    private String written;

    /**
     * @param base       the base Corefile ({@code -basecorefile})
     * @param kubednscm  the kube-dns ConfigMap's mount ({@code -kubednscm}); absent means none
     * @param conf       where the rendered Corefile goes ({@code -conf}), the file the node loads
     * @param pillars    the node's placeholder values, asked at every rendering (resolv.conf may change)
     * @param countError counts one {@code configmap} setup error
     * @param log        where failures and updates are reported
     */
    public ConfigMapSync(Path base, Path kubednscm, Path conf, Supplier<PillarValues> pillars, Runnable countError,
            PrintStream log) {
        this.base = base;
        this.kubednscm = kubednscm;
        this.conf = conf.toAbsolutePath();
        this.pillars = pillars;
        this.countError = countError;
        this.log = log;
    }

    /**
     * Renders and writes {@code conf} before the node reads it, as node-cache does before CoreDNS starts. A ConfigMap
     * that cannot be used is counted and the base is rendered alone; a base that cannot be read, or a {@code conf}
     * that cannot be written, is counted and the node starts on the {@code conf} already there (node-cache too).
     *
     * @throws CorefileException when the base itself does not render into a Corefile the node accepts: the start
     *                           fails naming its line, as CoreDNS would refuse node-cache's rendering
     */
    public synchronized void renderAtStart() throws CorefileException {
        Inputs in = Inputs.read(base, kubednscm, pillars.get());
        digest = in.digest();
        if (in.baseError() != null) {
            fail(in.baseError() + ": starting on " + conf + " as it is");
            return;
        }
        // The base alone first: its own errors fail the start, whatever the ConfigMap says.
        KubeDnsConfig config = KubeDnsConfig.empty();
        String rendered = render(in, config);
        try {
            KubeDnsConfig fromMap = in.config();
            rendered = render(in, fromMap);
            config = fromMap;
        } catch (KubeDnsConfigException | CorefileException e) {
            fail(e.getMessage() + ": rendering " + base + " without the kube-dns ConfigMap");
        }
        try {
            write(rendered);
            written = rendered;
            updated(config, in.pillars());
        } catch (IOException e) {
            digest = null;
            fail("cannot write " + conf + ": " + e.getMessage() + ": starting on it as it is");
        }
    }

    /** Re-reads every {@code interval}; {@code afterWrite} (the node's reload, or null) runs after each new file. */
    public void start(Duration interval, Runnable afterWrite) {
        this.afterWrite = afterWrite;
        scheduler.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads both inputs once and writes {@code conf} if they changed and render; true if a new file was written. */
    public boolean check() {
        synchronized (this) {
            try {
                if (!sync()) {
                    return false;
                }
            } catch (RuntimeException e) {
                fail("re-rendering " + conf + " failed: " + e);
                return false;
            }
        }
        Runnable then = afterWrite;
        if (then != null) {
            then.run();
        } else {
            log.println("[WARN] kubednscm: " + conf + " has no reload directive: the node keeps its configuration "
                    + "until it restarts");
        }
        return true;
    }

    private boolean sync() {
        Inputs in = Inputs.read(base, kubednscm, pillars.get());
        byte[] sum = in.digest();
        if (Arrays.equals(sum, digest)) {
            return false;
        }
        // Remembered before the outcome is known: a bad ConfigMap is reported once, not every interval.
        digest = sum;
        if (in.baseError() != null) {
            fail(in.baseError() + ": keeping " + conf + " as it is");
            return false;
        }
        KubeDnsConfig config;
        String rendered;
        try {
            config = in.config();
            rendered = render(in, config);
        } catch (KubeDnsConfigException | CorefileException e) {
            fail(e.getMessage() + ": keeping " + conf + " as it is");
            return false;
        }
        if (rendered.equals(written)) {
            return false;
        }
        try {
            write(rendered);
        } catch (IOException e) {
            digest = null; // retried next interval
            fail("cannot write " + conf + ": " + e.getMessage() + ": keeping it as it is");
            return false;
        }
        written = rendered;
        updated(config, in.pillars());
        return true;
    }

    private String render(Inputs in, KubeDnsConfig config) throws CorefileException {
        String header = "Written by nodecache from " + base + (kubednscm == null ? "" : " and " + kubednscm)
                + ": edits here are overwritten.";
        return CorefileRenderer.render(in.baseText(), base.toString(), config, in.pillars(), header,
                conf.toString());
    }

    /** Writes a complete temporary file beside {@code conf}, then moves it over: a reader sees old or new, whole. */
    private void write(String text) throws IOException {
        Path dir = conf.getParent();
        Path tmp = Files.createTempFile(dir, "." + conf.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // keep the temporary file's permissions
            }
            try {
                Files.move(tmp, conf, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, conf, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void updated(KubeDnsConfig config, PillarValues values) {
        String upstreams = String.join(" ", config.upstreamNameservers().isEmpty()
                ? values.upstreamServers() : config.upstreamNameservers());
        log.println("[INFO] kubednscm: updated " + conf + " with " + config.stubDomains().size()
                + " custom stubdomains " + config.stubDomains().keySet() + " and upstream servers " + upstreams);
    }

    private void fail(String why) {
        countError.run();
        log.println("[ERROR] kubednscm: " + why);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    /** Everything a rendering depends on, read once, with what could not be read. */
    private record Inputs(String baseText, String baseError, String stubs, String upstreams, String configError,
            Path stubsFile, Path upstreamsFile, PillarValues pillars) {

        static Inputs read(Path base, Path kubednscm, PillarValues pillars) {
            String baseText = null;
            String baseError = null;
            try {
                baseText = KubeDnsConfig.readIfPresent(base);
                if (baseText == null) {
                    baseError = "the base Corefile " + base + " does not exist";
                }
            } catch (KubeDnsConfigException e) {
                baseError = "the base Corefile " + e.getMessage();
            }
            String stubs = null;
            String upstreams = null;
            String configError = null;
            Path stubsFile = null;
            Path upstreamsFile = null;
            if (kubednscm != null && Files.exists(kubednscm)) {
                stubsFile = kubednscm.resolve(KubeDnsConfig.STUB_DOMAINS);
                upstreamsFile = kubednscm.resolve(KubeDnsConfig.UPSTREAM_NAMESERVERS);
                try {
                    if (!Files.isDirectory(kubednscm)) {
                        throw new KubeDnsConfigException(kubednscm + ": not a directory (the kube-dns ConfigMap is "
                                + "mounted as one)");
                    }
                    stubs = KubeDnsConfig.readIfPresent(stubsFile);
                    upstreams = KubeDnsConfig.readIfPresent(upstreamsFile);
                } catch (KubeDnsConfigException e) {
                    configError = e.getMessage();
                }
            }
            return new Inputs(baseText, baseError, stubs, upstreams, configError, stubsFile, upstreamsFile, pillars);
        }

        KubeDnsConfig config() throws KubeDnsConfigException {
            if (configError != null) {
                throw new KubeDnsConfigException(configError);
            }
            if (stubsFile == null) {
                return KubeDnsConfig.empty();
            }
            return KubeDnsConfig.parse(stubs, stubsFile.toString(), upstreams, upstreamsFile.toString());
        }

        byte[] digest() {
            MessageDigest md;
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
            for (Object part : new Object[] {baseText, baseError, stubs, upstreams, configError, pillars}) {
                md.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return md.digest();
        }
    }
}
