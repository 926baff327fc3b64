package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two nodes in one JVM: each actor system answers its own node's guard, the journal's view included. */
class LeaseGuardTest {
  private final List<ActorSystem<?>> systems = new ArrayList<>();

  @AfterEach
  void tearDown() {
    systems.forEach(ActorSystem::terminate);
  }

  private ActorSystem<?> system(String name, BootstrapSetup setup, LeaseGuard guard) {
    ActorSystem<?> system = guard == null ? ActorSystem.create(Behaviors.empty(), name, setup)
        : ActorSystem.create(Behaviors.empty(), name, setup.and(guard.setup()));
    systems.add(system);
    return system;
  }

  @Test
  void eachNodesSystemAnswersItsOwnGuard() {
    LeaseGuard first = new LeaseGuard("first");
    LeaseGuard second = new LeaseGuard("second");
    ActorSystem<?> firstSystem = system("first", BootstrapSetup.create(), first);
    ActorSystem<?> secondSystem = system("second", BootstrapSetup.create(), second);
    first.renewed(System.nanoTime(), Duration.ofHours(1), Duration.ZERO, 7);

    assertSame(first, LeaseGuard.get(firstSystem));
    assertSame(second, LeaseGuard.get(secondSystem));
    // the journal plugin and its DAO see the classic system
    assertSame(first, LeaseGuard.get(Adapter.toClassic(firstSystem)));
    assertSame(second, LeaseGuard.get(Adapter.toClassic(secondSystem)));
    assertEquals(LeaseGuard.State.LEADING, LeaseGuard.get(firstSystem).state());
    assertEquals(LeaseGuard.State.STANDBY, LeaseGuard.get(secondSystem).state());
  }

  @Test
  void aSystemWithoutANodeNeitherLeadsNorFences() {
    LeaseGuard guard = LeaseGuard.get(system("bare", BootstrapSetup.create(), null));
    assertNull(guard.nodeName());
    assertEquals(LeaseGuard.State.STANDBY, guard.state());
  }
}
