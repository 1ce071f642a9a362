package io.nodecache.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the DNS path free of Spring and reflection (STYLE.md §2), so it stays fast and testable on its own. */
class DnsPathIsPlainJavaTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.nodecache");

    @Test
    void dnsPackagesDoNotUseSpring() {
        noClasses().that().resideInAPackage("io.nodecache.dns..")
                .should().dependOnClassesThat().resideInAPackage("org.springframework..")
                .check(classes);
    }

    @Test
    void dnsPackagesDoNotUseReflection() {
        noClasses().that().resideInAPackage("io.nodecache.dns..")
                .should().dependOnClassesThat().resideInAPackage("java.lang.reflect..")
                .check(classes);
    }

    @Test
    void querylogAndCorefileDoNotUseSpring() {
        noClasses().that().resideInAnyPackage("io.nodecache.querylog..", "io.nodecache.corefile..")
                .should().dependOnClassesThat().resideInAPackage("org.springframework..")
                .check(classes);
    }

    /** netif/ is called by config/ at start and stop and knows nothing of the DNS path (STYLE.md §1). */
    @Test
    void hostNetworkingIsPlainJavaAndKnowsNothingOfTheNode() {
        noClasses().that().resideInAPackage("io.nodecache.netif..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.nodecache.dns..",
                        "io.nodecache.querylog..", "io.nodecache.stats..", "io.nodecache.searchpath..",
                        "io.nodecache.node..", "io.nodecache.config..", "io.nodecache.dashboard..",
                        "io.nodecache.metrics..")
                .check(classes);
    }

    /** kubednscm/ renders Corefiles: it uses corefile/ and nothing above it, and no Spring. */
    @Test
    void kubeDnsConfigMapSyncIsPlainJavaOverTheCorefileOnly() {
        noClasses().that().resideInAPackage("io.nodecache.kubednscm..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.nodecache.dns..",
                        "io.nodecache.config..", "io.nodecache.netif..", "io.nodecache.metrics..",
                        "io.nodecache.node..", "io.nodecache.dashboard..")
                .check(classes);
    }
}
