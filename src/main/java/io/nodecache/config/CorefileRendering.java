package io.nodecache.config;

import io.nodecache.corefile.PillarValues;
import io.nodecache.kubednscm.ConfigMapSync;
import io.nodecache.netif.SetupErrors;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides whether the node renders {@code basecorefile} and {@code kubednscm} into {@code conf}, as node-cache does,
 * or loads {@code conf} as it is.
 *
 * <p>{@code basecorefile} set: rendered (and {@code conf} must be set: it is where the result goes). Unset:
 * node-cache's default {@value NodeProperties#DEFAULT_BASECOREFILE} is rendered when {@code conf} is set and that
 * file exists, so the upstream DaemonSet (which passes no {@code -basecorefile}) works unchanged, while a laptop
 * (no such file) or the embedded default (no {@code conf}) never renders. Empty: never.
 */
final class CorefileRendering {

    private CorefileRendering() {}

    /** The base Corefile to render, if any; {@code defaultBase} is node-cache's default path (a parameter for tests). */
    static Optional<Path> baseCorefile(NodeProperties props, Path defaultBase) {
        String base = props.basecorefile();
        if (base == null) {
            return !props.conf().isBlank() && Files.isRegularFile(defaultBase) ? Optional.of(defaultBase)
                    : Optional.empty();
        }
        if (base.isBlank()) {
            return Optional.empty();
        }
        if (props.conf().isBlank()) {
            throw new IllegalStateException("basecorefile " + base + " is set but conf is not: set conf to the path "
                    + "the rendered Corefile is written to (node-cache's -conf, e.g. /etc/Corefile)");
        }
        return Optional.of(Path.of(base));
    }

    /** The sync for {@code props}, or null when the node loads {@code conf} as it is. */
    static ConfigMapSync of(NodeProperties props, Supplier<PillarValues> pillars, SetupErrors errors, PrintStream log) {
        return of(props, Path.of(NodeProperties.DEFAULT_BASECOREFILE), pillars, errors, log);
    }

    static ConfigMapSync of(NodeProperties props, Path defaultBase, Supplier<PillarValues> pillars, SetupErrors errors,
            PrintStream log) {
        Optional<Path> base = baseCorefile(props, defaultBase);
        if (base.isEmpty()) {
            return null;
        }
        Path conf = Path.of(props.conf());
        if (sameFile(base.get(), conf)) {
            throw new IllegalStateException("basecorefile and conf are the same file (" + conf + "): the rendering "
                    + "would overwrite its own template; point conf elsewhere (node-cache's default is /etc/Corefile)");
        }
        Path kubednscm = Path.of(props.kubednscm());
        log.println("[INFO] kubednscm: rendering " + base.get() + " and " + kubednscm + " into " + conf + " every "
                + every(props.kubednscmInterval()) + (props.basecorefile() == null
                        ? " (node-cache's -basecorefile default; --basecorefile= turns this off)" : ""));
        return new ConfigMapSync(base.get(), kubednscm, conf, pillars, () -> errors.increment(SetupErrors.CONFIGMAP),
                log);
    }

    private static String every(java.time.Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) {
                return Files.isSameFile(a, b);
            }
        } catch (IOException e) {
            // cannot tell: compare the paths
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
}
