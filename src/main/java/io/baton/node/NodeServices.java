package io.baton.node;

import io.baton.db.AwakeChains;

import io.baton.config.BatonSettings;
import io.baton.db.CatalogRepository;
import io.baton.db.CommandRepository;
import io.baton.db.RunHistory;
import io.baton.db.HistoryRepository;
import io.baton.db.LeaseRepository;
import io.baton.db.RunRepository;
import io.baton.db.StatusRepository;
import io.baton.definition.CatalogView;
import io.baton.exec.ProcessLauncher;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The plain-Java parts of a node the actors work with: settings, clock, database, processes.
 * {@code blocking} runs database calls, {@code processWork} the chains' process starts, stops and
 * /proc reads: a database that hangs (a cut connection) never holds back a kill.
 */
public record NodeServices(
    BatonSettings settings,
    Clock clock,
    CatalogRepository catalog,
    RunRepository runs,
    HistoryRepository history,
    StatusRepository status,
    LeaseRepository leases,
    LeaseGuard guard,
    ProcessLauncher launcher,
    NodeGauges gauges,
    RunIds runIds,
    Supplier<String> server,
    Executor blocking,
    CommandRepository commands,
    RunHistory runHistory,
    CatalogView catalogView,
    AwakeChains awake,
    Executor processWork) {}
