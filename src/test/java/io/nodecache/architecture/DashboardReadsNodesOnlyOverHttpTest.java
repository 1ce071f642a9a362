package io.nodecache.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The dashboard knows nodes only through their HTTP API (STYLE.md §1): nothing in {@code dashboard/} or
 * {@code kubernetes/} may reach into the DNS path, the query log, the stats, the chain detector or the node's web
 * side, so the code that runs in the demo (nodes in the same JVM) is the code that runs in a cluster. The node may use
 * {@code kubernetes/auth/} (TokenReview, SubjectAccessReview, the token header), which knows nothing of the dashboard.
 */
class DashboardReadsNodesOnlyOverHttpTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.nodecache");

    @Test
    void dashboardImportsNothingOfTheNode() {
        noClasses().that().resideInAnyPackage("io.nodecache.dashboard..", "io.nodecache.kubernetes..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nodecache.dns..", "io.nodecache.querylog..",
                        "io.nodecache.stats..", "io.nodecache.searchpath..", "io.nodecache.node..",
                        "io.nodecache.config..", "io.nodecache.metrics..", "io.nodecache.demo..",
                        "io.nodecache.corefile..")
                .check(classes);
    }

    @Test
    void theNodeImportsNothingOfTheDashboard() {
        noClasses().that().resideInAnyPackage("io.nodecache.dns..", "io.nodecache.querylog..", "io.nodecache.stats..",
                        "io.nodecache.searchpath..", "io.nodecache.node..", "io.nodecache.config..",
                        "io.nodecache.metrics..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nodecache.dashboard..",
                        "io.nodecache.kubernetes")
                .check(classes);
    }

    /** The reviews and the token file serve the node's security and the dashboard's transports: neither's insides. */
    @Test
    void kubernetesAuthKnowsNeitherSide() {
        noClasses().that().resideInAPackage("io.nodecache.kubernetes.auth..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nodecache.dashboard..",
                        "io.nodecache.kubernetes", "io.nodecache.node..", "io.nodecache.config..")
                .check(classes);
    }
}
