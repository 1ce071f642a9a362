package io.nodecache.compose;

import io.nodecache.compose.ComposeFile.Service;
import io.nodecache.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The compose network laid onto this machine's loopback, so one JVM can run every service with the compose file's
 * own arguments and Corefiles: each service's fixed address {@code 172.28.0.N} becomes {@code 127.28.0.N} (Linux
 * routes all of 127/8 to {@code lo}), and each port a service listens on becomes a free port, the same one wherever
 * the file names that address and port. Containers each have their ports to themselves; one JVM does not, hence the
 * port mapping.
 *
 * <p>The rewriting, in this order, of each argument and each mounted Corefile of a service S:
 * <ul>
 *   <li>{@code --nodecache.conf=PATH}: the file mounted at PATH, rewritten as below into a temporary file;
 *   <li>{@code --server.port=P}: S's free port for P;
 *   <li>{@code 0.0.0.0:P} (every address of the container): S's address and port P;
 *   <li>{@code http://NAME:P} with NAME a service: that service's address and port P;
 *   <li>a Corefile block key {@code ZONE:P {}: S's free port for P (the block binds S's address);
 *   <li>{@code 172.28.0.N:P}: {@code 127.28.0.N} and that address's free port for P;
 *   <li>{@code 172.28.0.N}: {@code 127.28.0.N}.
 * </ul>
 * Nothing else changes: the names, the roles, the search lists and ndots are the compose file's.
 */
final class LoopbackTopology implements AutoCloseable {

    private static final Pattern URL = Pattern.compile("http://([a-z0-9-]+):(\\d+)");
    private static final Pattern BLOCK_KEY = Pattern.compile("(?m)^(\\S+):(\\d+)(\\s*\\{)");

    private final ComposeFile compose;
    private final String composePrefix;
    private final Pattern composeAddress;
    private final Map<String, Integer> freePorts = new LinkedHashMap<>();
    private final Set<Integer> taken = new HashSet<>();
    private final List<Path> temporary = new ArrayList<>();

    LoopbackTopology(ComposeFile compose) {
        if (!compose.subnet().endsWith(".0/24")) {
            throw new IllegalArgumentException("the loopback mapping expects a /24: " + compose.subnet());
        }
        this.compose = compose;
        this.composePrefix = compose.subnet().substring(0, compose.subnet().lastIndexOf('.') + 1);
        this.composeAddress = Pattern.compile("\\b" + Pattern.quote(composePrefix) + "(\\d{1,3})(?::(\\d+))?\\b");
    }

    /** {@code 172.28.0.N} as {@code 127.28.0.N}. */
    String loopback(String composeIp) {
        if (!composeIp.startsWith(composePrefix)) {
            throw new IllegalArgumentException("not on the compose network: " + composeIp);
        }
        return "127.28.0." + composeIp.substring(composePrefix.length());
    }

    InetAddress loopbackAddress(String composeIp) {
        try {
            return InetAddress.getByName(loopback(composeIp));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where {@code composeIp:port} of the compose network is served here. */
    InetSocketAddress socket(String composeIp, int port) {
        return new InetSocketAddress(loopbackAddress(composeIp), port(composeIp, port));
    }

    /** The free port standing for {@code port} of {@code composeIp}: one per pair, none handed out twice. */
    synchronized int port(String composeIp, int port) {
        return freePorts.computeIfAbsent(composeIp + ":" + port, k -> {
            try {
                for (int attempt = 0; attempt < 50; attempt++) {
                    int p = FreePorts.udpAndTcp();
                    if (taken.add(p)) {
                        return p;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new IllegalStateException("no free port for " + k);
        });
    }

    /** The service's {@code command}, rewritten to run here. */
    String[] arguments(Service service) throws IOException {
        List<String> out = new ArrayList<>();
        for (String arg : service.command()) {
            if (arg.startsWith("--nodecache.conf=")) {
                String target = arg.substring("--nodecache.conf=".length());
                Path corefile = Files.createTempFile("nodecache-compose-" + service.name() + "-", ".Corefile");
                temporary.add(corefile);
                Files.writeString(corefile, corefile(service, Files.readString(compose.mounted(service, target))));
                out.add("--nodecache.conf=" + corefile);
            } else if (arg.startsWith("--nodecache.dashboard.auth.users-file=")) {
                // A mounted file read as it is: the repository's copy.
                out.add("--nodecache.dashboard.auth.users-file=" + compose.mounted(service,
                        arg.substring("--nodecache.dashboard.auth.users-file=".length())));
            } else if (arg.startsWith("--server.port=")) {
                int port = Integer.parseInt(arg.substring("--server.port=".length()));
                out.add("--server.port=" + port(service.address(), port));
            } else {
                out.add(text(service, arg));
            }
        }
        return out.toArray(String[]::new);
    }

    /** A Corefile of {@code service}, rewritten to run here. */
    String corefile(Service service, String text) {
        Matcher m = BLOCK_KEY.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + ":"
                    + port(service.address(), Integer.parseInt(m.group(2))) + m.group(3)));
        }
        m.appendTail(sb);
        return text(service, sb.toString());
    }

    private String text(Service self, String text) {
        String s = text.replace("0.0.0.0:", self.address() + ":");
        Matcher url = URL.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (url.find()) {
            Service target = compose.services().get(url.group(1));
            String host = target == null ? url.group(1) : target.address();
            url.appendReplacement(sb, Matcher.quoteReplacement("http://" + host + ":" + url.group(2)));
        }
        url.appendTail(sb);
        Matcher ip = composeAddress.matcher(sb.toString());
        StringBuilder out = new StringBuilder();
        while (ip.find()) {
            String composeIp = composePrefix + ip.group(1);
            String mapped = loopback(composeIp)
                    + (ip.group(2) == null ? "" : ":" + port(composeIp, Integer.parseInt(ip.group(2))));
            ip.appendReplacement(out, Matcher.quoteReplacement(mapped));
        }
        ip.appendTail(out);
        return out.toString();
    }

    @Override
    public void close() throws IOException {
        for (Path p : temporary) {
            Files.deleteIfExists(p);
        }
    }
}
