package io.nodecache.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the host networking plain Java that knows nothing of the DNS path (STYLE.md §1): config/ calls it. */
class NetifIsPlainJavaTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.nodecache");

    @Test
    void netifDoesNotUseSpring() {
        noClasses().that().resideInAPackage("io.nodecache.netif..")
                .should().dependOnClassesThat().resideInAPackage("org.springframework..")
                .check(classes);
    }

    @Test
    void netifKnowsNothingOfTheDnsPath() {
        noClasses().that().resideInAPackage("io.nodecache.netif..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nodecache.dns..", "io.nodecache.querylog..",
                        "io.nodecache.stats..", "io.nodecache.searchpath..", "io.nodecache.config..")
                .check(classes);
    }
}
