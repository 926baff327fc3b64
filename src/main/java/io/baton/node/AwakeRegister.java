package io.baton.node;

import io.baton.db.AwakeChains;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Writes the chains whose actors start to baton_awake_chain, many in one statement: what arrives
 * while a write is under way goes in the next one. A chain acts only once its row is written.
 */
final class AwakeRegister {
  private record Pending(AwakeChains.Awake chain, CompletableFuture<Void> written) {}

  private final AwakeChains table;
  private final Executor blocking;
  private List<Pending> queued = new ArrayList<>();
  private boolean writing;

  AwakeRegister(AwakeChains table, Executor blocking) {
    this.table = table;
    this.blocking = blocking;
  }

  CompletionStage<Void> register(long chainId, int shard, long token) {
    CompletableFuture<Void> written = new CompletableFuture<>();
    boolean start;
    synchronized (this) {
      queued.add(new Pending(new AwakeChains.Awake(chainId, shard, token), written));
      start = !writing;
      writing = true;
    }
    if (start) {
      try {
        blocking.execute(this::writeAll);
      } catch (RuntimeException e) { // the pool is shut down: the node stops
        synchronized (this) {
          writing = false;
        }
        written.completeExceptionally(e);
      }
    }
    return written;
  }

  private void writeAll() {
    while (true) {
      List<Pending> batch;
      synchronized (this) {
        if (queued.isEmpty()) {
          writing = false;
          return;
        }
        batch = queued;
        queued = new ArrayList<>();
      }
      try {
        table.register(batch.stream().map(Pending::chain).toList());
        batch.forEach(p -> p.written().complete(null));
      } catch (RuntimeException e) {
        batch.forEach(p -> p.written().completeExceptionally(e));
      }
    }
  }
}
