package io.nodecache.compose;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The repository's {@code docker-compose.yml} as the tests read it: services (after YAML merge keys, as Compose
 * applies them), their commands, mounts, fixed addresses and resolver settings, and the network's subnet.
 */
record ComposeFile(Path file, Map<String, Service> services, String subnet) {

    /** Where the tests find it: the repository root, Maven's working directory. */
    static final Path DEFAULT = Path.of("docker-compose.yml");

    /**
     * One service.
     *
     * @param name        its compose name (also its host name on the network)
     * @param image       {@code image}
     * @param build       {@code build}, or null
     * @param command     {@code command}, as a list
     * @param volumes     {@code volumes}, short syntax {@code HOST:CONTAINER[:MODE]}
     * @param address     {@code networks.<net>.ipv4_address}
     * @param dns         {@code dns}
     * @param dnsSearch   {@code dns_search}
     * @param dnsOptions  {@code dns_opt}
     * @param environment {@code environment}, as a map
     */
    record Service(String name, String image, Object build, List<String> command, List<String> volumes,
            String address, List<String> dns, List<String> dnsSearch, List<String> dnsOptions,
            Map<String, String> environment) {

        /** The value of {@code --name=value} in {@code command}, or null. */
        String argument(String name) {
            for (String a : command) {
                if (a.startsWith("--" + name + "=")) {
                    return a.substring(name.length() + 3);
                }
            }
            return null;
        }

        /** {@code ndots:N} of {@code dns_opt}; glibc's default 1 without one. */
        int ndots() {
            return intOption("ndots", 1);
        }

        int intOption(String option, int fallback) {
            for (String o : dnsOptions) {
                if (o.startsWith(option + ":")) {
                    return Integer.parseInt(o.substring(option.length() + 1));
                }
            }
            return fallback;
        }

        boolean nodecache() {
            return "nodecache:dev".equals(image);
        }
    }

    static ComposeFile load() throws IOException {
        return load(DEFAULT);
    }

    @SuppressWarnings("unchecked")
    static ComposeFile load(Path file) throws IOException {
        Map<String, Object> root;
        try (Reader in = Files.newBufferedReader(file)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        }
        Map<String, Service> services = new LinkedHashMap<>();
        ((Map<String, Object>) root.get("services")).forEach((name, body) -> {
            Map<String, Object> s = (Map<String, Object>) body;
            String address = null;
            if (s.get("networks") instanceof Map<?, ?> nets) {
                for (Object net : nets.values()) {
                    if (net instanceof Map<?, ?> n && n.get("ipv4_address") != null) {
                        address = n.get("ipv4_address").toString();
                    }
                }
            }
            Map<String, String> env = new LinkedHashMap<>();
            if (s.get("environment") instanceof Map<?, ?> e) {
                e.forEach((k, v) -> env.put(k.toString(), String.valueOf(v)));
            }
            services.put(name, new Service(name, (String) s.get("image"), s.get("build"), strings(s.get("command")),
                    strings(s.get("volumes")), address, strings(s.get("dns")), strings(s.get("dns_search")),
                    strings(s.get("dns_opt")), env));
        });
        String subnet = null;
        for (Object net : ((Map<String, Object>) root.get("networks")).values()) {
            Map<String, Object> ipam = (Map<String, Object>) ((Map<String, Object>) net).get("ipam");
            for (Object config : (List<Object>) ipam.get("config")) {
                subnet = ((Map<String, Object>) config).get("subnet").toString();
            }
        }
        return new ComposeFile(file, services, subnet);
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(v -> out.add(v.toString()));
        } else if (value != null) {
            out.add(value.toString());
        }
        return out;
    }

    Service service(String name) {
        Service s = services.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no service " + name + " in " + file);
        }
        return s;
    }

    /** The services running the nodecache image. */
    List<Service> nodecacheServices() {
        return services.values().stream().filter(Service::nodecache).toList();
    }

    /** The client containers: the ones with a resolver of their own ({@code dns}). */
    List<Service> clients() {
        return services.values().stream().filter(s -> !s.dns().isEmpty()).toList();
    }

    /** The file a service mounts at {@code target}, resolved against the compose file's folder, or null. */
    Path mounted(Service service, String target) {
        for (String v : service.volumes()) {
            String[] parts = v.split(":");
            if (parts.length >= 2 && parts[1].equals(target)) {
                Path base = file.toAbsolutePath().getParent();
                return base.resolve(parts[0]).normalize();
            }
        }
        return null;
    }
}
