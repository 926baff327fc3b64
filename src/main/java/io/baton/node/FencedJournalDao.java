package io.baton.node;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import io.baton.cluster.DatabaseLease;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.runtime.BoxedUnit;
import slick.dbio.DBIOAction;
import slick.dbio.Effect;
import slick.dbio.NoStream;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.SimpleJdbcAction;
import slick.jdbc.MySQLProfile;

/**
 * The journal's writes, fenced in the database: in the transaction that inserts a batch of chain
 * events, the lease row of each chain's shard is read with a shared lock and must still name this
 * node under the epoch it holds, unexpired. A node that lost a shard while it was paused or cut off
 * therefore cannot add a decision (a run started, a level started, a run ended) to a chain another
 * node now hosts, whatever its own clock says: the write fails in the database, not only by a check
 * in the JVM. A takeover (an UPDATE of the lease row) waits for such a transaction to commit, so
 * events written under a valid lease are seen by the next host's recovery.
 *
 * <p>The embedded H2 database serves one node only and is not fenced.
 */
public final class FencedJournalDao extends DefaultJournalDao {
  private static final String LEASE_HELD = "SELECT lease_epoch FROM baton_lease WHERE lease_name = ?"
      + " AND lease_holder = ? AND lease_epoch = ? AND lease_until > CURRENT_TIMESTAMP(3) LOCK IN SHARE MODE";

  private final NodeMetrics metrics;
  private final org.apache.pekko.actor.typed.ActorSystem<?> system;

  public FencedJournalDao(JdbcBackend.JdbcDatabaseDef db, JdbcProfile profile, JournalConfig journalConfig,
      Serialization serialization, ExecutionContext ec, Materializer mat) {
    super(db, profile, journalConfig, serialization, ec, mat);
    this.metrics = NodeMetrics.get(mat.system());
    this.system = org.apache.pekko.actor.typed.javadsl.Adapter.toTyped(mat.system());
  }

  @Override
  public Future<BoxedUnit> writeJournalRows(Seq<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows) {
    long started = System.nanoTime();
    Future<BoxedUnit> written = fencedWrite(rows);
    written.onComplete(result -> {
      metrics.journalWritten(java.time.Duration.ofNanos(System.nanoTime() - started));
      return BoxedUnit.UNIT;
    }, ec());
    return written;
  }

  private Future<BoxedUnit> fencedWrite(Seq<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows) {
    if (!(profile() instanceof MySQLProfile)) {
      return super.writeJournalRows(rows);
    }
    java.util.Map<String, DatabaseLease> leases = new java.util.TreeMap<>(); // one lock order for every writer
    for (Tuple2<JournalPekkoSerializationRow, Set<String>> row : CollectionConverters.asJava(rows)) {
      Long chain = ChainShards.chainOf(row._1().persistenceId());
      if (chain != null) {
        DatabaseLease lease = ChainShards.leaseOf(system, chain);
        leases.put(lease.name(), lease);
      }
    }
    DBIOAction<BoxedUnit, NoStream, Effect.All> leaseHeld = SimpleJdbcAction.apply(ctx -> {
      for (DatabaseLease lease : leases.values()) {
        requireLease(ctx.connection(), lease);
      }
      return BoxedUnit.UNIT;
    });
    DBIOAction<Object, NoStream, Effect.All> both = leaseHeld.andThen(queries().writeJournalRows(rows, ec()));
    return run(profile().api().jdbcActionExtensionMethods(both).transactionally());
  }

  /** Scala's effect type is contravariant, Java's generics are not: the action is run as a raw one. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private Future<BoxedUnit> run(DBIOAction action) {
    Future<Object> done = ((JdbcBackend.JdbcDatabaseDef) db()).run(action);
    return done.map(ignored -> BoxedUnit.UNIT, ec());
  }

  private static void requireLease(java.sql.Connection c, DatabaseLease lease) {
    long epoch = lease.heldEpoch();
    try (PreparedStatement ps = c.prepareStatement(LEASE_HELD)) {
      ps.setString(1, lease.name());
      ps.setString(2, lease.owner());
      ps.setLong(3, epoch);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new DeposedException("chain events not written: " + lease.owner()
              + " no longer holds lease " + lease.name() + " under epoch " + epoch);
        }
      }
    } catch (SQLException e) {
      throw new UncheckedSqlException(e); // the cause tells a lost connection (retried) from the rest
    }
  }

  /** The shard's lease is another node's now: a write of this node's decisions is refused. */
  public static final class DeposedException extends IllegalStateException {
    DeposedException(String message) {
      super(message);
    }
  }

  private static final class UncheckedSqlException extends RuntimeException {
    UncheckedSqlException(SQLException cause) {
      super(cause.getMessage(), cause);
    }
  }
}
