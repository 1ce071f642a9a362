package io.nodecache.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The daemonless build (Jib, in pom.xml) makes the Dockerfile's image: same base, entrypoint, env, ports, files. */
class JibConfigurationTest {

    static Element jib;
    static Dockerfile dockerfile;

    @BeforeAll
    static void read() throws Exception {
        dockerfile = Dockerfile.read();
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("pom.xml").toFile()).getDocumentElement();
        Element plugins = child(child(project, "build"), "plugins");
        for (Element plugin : children(plugins, "plugin")) {
            if (text(child(plugin, "artifactId")).equals("jib-maven-plugin")) {
                jib = plugin;
            }
        }
        assertThat(jib).as("jib-maven-plugin in build/plugins").isNotNull();
    }

    @Test
    void isBoundToNoPhaseSoVerifyBuildsNoImage() {
        assertThat(child(jib, "executions")).isNull();
    }

    @Test
    void startsFromTheDockerfilesRuntimeBase() {
        Element conf = child(jib, "configuration");
        assertThat(text(child(child(conf, "from"), "image"))).isEqualTo(dockerfile.runtimeBaseImage());
    }

    @Test
    void hasTheDockerfilesEntrypointLessTheCdsArchiveOnlyTheDockerfileMakes() {
        Element container = child(child(jib, "configuration"), "container");
        List<String> entrypoint = children(child(container, "entrypoint"), "arg").stream().map(JibConfigurationTest::text)
                .toList();
        List<String> expected = new ArrayList<>(DockerfileTest.ENTRYPOINT);
        expected.remove("-XX:SharedArchiveFile=/app/nodecache.jsa");
        assertThat(entrypoint).isEqualTo(expected);
        assertThat(child(container, "args")).isNull();
    }

    @Test
    void hasTheDockerfilesEnvironmentAndPorts() {
        Element container = child(child(jib, "configuration"), "container");
        Map<String, String> env = new LinkedHashMap<>();
        for (Element e : children(child(container, "environment"), null)) {
            env.put(e.getTagName(), text(e));
        }
        Map<String, String> dockerEnv = new LinkedHashMap<>();
        for (Dockerfile.Instruction in : dockerfile.runtimeInstructions("ENV")) {
            for (String kv : in.words()) {
                dockerEnv.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        assertThat(env).isEqualTo(dockerEnv);
        List<String> ports = children(child(container, "ports"), "port").stream().map(JibConfigurationTest::text).toList();
        assertThat(ports).containsExactlyInAnyOrderElementsOf(DockerfileTest.exposed());
    }

    @Test
    void copiesTheArgfileTheSupervisorAndTheExtractedLayoutToTheSamePaths() {
        Element extra = child(child(jib, "configuration"), "extraDirectories");
        Map<String, String> intoByFrom = new LinkedHashMap<>();
        Map<String, String> includesByFrom = new LinkedHashMap<>();
        for (Element path : children(child(extra, "paths"), "path")) {
            intoByFrom.put(text(child(path, "from")), text(child(path, "into")));
            includesByFrom.put(text(child(path, "from")), text(child(path, "includes")));
        }
        assertThat(intoByFrom).containsEntry("src/main/jvm", "/app").containsEntry("src/main/sh", "/app")
                .containsEntry("${project.build.directory}/image-layout/app", "/app");
        assertThat(includesByFrom).containsEntry("src/main/jvm", "jvm.options")
                .containsEntry("src/main/sh", "nodecache-supervisor")
                .containsEntry("${project.build.directory}/image-layout/app", "nodecache.jar,lib/**");
        assertThat(Path.of("src/main/jvm/jvm.options")).isRegularFile();
        assertThat(Path.of("src/main/sh/nodecache-supervisor")).isRegularFile();
        Element permission = child(child(extra, "permissions"), "permission");
        assertThat(text(child(permission, "file"))).isEqualTo("/app/nodecache-supervisor");
        assertThat(text(child(permission, "mode"))).isEqualTo("755");
    }

    static Element child(Element parent, String name) {
        List<Element> c = children(parent, name);
        return c.isEmpty() ? null : c.get(0);
    }

    /** Element children named {@code name} (all of them when null). */
    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e && (name == null || e.getTagName().equals(name))) {
                out.add(e);
            }
        }
        return out;
    }

    static String text(Element e) {
        return e == null ? "" : e.getTextContent().strip();
    }
}
