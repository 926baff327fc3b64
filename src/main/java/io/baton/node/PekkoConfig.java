package io.baton.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.baton.config.BatonSettings;
import io.baton.config.HostName;
import io.baton.db.Database;
import io.baton.db.Dialect;
import java.time.Duration;

/**
 * The actor system's configuration: logging, JSON serialization, the journal in Baton's database,
 * the cluster's address and the database lease's timing.
 */
public final class PekkoConfig {
  /** The configuration block of the database lease (io.baton.cluster.DatabaseLease). */
  public static final String DATABASE_LEASE = "baton-database-lease";

  private PekkoConfig() {}

  public static Config of(Database db, BatonSettings settings) {
    boolean h2 = db.dialect() == Dialect.H2;
    String driver = h2 ? "org.h2.Driver"
        : db.url().startsWith("jdbc:mariadb:") ? "org.mariadb.jdbc.Driver" : "com.mysql.cj.jdbc.Driver";
    Duration stop = settings.shutdownGrace().plus(settings.exec().killGrace()).plusSeconds(15);
    Config database = ConfigFactory.empty()
        .withValue("profile", ConfigValueFactory.fromAnyRef(h2 ? "slick.jdbc.H2Profile$" : "slick.jdbc.MySQLProfile$"))
        .withValue("db.url", ConfigValueFactory.fromAnyRef(db.url()))
        .withValue("db.user", ConfigValueFactory.fromAnyRef(db.user()))
        .withValue("db.password", ConfigValueFactory.fromAnyRef(db.password()))
        .withValue("db.driver", ConfigValueFactory.fromAnyRef(driver))
        // failover url (main + bkp): renewed connections find their way back to the main server
        .withValue("db.maxLifetime", ConfigValueFactory.fromAnyRef(db.url().contains(",") ? 60_000 : 1_800_000));
    return ConfigFactory.empty()
        .withValue("pekko-persistence-jdbc.shared-databases.baton", database.root())
        // a stopping node's chains finish their jobs within the grace while their shards are handed over
        .withValue("pekko.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout",
            ConfigValueFactory.fromAnyRef(stop.toMillis() + "ms"))
        .withValue("pekko.coordinated-shutdown.phases.cluster-shutdown.timeout",
            ConfigValueFactory.fromAnyRef(stop.toMillis() + "ms"))
        .withValue("pekko.actor.provider", ConfigValueFactory.fromAnyRef("cluster"))
        // shards go to the nodes of the active site only (io.baton.cluster.ActiveSiteAllocation)
        .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(
            java.util.List.of(io.baton.cluster.ActiveSiteAllocation.roleOf(settings.site().name()))))
        // a shard handed over lets its running jobs finish first, as a stopping node does
        .withValue("pekko.cluster.sharding.handoff-timeout", ConfigValueFactory.fromAnyRef(stop.toMillis() + "ms"))
        .withValue("pekko.remote.artery.canonical.hostname",
            ConfigValueFactory.fromAnyRef(HostName.advertised(settings.cluster().bind())))
        .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(settings.cluster().port()))
        .withValue("pekko.remote.artery.bind.hostname", ConfigValueFactory.fromAnyRef(settings.cluster().bind()))
        .withValue(DATABASE_LEASE + ".heartbeat-timeout",
            ConfigValueFactory.fromAnyRef(settings.leaseTtl().toMillis() + "ms"))
        .withValue(DATABASE_LEASE + ".heartbeat-interval",
            ConfigValueFactory.fromAnyRef(settings.leaseTtl().dividedBy(5).toMillis() + "ms"))
        // an acquire may wait out the term of a holder that died (DatabaseLease.acquire)
        .withValue(DATABASE_LEASE + ".lease-operation-timeout",
            ConfigValueFactory.fromAnyRef(settings.leaseTtl().plusSeconds(2).toMillis() + "ms"))
        // an operator's -Dpekko.* (JAVA_OPTS) tunes the cluster's timings over the file's defaults
        .withFallback(ConfigFactory.systemProperties())
        .withFallback(ConfigFactory.parseResources(PekkoConfig.class, "/baton-pekko.conf"))
        .withFallback(ConfigFactory.load())
        .resolve();
  }
}
