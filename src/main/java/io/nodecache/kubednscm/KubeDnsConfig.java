package io.nodecache.kubednscm;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.xbill.DNS.Address;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parts of the kube-dns ConfigMap node-cache reads, validated as kube-dns validates them: {@code stubDomains}
 * (domain to nameservers) and {@code upstreamNameservers}. Other keys ({@code federations}) are ignored, as
 * node-cache ignores them.
 *
 * @param stubDomains         lower-case domain (no trailing dot) to its nameservers as written ({@code IP},
 *                            {@code IP:PORT}, {@code [IPv6]:PORT}), sorted by domain so a rendering is stable
 * @param upstreamNameservers at most three nameservers for everything else; empty means the node's own
 */
public record KubeDnsConfig(SortedMap<String, List<String>> stubDomains, List<String> upstreamNameservers) {

    /** The ConfigMap keys, which a ConfigMap volume mounts as files of these names. */
    public static final String STUB_DOMAINS = "stubDomains";
    public static final String UPSTREAM_NAMESERVERS = "upstreamNameservers";

    /** kube-dns's limit ({@code validateUpstreamNameserver}): resolv.conf's, glibc's MAXNS. */
    static final int MAX_UPSTREAM_NAMESERVERS = 3;
    /** CoreDNS's forward takes at most 15 upstreams per block. */
    static final int MAX_STUB_NAMESERVERS = 15;

    /** Kubernetes' {@code IsDNS1123Subdomain}, which kube-dns applies to stub domains. */
    private static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final int DNS1123_SUBDOMAIN_MAX = 253;
    /** RFC 1035 §2.3.4: a label is at most 63 octets. */
    private static final int LABEL_MAX = 63;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public KubeDnsConfig {
        SortedMap<String, List<String>> copy = new TreeMap<>();
        stubDomains.forEach((domain, servers) -> copy.put(domain, List.copyOf(servers)));
        stubDomains = Collections.unmodifiableSortedMap(copy);
        upstreamNameservers = List.copyOf(upstreamNameservers);
    }

    /** No stub domains, the node's own upstreams: what an absent ConfigMap means. */
    public static KubeDnsConfig empty() {
        return new KubeDnsConfig(new TreeMap<>(), List.of());
    }

    /**
     * Reads the ConfigMap as a directory (its volume mount). An absent directory or absent files mean no stub domains
     * and the node's upstreams, as for node-cache a missing ConfigMap is no error.
     *
     * @throws KubeDnsConfigException naming the file (and the key) at fault: bad JSON, a bad entry, unreadable
     */
    public static KubeDnsConfig read(Path dir) throws KubeDnsConfigException {
        if (!Files.exists(dir)) {
            return empty();
        }
        if (!Files.isDirectory(dir)) {
            throw new KubeDnsConfigException(dir + ": not a directory (the kube-dns ConfigMap is mounted as one)");
        }
        Path stubs = dir.resolve(STUB_DOMAINS);
        Path upstreams = dir.resolve(UPSTREAM_NAMESERVERS);
        return parse(readIfPresent(stubs), stubs.toString(), readIfPresent(upstreams), upstreams.toString());
    }

