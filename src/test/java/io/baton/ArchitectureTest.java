package io.baton;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The packages form layers that only look down. At the bottom, what any part may use: settings,
 * schedules, processes, chain definitions and the database; the cluster's membership and leases
 * stand on the database. Above them the chain actors and the HTTP API, then the node that wires them together; the command line and the benchmark sit on top.
 * A dependency the other way, or any cycle between packages, fails the build here rather than
 * growing unnoticed.
 */
@AnalyzeClasses(packages = "io.baton", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule foundationsKnowNothingAbove = noClasses()
      .that().resideInAnyPackage("io.baton.config..", "io.baton.schedule..", "io.baton.exec..",
          "io.baton.definition..", "io.baton.db..")
      .should().dependOnClassesThat().resideInAnyPackage("io.baton.chain..", "io.baton.node..",
          "io.baton.cluster..", "io.baton.api..", "io.baton.cli..", "io.baton.bench..")
      .because("settings, schedules, processes, definitions and the database serve every layer above them");

  @ArchTest
  static final ArchRule chainKnowsNothingOfItsNode = noClasses()
      .that().resideInAPackage("io.baton.chain..")
      .should().dependOnClassesThat().resideInAnyPackage("io.baton.node..", "io.baton.api..",
          "io.baton.cli..", "io.baton.bench..")
      .because("a chain actor is given what it needs by whoever spawns it");

  @ArchTest
  static final ArchRule clusterKnowsNothingOfChainsOrNodes = noClasses()
      .that().resideInAPackage("io.baton.cluster..")
      .should().dependOnClassesThat().resideInAnyPackage("io.baton.chain..", "io.baton.node..",
          "io.baton.api..", "io.baton.cli..", "io.baton.bench..")
      .because("membership and leases are the node's foundation, given to it, not reaching into it");

  @ArchTest
  static final ArchRule noCyclesBetweenPackages = slices().matching("io.baton.(*)..")
      .should().beFreeOfCycles();
}
