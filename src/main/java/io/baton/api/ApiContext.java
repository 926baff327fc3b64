package io.baton.api;

import io.baton.config.BatonSettings;
import io.baton.db.CommandRepository;
import io.baton.db.NodeRoster;
import io.baton.db.RunHistory;
import io.baton.exec.ProcessLauncher;
import io.baton.definition.CatalogView;
import java.time.Clock;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the routes read and where they send commands: the read-model tables, the Catalog's view of
 * the chains, the command table, and this node's own facts. Routes hold no rule of their own.
 * {@code leading} answers whether this node may act as leader now; {@code databaseUp} whether the
 * database answers now; {@code metrics} is the scrape text; {@code port} is the one the server
 * listens on; {@code clusterMembers} is this node's view of its cluster: each member's address and
 * its status (up, joining, leaving, ..., or unreachable).
 */
public record ApiContext(
    BatonSettings settings,
    Clock clock,
    NodeRoster roster,
    RunHistory runs,
    CommandRepository commands,
    CatalogView catalog,
    ProcessLauncher launcher,
    BooleanSupplier leading,
    BooleanSupplier databaseUp,
    Supplier<String> metrics,
    int port,
    Supplier<Map<String, String>> clusterMembers) {}