    /** The file's text, or null when it is absent. */
    static String readIfPresent(Path file) throws KubeDnsConfigException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new KubeDnsConfigException(file + ": cannot read: " + e.getMessage());
        }
        try {
            // node-cache refuses non-UTF-8 data in the directory; a lenient decode would render replacement chars.
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new KubeDnsConfigException(file + ": not UTF-8 text");
        }
    }

    /**
     * Parses and validates the two keys' values; null (absent), blank or JSON {@code null} is "not set".
     *
     * @param stubDomainsJson   {@code {"acme.local": ["1.2.3.4", "1.2.3.5:5353"]}}
     * @param stubSource        where it came from, for messages
     * @param upstreamsJson     {@code ["8.8.8.8", "8.8.4.4:53"]}
     * @param upstreamsSource   where it came from, for messages
     */
    public static KubeDnsConfig parse(String stubDomainsJson, String stubSource, String upstreamsJson,
            String upstreamsSource) throws KubeDnsConfigException {
        SortedMap<String, List<String>> stubs = new TreeMap<>();
        JsonNode s = json(stubDomainsJson, stubSource);
        if (s != null) {
            if (!s.isObject()) {
                throw new KubeDnsConfigException(stubSource + ": not a JSON object of domain to nameserver list, "
                        + "e.g. {\"acme.local\": [\"1.2.3.4\"]}");
            }
            for (Map.Entry<String, JsonNode> e : s.properties()) {
                String domain = e.getKey();
                String where = stubSource + ": key \"" + domain + "\"";
                checkDomain(domain, where);
                List<String> servers = strings(e.getValue(), where);
                if (servers.isEmpty()) {
                    throw new KubeDnsConfigException(where + ": no nameservers");
                }
                if (servers.size() > MAX_STUB_NAMESERVERS) {
                    throw new KubeDnsConfigException(where + ": " + servers.size() + " nameservers, more than the "
                            + MAX_STUB_NAMESERVERS + " forward takes");
                }
                for (String ns : servers) {
                    checkNameserver(ns, where);
                }
                stubs.put(domain, servers);
            }
        }
        List<String> upstreams = List.of();
        JsonNode u = json(upstreamsJson, upstreamsSource);
        if (u != null) {
            upstreams = strings(u, upstreamsSource);
            if (upstreams.size() > MAX_UPSTREAM_NAMESERVERS) {
                throw new KubeDnsConfigException(upstreamsSource + ": " + upstreams.size()
                        + " nameservers; upstreamNameservers cannot have more than " + MAX_UPSTREAM_NAMESERVERS);
            }
            for (String ns : upstreams) {
                checkNameserver(ns, upstreamsSource);
            }
        }
        return new KubeDnsConfig(stubs, upstreams);
    }

    private static JsonNode json(String text, String source) throws KubeDnsConfigException {
        if (text == null || text.isBlank()) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JacksonException e) {
            throw new KubeDnsConfigException(source + ": invalid JSON: " + e.getOriginalMessage());
        }
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }

    private static List<String> strings(JsonNode node, String where) throws KubeDnsConfigException {
        if (!node.isArray()) {
            throw new KubeDnsConfigException(where + ": not a JSON list of nameservers, e.g. [\"1.2.3.4\"]");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode v : node.values()) {
            if (!v.isString()) {
                throw new KubeDnsConfigException(where + ": " + v + " is not a string");
            }
            out.add(v.stringValue().strip());
        }
        return out;
    }

    private static void checkDomain(String domain, String where) throws KubeDnsConfigException {
        boolean ok = domain.length() <= DNS1123_SUBDOMAIN_MAX && DNS1123_SUBDOMAIN.matcher(domain).matches();
        if (ok) {
            for (String label : domain.split("\\.")) {
                ok &= label.length() <= LABEL_MAX;
            }
        }
        if (!ok) {
            throw new KubeDnsConfigException(where + ": not a valid domain name (lower-case letters, digits, '-' "
                    + "and '.', no trailing dot, e.g. acme.local)");
        }
    }

    /** {@code IP}, {@code IP:PORT} or {@code [IPv6]:PORT} with a port 1-65535, as kube-dns and forward take them. */
    public static void checkNameserver(String ns, String where) throws KubeDnsConfigException {
        String host = ns;
        String port = null;
        if (ns.startsWith("[")) {
            int close = ns.indexOf(']');
            if (close < 0 || !ns.startsWith("]:", close)) {
                throw badNameserver(ns, where);
            }
            host = ns.substring(1, close);
            port = ns.substring(close + 2);
            if (!(ipLiteral(host) instanceof Inet6Address)) {
                throw badNameserver(ns, where);
            }
        } else if (ns.indexOf(':') >= 0 && ns.indexOf(':') == ns.lastIndexOf(':')) {
            host = ns.substring(0, ns.indexOf(':'));
            port = ns.substring(ns.indexOf(':') + 1);
        }
        // Several colons without brackets: a bare IPv6 address, as kube-dns reads it (no port).
        if (ipLiteral(host) == null) {
            throw badNameserver(ns, where);
        }
        if (port != null) {
            int p;
            try {
                p = port.matches("[0-9]{1,5}") ? Integer.parseInt(port) : -1;
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 1 || p > 65535) {
                throw badNameserver(ns, where);
            }
        }
    }

    private static InetAddress ipLiteral(String text) {
        try {
            return Address.getByAddress(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static KubeDnsConfigException badNameserver(String ns, String where) {
        return new KubeDnsConfigException(where + ": \"" + ns + "\" is not a nameserver (IP, IP:PORT or "
                + "[IPv6]:PORT, port 1-65535; host names are not resolved)");
    }
}
