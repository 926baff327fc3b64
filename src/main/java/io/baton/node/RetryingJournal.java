package io.baton.node;

import com.typesafe.config.Config;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.jdbc.journal.JdbcAsyncWriteJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.immutable.Seq;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;
import scala.util.Success;
import scala.util.Try;
import io.baton.cluster.DatabaseLease;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The JDBC journal, made patient: a write that fails because the database cannot be reached is
 * tried again with backoff until it succeeds, instead of failing the chain actor (which would stop
 * it and the jobs it watches). A chain simply waits, its commands stashed, while the database is
 * away; its processes go on running. It is also the last fence of a shard: while this node's lease
 * of the chain's shard is unconfirmed a write waits, and once the lease is lost it is refused, so a
 * node that lost a shard never adds an event to a chain another node now hosts.
 */
public final class RetryingJournal extends JdbcAsyncWriteJournal {
  private static final Logger log = LoggerFactory.getLogger(RetryingJournal.class);
  private static final Duration FIRST_RETRY = Duration.ofMillis(250);
  private static final Duration LAST_RETRY = Duration.ofSeconds(5);
  private final DatabaseOutage outage = new DatabaseOutage(log, "writing chain events");
  private final org.apache.pekko.actor.typed.ActorSystem<?> system;

  public RetryingJournal(Config config) {
    super(config);
    this.system = org.apache.pekko.actor.typed.javadsl.Adapter.toTyped(context().system());
  }

  @Override
  public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
    return FutureConverters.asScala(write(messages, FIRST_RETRY, false));
  }

  private CompletionStage<Seq<Try<BoxedUnit>>> write(Seq<AtomicWrite> messages, Duration retryIn, boolean retried) {
    for (AtomicWrite write : CollectionConverters.asJava(messages)) {
      Long chain = ChainShards.chainOf(write.persistenceId());
      DatabaseLease.Hold lease = chain == null ? DatabaseLease.Hold.ACTIVE : ChainShards.leaseOf(system, chain).hold();
      if (lease == DatabaseLease.Hold.NONE) {
        return CompletableFuture.failedFuture(new IllegalStateException("write refused: this node no longer holds"
            + " the shard of chain " + chain));
      }
      if (lease == DatabaseLease.Hold.OVERDUE) {
        return later(retryIn).thenCompose(ignored -> write(messages, retryIn, retried));
      }
    }
    return toJava(super.asyncWriteMessages(messages))
        .thenApply(result -> {
          outage.ended();
          return result;
        })
        .exceptionallyCompose(error -> {
          if (retried && duplicateKey(error)) {
            // the previous attempt was committed but its answer was lost with the connection
            outage.ended();
            return CompletableFuture.completedFuture(allWritten(messages.size()));
          }
          if (queueFull(error)) { // a burst past jdbc-journal.bufferSize: nothing was written, so try again
            return later(retryIn).thenCompose(ignored -> write(messages, retryIn, retried));
          }
          if (!DatabaseOutage.isConnectionProblem(error)) {
            return CompletableFuture.failedFuture(error);
          }
          outage.started(error, messages.size());
          Duration next = retryIn.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retryIn.multipliedBy(2);
          return later(retryIn).thenCompose(ignored -> write(messages, next, true));
        });
  }

  /**
   * A Scala future as a plain CompletableFuture completed on the thread that completes the
   * future. (Scala's own converter runs dependent stages asynchronously, which on a 2-core machine
   * means a new thread per journal write.)
   */
  private static <T> CompletableFuture<T> toJava(Future<T> future) {
    CompletableFuture<T> out = new CompletableFuture<>();
    future.onComplete(result -> {
      if (result.isSuccess()) {
        out.complete(result.get());
      } else {
        out.completeExceptionally(result.failed().get());
      }
      return null;
    }, scala.concurrent.ExecutionContext.parasitic$.MODULE$);
    return out;
  }

  private static CompletableFuture<Void> later(Duration delay) {
    return CompletableFuture.runAsync(() -> { },
        CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
  }

  private static Seq<Try<BoxedUnit>> allWritten(int count) {
    Try<BoxedUnit> ok = new Success<>(BoxedUnit.UNIT);
    return CollectionConverters.asScala(Collections.nCopies(count, ok)).toList();
  }

  /** The journal's queue of writes was full (its message is all that tells it). */
  static boolean queueFull(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("the queue buffer was full")) {
        return true;
      }
    }
    return false;
  }

  private static boolean duplicateKey(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "23000".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
