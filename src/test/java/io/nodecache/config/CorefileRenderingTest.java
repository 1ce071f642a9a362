package io.nodecache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.corefile.PillarValues;
import io.nodecache.netif.SetupErrors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the node renders {@code basecorefile} and {@code kubednscm} into {@code conf}, and when it loads conf as is. */
class CorefileRenderingTest {

    @TempDir
    Path dir;

    private NodeProperties props(String... args) {
        return EarlyProperties.read(args, Map.of(), new Properties());
    }

    @Test
    void nodeCachesDefaultBaseIsRenderedWhenItExistsAndConfIsSetAsInTheUpstreamManifest() throws Exception {
        Path defaultBase = Files.writeString(dir.resolve("Corefile.base"), ".:53 {\n}\n");

        assertThat(CorefileRendering.baseCorefile(props("--conf=/etc/Corefile"), defaultBase)).hasValue(defaultBase);
        assertThat(CorefileRendering.baseCorefile(props(), defaultBase)).as("the embedded default never renders")
                .isEmpty();
        assertThat(CorefileRendering.baseCorefile(props("--conf=/etc/Corefile", "--basecorefile="), defaultBase))
                .as("an empty basecorefile turns it off").isEmpty();
    }

    @Test
    void withoutTheDefaultBaseConfIsLoadedAsItIsOnALaptop() {
        assertThat(CorefileRendering.baseCorefile(props("--conf=/tmp/my.Corefile"), dir.resolve("absent"))).isEmpty();
    }

    @Test
    void anExplicitBaseIsRenderedWhetherOrNotItExistsYet() {
        NodeProperties p = props("--conf=/etc/Corefile", "--nodecache.basecorefile=/srv/base");

        assertThat(CorefileRendering.baseCorefile(p, dir.resolve("absent"))).hasValue(Path.of("/srv/base"));
        assertThat(p.kubednscm()).isEqualTo("/etc/kube-dns");
        assertThat(p.kubednscmInterval()).hasSeconds(10);
    }

    @Test
    void anExplicitBaseWithoutConfStopsTheStartNamingBoth() {
        assertThatThrownBy(() -> CorefileRendering.baseCorefile(props("--basecorefile=/srv/base"), dir))
                .hasMessageContaining("basecorefile /srv/base is set but conf is not");
    }

    @Test
    void aBaseThatIsConfItselfIsRefused() throws Exception {
        Path conf = Files.writeString(dir.resolve("Corefile"), ".:53 {\n}\n");
        NodeProperties p = props("--conf=" + conf, "--basecorefile=" + dir.resolve(".").resolve("Corefile"));

        assertThatThrownBy(() -> CorefileRendering.of(p, dir.resolve("absent"), PillarValues::none, new SetupErrors(),
                new PrintStream(new ByteArrayOutputStream()))).hasMessageContaining("the same file");
    }

    @Test
    void nodeCachesFlagNamesAreReadBySpringAndTheEarlyStartAlike() {
        NodeProperties early = props("--conf=/etc/Corefile", "--basecorefile=/etc/coredns/Corefile.base",
                "--kubednscm=/etc/kube-dns-cm", "--nodecache.kubednscm-interval=2s");
        org.springframework.mock.env.MockEnvironment env = new org.springframework.mock.env.MockEnvironment()
                .withProperty("conf", "/etc/Corefile").withProperty("basecorefile", "/etc/coredns/Corefile.base")
                .withProperty("kubednscm", "/etc/kube-dns-cm")
                .withProperty("nodecache.kubednscm-interval", "2s");
        NodeProperties spring = NodeCacheFlags.apply(org.springframework.boot.context.properties.bind.Binder.get(env)
                .bindOrCreate("nodecache", NodeProperties.class), env);

        assertThat(spring).isEqualTo(early);
        assertThat(spring.kubednscm()).isEqualTo("/etc/kube-dns-cm");
        assertThat(spring.kubednscmInterval()).hasSeconds(2);
    }
}
