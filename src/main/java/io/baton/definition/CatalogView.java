package io.baton.definition;

import io.baton.config.BatonSettings.Site;
import io.baton.schedule.Schedule;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The chains as this node's Catalog last read and judged them, for the operator's surface: every
 * node keeps it (the Catalog runs on standbys too), so reads never load the three tables again.
 * Only the Catalog writes it ({@link #put}, {@link #remove}, {@link #markLoaded}); the API, the
 * metrics and the command desk read it.
 */
public final class CatalogView {
  /** One chain: its rows, why it is held (empty when valid), and its parsed schedule when valid. */
  public record Entry(ChainDefinition definition, List<String> problems, Schedule schedule) {
    public Entry {
      problems = List.copyOf(problems);
    }

    public boolean held() {
      return !problems.isEmpty();
    }

    /** Whether the chain is flagged to run while the leader's site is {@code site}. */
    public boolean runsOn(Site site) {
      return site == Site.MAIN ? definition.mainFlag() : definition.bkpFlag();
    }

    /** armed, running, held or off, the leader being of {@code site}. */
    public String state(boolean running, Site site) {
      return running ? "running" : held() ? "held" : definition.switchOn() && runsOn(site) ? "armed" : "off";
    }
  }

  private final ConcurrentSkipListMap<Long, Entry> chains = new ConcurrentSkipListMap<>();
  private volatile boolean loaded;

  public void put(Entry entry) {
    chains.put(entry.definition().id(), entry);
  }

  public void remove(long chainId) {
    chains.remove(chainId);
  }

  public void markLoaded() {
    loaded = true;
  }

  /** Whether the Catalog has read the tables at least once since this node started. */
  public boolean loaded() {
    return loaded;
  }

  public Optional<Entry> chain(long chainId) {
    return Optional.ofNullable(chains.get(chainId));
  }

  /** Every chain, by id. */
  public Collection<Entry> all() {
    return chains.values();
  }
}
