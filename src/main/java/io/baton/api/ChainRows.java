package io.baton.api;

import io.baton.config.BatonSettings.Site;
import io.baton.db.RunHistory;
import io.baton.definition.CatalogView;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** A chain as the operator sees it: its rows, its state and next fire, and its last run. */
final class ChainRows {
  enum State { ARMED, RUNNING, HELD, OFF }

  private ChainRows() {}

  /** {@code site}: the leader's, which decides what runs. */
  static State state(CatalogView.Entry entry, Set<Long> running, Site site) {
    return State.valueOf(entry.state(running.contains(entry.definition().id()), site).toUpperCase(Locale.ROOT));
  }

  /** Why a chain does not fire: the problems of a held one, or the switch / site flag of one that is off. */
  static String reason(CatalogView.Entry entry, State state, Site site) {
    return switch (state) {
      case HELD -> String.join("; ", entry.problems());
      case OFF -> !entry.definition().switchOn() ? "switch is OFF"
          : "not flagged for site " + site.name().toLowerCase(Locale.ROOT) + " (" + (site == Site.MAIN ? "main_flag" : "BKP_flag")
              + " = 0), where the leader is";
      default -> null;
    };
  }

  static Map<String, Object> row(CatalogView.Entry entry, State state, Site site, RunHistory.Run last, Instant now) {
    var chain = entry.definition();
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", chain.id());
    row.put("description", chain.description());
    row.put("timestr", chain.timestr());
    row.put("switch", chain.switchOn() ? "ON" : "OFF");
    row.put("state", state.name().toLowerCase(Locale.ROOT));
    row.put("heldReason", reason(entry, state, site));
    row.put("nextFire", state == State.ARMED || state == State.RUNNING ? nextFire(entry, now) : null);
    row.put("lastRun", last == null ? null : Reads.runSummary(last));
    return row;
  }

  private static Instant nextFire(CatalogView.Entry entry, Instant now) {
    try {
      return entry.schedule() == null ? null : entry.schedule().nextFireAfter(now).orElse(null);
    } catch (RuntimeException e) {
      return null; // a schedule that cannot compute its next fire; the chain actor holds it
    }
  }

  static boolean matches(CatalogView.Entry entry, String query) {
    if (query == null) {
      return true;
    }
    String q = query.toLowerCase(Locale.ROOT);
    String description = entry.definition().description();
    return Long.toString(entry.definition().id()).contains(q)
        || (description != null && description.toLowerCase(Locale.ROOT).contains(q));
  }

  static State parseState(String text) {
    if (text == null) {
      return null;
    }
    try {
      return State.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("state must be one of " + List.of("armed", "running", "held", "off") + ", got '"
          + text + "'");
    }
  }
}
