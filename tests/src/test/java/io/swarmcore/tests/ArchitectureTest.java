package io.swarmcore.tests;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pure-core rule (docs/ARCHITECTURE.md): protocol logic in any {@code ..core..} package is
 * deterministic Java driven by its inputs, so it can run in a simulator. It may not touch Vert.x,
 * the network, LMDB or Hazelcast, read a clock, draw unseeded randomness or start threads.
 */
class ArchitectureTest {
  /** Every concern's core, and the Merkle tree math shared by storage and clients. */
  private static final String[] CORE = {
    "io.swarmcore..core..", "io.swarmcore.merkle..", "io.swarmcore.pbft.sim.."
  };

  private static JavaClasses classes;

  static final ArchRule NO_FRAMEWORK_NETWORK_OR_STORAGE =
      noClasses()
          .that()
          .resideInAnyPackage(CORE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.vertx..",
              "java.net..",
              "java.nio.channels..",
              "org.lmdbjava..",
              "com.hazelcast..")
          .because("cores are driven by inputs; verticles own I/O");

  static final ArchRule NO_CLOCK =
      noClasses()
          .that()
          .resideInAnyPackage(CORE)
          .should()
          .callMethod(System.class, "currentTimeMillis")
          .orShould()
          .callMethod(System.class, "nanoTime")
          .orShould()
          .callMethodWhere(
              com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                  com.tngtech.archunit.core.domain.properties.HasName.Predicates.name("now")))
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.time.Clock")
          .because("time reaches a core as an input");

  static final ArchRule NO_UNSEEDED_RANDOMNESS =
      noClasses()
          .that()
          .resideInAnyPackage(CORE)
          .should()
          .callConstructor(java.util.Random.class)
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.security.SecureRandom")
          .orShould()
          .callMethod(Math.class, "random")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
          .because("a simulator replays a core from its seed");

  static final ArchRule NO_THREADS =
      noClasses()
          .that()
          .resideInAnyPackage(CORE)
          .should()
          .dependOnClassesThat()
          .areAssignableTo(Thread.class)
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(java.util.concurrent.Executor.class)
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.util.concurrent.Executors")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.util.concurrent.CompletableFuture")
          .because("a core runs on its caller's thread, one input at a time");

  @BeforeAll
  static void importProductionClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.swarmcore");
  }

  private static final List<ArchRule> RULES =
      List.of(NO_FRAMEWORK_NETWORK_OR_STORAGE, NO_CLOCK, NO_UNSEEDED_RANDOMNESS, NO_THREADS);

  @Test
  void productionCoresFollowEveryRule() {
    RULES.forEach(rule -> rule.check(classes));
  }

  @Test
  void theRulesCatchEachKindOfViolation() {
    JavaClasses offenders =
        new ClassFileImporter().importPackages("io.swarmcore.tests.offenders.core");
    for (ArchRule rule : RULES) {
      assertThatThrownBy(() -> rule.check(offenders))
          .as(rule.getDescription())
          .isInstanceOf(AssertionError.class);
    }
  }
}
