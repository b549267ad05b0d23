package dev.berth.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The one-way layers of docs/ARCHITECTURE.md, checked on the compiled classes: the event vocabulary
 * at the bottom, the emulator core on it, the model (no backend, no JavaFX), the backends, and the
 * app and the CLI on top.
 */
class LayeringTest {
  private static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.berth");
  }

  @Test
  void theVocabularyStandsAlone() {
    noClasses()
        .that()
        .resideInAPackage("dev.berth.event..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages("dev.berth.event..", "java..")
        .check(classes);
  }

  @Test
  void fileRulesStandAlone() {
    noClasses()
        .that()
        .resideInAPackage("dev.berth.io..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages("dev.berth.io..", "java..")
        .check(classes);
  }

  @Test
  void theCoreImportsNothingAboveIt() {
    noClasses()
        .that()
        .resideInAPackage("dev.berth.core..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages(
            "dev.berth.core..",
            "dev.berth.event..",
            "dev.berth.io..",
            "java..",
            "org.objectweb.asm..") // the translating tier writes bytecode with ASM
        .check(classes);
  }

  @Test
  void theModelImportsNoBackendNoCoreAndNoJavaFx() {
    noClasses()
        .that()
        .resideInAPackage("dev.berth.vm..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.berth.backend..",
            "dev.berth.core..",
            "dev.berth.app..",
            "dev.berth.cli..",
            "javafx..")
        .check(classes);
  }

  @Test
  void backendsImportNoAppAndNoCli() {
    noClasses()
        .that()
        .resideInAPackage("dev.berth.backend..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.berth.app..", "dev.berth.cli..", "javafx..")
        .check(classes);
  }

  @Test
  void onlyTheBundledBackendAndTheCoresOwnFrontEndsUseTheCore() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.berth.core..", "dev.berth.backend.bundled..")
        .and()
        .doNotHaveSimpleName("RunCommand")
        .and()
        .doNotHaveSimpleName("BenchCommand")
        .and()
        .doNotHaveSimpleName("LinuxBootBench")
        .and()
        .doNotHaveSimpleName("SelfTestCommand")
        .and()
        .doNotHaveSimpleName("DriveOption")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.berth.core..")
        .check(classes);
  }

  @Test
  void protocolCodeKnowsNoModelNoBackendNoCore() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.berth.qmp..", "dev.berth.qga..", "dev.berth.qapi..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.berth.vm..",
            "dev.berth.backend..",
            "dev.berth.core..",
            "dev.berth.app..",
            "dev.berth.cli..")
        .check(classes);
  }

  @Test
  void theAppAndTheCliAreNamedByNoOne() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.berth.app..", "dev.berth")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.berth.app..")
        .check(classes);
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.berth.cli..", "dev.berth")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.berth.cli..")
        .check(classes);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("dev.berth.(**)").should().beFreeOfCycles().check(classes);
  }
}
