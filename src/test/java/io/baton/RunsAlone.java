package io.baton;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * An integration test that kills, pauses, cuts off or restarts nodes and times what follows
 * (failovers, leases, recovery), or changes the database server's settings: it runs after the
 * others, one at a time, so that neither a busy machine skews its timings, nor its recovery meets
 * another test's processes (a run's processes are found by their marks, host-wide), nor another
 * test sees its settings. The other integration tests run two at a time (see the failsafe plugin
 * in pom.xml).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("alone")
public @interface RunsAlone {}
