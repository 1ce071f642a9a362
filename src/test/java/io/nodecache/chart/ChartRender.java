package io.nodecache.chart;

import static org.junit.jupiter.api.Assertions.fail;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Renders {@code chart/} with helm-java (Helm itself, offline) and reads every object back through fabric8's typed
 * model, failing on any field the model does not know.
 */
final class ChartRender {

    static final Path CHART = Path.of("chart");
    static final String NAMESPACE = "kube-system";
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private ChartRender() {}

    /** The rendered objects for these {@code --set} values, as the API server would read them. */
    static List<HasMetadata> render(Map<String, Object> values) {
        return parse(template(values));
    }

    /** The rendered manifest; throws what Helm throws (a schema violation, a template error). */
    static String template(Map<String, Object> values) {
        TemplateCommand t = new Helm(CHART).template().withName("nodecache").withNamespace(NAMESPACE)
                .withKubeVersion("1.31.0");
        values.forEach(t::set);
        return t.call();
    }

    /** {@code helm lint --strict} of the chart with these values written into a copy's values.yaml. */
    static LintResult lint(Path scratch, Map<String, String> valuesLines) throws IOException {
        Path copy = scratch.resolve("nodecache");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = copy.resolve(CHART.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Path values = copy.resolve("values.yaml");
        String text = Files.readString(values);
        for (Map.Entry<String, String> e : valuesLines.entrySet()) {
            java.util.regex.Matcher line = java.util.regex.Pattern.compile("(?m)^" + e.getKey() + ":.*$").matcher(text);
            if (!line.find()) {
                fail("no top-level " + e.getKey() + " in values.yaml");
            }
            text = line.replaceFirst(java.util.regex.Matcher.quoteReplacement(e.getKey() + ": " + e.getValue()));
        }
        Files.writeString(values, text);
        return new Helm(copy).lint().strict().call();
    }

    static List<HasMetadata> parse(String manifest) {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : manifest.split("(?m)^---\\s*$")) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                continue;
            }
            KubernetesResource typed = SERIALIZATION.unmarshal(doc, KubernetesResource.class);
            if (!(typed instanceof HasMetadata object)) {
                fail("not an object: " + doc);
                return out;
            }
            String where = object.getKind() + "/" + object.getMetadata().getName();
            if (!(typed instanceof GenericKubernetesResource)) {
                List<String> unknown = new ArrayList<>();
                unknownFields(typed, where, unknown, new IdentityHashMap<>());
                if (!unknown.isEmpty()) {
                    fail("fields the typed model does not know: " + unknown + "\n" + doc);
                }
                // And nothing lost or changed on the way: the typed object writes back the tree it was read from.
                Map<?, ?> source = SERIALIZATION.unmarshal(doc, Map.class);
                Map<?, ?> back = SERIALIZATION.convertValue(typed, Map.class);
                List<String> diff = new ArrayList<>();
                diff(source, back, where, diff);
                if (!diff.isEmpty()) {
                    fail(where + " does not survive the typed model: " + diff);
                }
            }
            out.add(object);
        }
        return out;
    }

    /**
     * Every fabric8 model class keeps fields it does not know in {@code additionalProperties} (a Jackson any-setter),
     * so FAIL_ON_UNKNOWN_PROPERTIES never fires: walk the object graph and report each non-empty one instead.
     */
    private static void unknownFields(Object o, String path, List<String> out, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, out, seen));
            return;
        }
        if (o instanceof Optional<?> opt) {
            opt.ifPresent(v -> unknownFields(v, path, out, seen));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())
                    || !m.getName().startsWith("get") || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object v;
            try {
                v = m.invoke(o);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    out.add(path + ": " + extra.keySet());
                }
                continue;
            }
            unknownFields(v, path + "." + decapitalize(m.getName().substring(3)), out, seen);
        }
    }

    /** Where two trees of maps, lists and scalars differ; numbers by value, other scalars by type and value (53 and "53" differ). */
    private static void diff(Object a, Object b, String path, List<String> out) {
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            Set<Object> keys = new java.util.TreeSet<>(java.util.Comparator.comparing(String::valueOf));
            keys.addAll(ma.keySet());
            keys.addAll(mb.keySet());
            for (Object k : keys) {
                diff(ma.get(k), mb.get(k), path + "." + k, out);
            }
        } else if (a instanceof List<?> la && b instanceof List<?> lb && la.size() == lb.size()) {
            for (int i = 0; i < la.size(); i++) {
                diff(la.get(i), lb.get(i), path + "[" + i + "]", out);
            }
        } else if (a instanceof Number na && b instanceof Number nb) {
            if (Double.compare(na.doubleValue(), nb.doubleValue()) != 0) {
                out.add(path + ": " + describe(a) + " -> " + describe(b));
            }
        } else if (a == null || b == null || a.getClass() != b.getClass() || !a.equals(b)) {
            out.add(path + ": " + describe(a) + " -> " + describe(b));
        }
    }

    private static String describe(Object o) {
        return o == null ? "absent" : o + " (" + o.getClass().getSimpleName() + ")";
    }

    private static String decapitalize(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    @SuppressWarnings("unchecked")
    static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
        return (List<T>) objects.stream().filter(type::isInstance).toList();
    }

    static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
        return all(objects, type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in "
                        + objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList()));
    }

    static List<GenericKubernetesResource> generic(List<HasMetadata> objects, String kind) {
        return all(objects, GenericKubernetesResource.class).stream().filter(o -> o.getKind().equals(kind)).toList();
    }

    static Set<String> kinds(List<HasMetadata> objects) {
        return Set.copyOf(objects.stream().map(HasMetadata::getKind).toList());
    }
}
