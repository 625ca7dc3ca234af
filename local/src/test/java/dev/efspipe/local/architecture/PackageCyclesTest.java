package dev.efspipe.local.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package structure of every module's main code (shared, ingest, processor, api, local): no package cycle
 * (each package is its own slice, so {@code layout} and {@code job}, or {@code json} and {@code output}, may
 * not depend on each other both ways), and the layering of the design: {@code shared} depends on no function,
 * the functions not on each other nor on {@code local}.
 *
 * <p>Run alone with {@code mvn -B -pl local -am test -Dtest=PackageCyclesTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class PackageCyclesTest {
    private static final String SHARED = "dev.efspipe.(config|sqs|job|layout|json|lock|fs|publish|catalog|manifest|read|text|upload|logging|metrics)..";
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        // Test classes in a directory are recognised by DO_NOT_INCLUDE_TESTS; shared's test jar (its EMF check,
        // on this module's test class path) is not, so it is left out by name.
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.efspipe");
    }

    @Test
    void importsTheMainClassesOfEveryModule() {
        assertThat(classes.stream().map(c -> c.getPackageName()))
                .contains("dev.efspipe.layout", "dev.efspipe.ingest", "dev.efspipe.processor.json", "dev.efspipe.api",
                        "dev.efspipe.upload", "dev.efspipe.local.stack");
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.efspipe.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void sharedDependsOnNoFunctionAndNotOnLocal() {
        noClasses().that().resideInAnyPackage(SHARED)
                .should().dependOnClassesThat().resideInAnyPackage("dev.efspipe.ingest..", "dev.efspipe.processor..",
                        "dev.efspipe.api..", "dev.efspipe.local..")
                .check(classes);
    }

    @Test
    void theFunctionsDependNeitherOnEachOtherNorOnLocal() {
        noClasses().that().resideInAPackage("dev.efspipe.ingest..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.efspipe.processor..", "dev.efspipe.api..",
                        "dev.efspipe.local..")
                .check(classes);
        noClasses().that().resideInAPackage("dev.efspipe.processor..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.efspipe.ingest..", "dev.efspipe.api..",
                        "dev.efspipe.local..")
                .check(classes);
        noClasses().that().resideInAPackage("dev.efspipe.api..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.efspipe.ingest..", "dev.efspipe.processor..",
                        "dev.efspipe.local..")
                .check(classes);
    }
}
