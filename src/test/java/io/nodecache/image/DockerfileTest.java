package io.nodecache.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.image.Dockerfile.Instruction;
import io.nodecache.image.Dockerfile.Stage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile's image has the layout the chart and the compose helpers rely on (docs/image.md): what it copies
 * exists, and its entrypoint runs the supervisor with the argfile of {@code src/main/jvm/jvm.options}.
 */
public class DockerfileTest {

    public static final List<String> ENTRYPOINT = List.of("/app/nodecache-supervisor", "java", "@/app/jvm.options",
            "-XX:SharedArchiveFile=/app/nodecache.jsa", "-jar", "/app/nodecache.jar");

    static Dockerfile dockerfile;

    @BeforeAll
    static void read() throws Exception {
        dockerfile = Dockerfile.read();
    }

    /** A COPY or ADD split into its flags, sources and destination. */
    record Copy(String from, String chmod, List<String> sources, String destination) {
        static Copy of(Instruction in) {
            String from = null;
            String chmod = null;
            List<String> rest = new ArrayList<>();
            for (String w : in.words()) {
                if (w.startsWith("--from=")) {
                    from = w.substring("--from=".length());
                } else if (w.startsWith("--chmod=")) {
                    chmod = w.substring("--chmod=".length());
                } else if (!w.startsWith("--")) {
                    rest.add(w);
                }
            }
            return new Copy(from, chmod, rest.subList(0, rest.size() - 1), rest.get(rest.size() - 1));
        }
    }

    static List<Copy> copies(List<Instruction> instructions) {
        return instructions.stream().filter(i -> i.keyword().equals("COPY") || i.keyword().equals("ADD"))
                .map(Copy::of).toList();
    }

    @Test
    void everyCopySourceExistsInTheRepositoryOrComesFromAnEarlierStage() {
        List<String> earlier = new ArrayList<>();
        for (Stage stage : dockerfile.stages()) {
            for (Copy c : copies(stage.instructions())) {
                if (c.from() != null) {
                    assertThat(earlier).as("COPY --from=%s names an earlier stage", c.from()).contains(c.from());
                } else {
                    for (String src : c.sources()) {
                        assertThat(Path.of(src)).as("COPY source %s", src).exists();
                    }
                }
            }
            if (stage.name() != null) {
                earlier.add(stage.name());
            }
        }
        assertThat(dockerfile.stages()).hasSizeGreaterThanOrEqualTo(2);   // multi-stage: the build stays out
        assertThat(dockerfile.stages().get(0).image()).startsWith("maven:3.9-eclipse-temurin-17");
    }

    @Test
    void theBuildStageExtractsTheJarThePomBuildsIntoAppAsNodecacheJar() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        String version = firstAfter(pom, "<artifactId>nodecache</artifactId>", "<version>([^<]+)</version>");
        String jar = "target/nodecache-" + version + ".jar";
        Stage build = dockerfile.stages().get(0);
        String run = build.all("RUN").stream().map(Instruction::args).collect(Collectors.joining(" && "));
        assertThat(run).contains("-Djarmode=tools -jar " + jar + " extract")
                .containsPattern("--destination /app\\b").contains("--application-filename nodecache.jar");
        // the final image takes that /app from the build stage
        assertThat(copies(dockerfile.last().instructions()))
                .anySatisfy(c -> assertThat(c).isEqualTo(new Copy(build.name(), null, List.of("/app/"), "/app/")));
    }

    @Test
    void theEntrypointIsTheSupervisorRunningJavaWithTheArgfile() {
        List<Instruction> entrypoints = dockerfile.last().all("ENTRYPOINT");
        assertThat(entrypoints).hasSize(1);
        assertThat(entrypoints.get(0).jsonArray()).isEqualTo(ENTRYPOINT);
        assertThat(dockerfile.last().all("CMD")).isEmpty();   // the chart passes only the node's arguments

        Map<String, Copy> byDestination = copies(dockerfile.last().instructions()).stream()
                .collect(Collectors.toMap(Copy::destination, c -> c));
        Copy supervisor = byDestination.get("/app/nodecache-supervisor");
        assertThat(supervisor.sources()).containsExactly("src/main/sh/nodecache-supervisor");
        assertThat(supervisor.chmod()).isEqualTo("755");
        assertThat(Path.of(supervisor.sources().get(0))).isRegularFile();
        Copy argfile = byDestination.get("/app/jvm.options");
        assertThat(argfile.sources()).containsExactly("src/main/jvm/jvm.options");
    }

    @Test
    void theCdsArchiveTheEntrypointNamesIsTheOneTheTrainingRunWrites() {
        String runs = dockerfile.last().all("RUN").stream().map(Instruction::args).collect(Collectors.joining("\n"));
        assertThat(runs).contains("java @/app/jvm.options -XX:ArchiveClassesAtExit=/app/nodecache.jsa")
                .contains("-Dspring.context.exit=onRefresh").contains("-jar /app/nodecache.jar");
        assertThat(ENTRYPOINT).contains("-XX:SharedArchiveFile=/app/nodecache.jsa");
    }

    @Test
    void environmentPortsAndToolsAreTheContract() {
        String env = dockerfile.runtimeInstructions("ENV").stream().map(Instruction::args)
                .collect(Collectors.joining(" "));
        assertThat(Set.of(env.split("\\s+"))).contains("NODECACHE_STATE_DIR=/run/nodecache", "MALLOC_ARENA_MAX=2");
        assertThat(exposed()).containsExactlyInAnyOrder("53/udp", "53/tcp", "8080", "9253", "8181");
        String runs = dockerfile.runtimeInstructions("RUN").stream().map(Instruction::args)
                .collect(Collectors.joining("\n"));
        assertThat(runs).contains("apt-get install -y --no-install-recommends iptables iproute2")
                .contains("--uid 65532");
        assertThat(dockerfile.runtimeBaseImage()).isEqualTo("eclipse-temurin:17-jre");
    }

    static List<String> exposed() {
        return dockerfile.runtimeInstructions("EXPOSE").stream().flatMap(i -> i.words().stream()).toList();
    }

    static String firstAfter(String text, String anchor, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find(text.indexOf(anchor))).as("%s after %s", regex, anchor).isTrue();
        return m.group(1);
    }
}
