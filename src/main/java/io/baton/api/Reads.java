package io.baton.api;

import io.baton.config.BatonSettings.Site;
import io.baton.db.NodeRoster;
import io.baton.db.RunHistory;
import io.baton.definition.CatalogView;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The read verbs: status, chains, one chain, runs, one run; and /health, /ready. */
final class Reads {
  static final int MAX_LIMIT = 1000;

  private final ApiContext context;

  Reads(ApiContext context) {
    this.context = context;
  }

  void health(Exchange ex) throws IOException {
    ex.json(200, Map.of("status", "alive", "node", context.settings().nodeName()));
  }

  /** Ready once the database answers and this node knows its role (it has read the chains). */
  void ready(Exchange ex) throws IOException {
    boolean database = context.databaseUp().getAsBoolean();
    String role = context.leading().getAsBoolean() ? "leader" : "standby";
    boolean ready = database && context.catalog().loaded();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", ready ? "ready" : "not ready");
    body.put("role", role);
    body.put("database", database ? "reachable" : "unreachable");
    body.put("catalogRead", context.catalog().loaded());
    ex.json(ready ? 200 : 503, body);
  }

  void status(Exchange ex) throws IOException {
    List<Map<String, Object>> nodes = new ArrayList<>();
    String leader = null;
    Map<String, String> members = context.clusterMembers().get();
    for (NodeRoster.NodeRow n : context.roster().nodes()) {
      boolean alive = n.heartbeatAge() != null && n.heartbeatAge().compareTo(context.settings().leaseTtl()) <= 0;
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("name", n.name());
      boolean self = n.name().equals(context.settings().nodeName());
      node.put("site", n.site() != null ? n.site() : self ? context.settings().site().name().toLowerCase(Locale.ROOT) : null);
      node.put("host", n.host());
      node.put("pid", n.pid());
      node.put("role", n.leader() ? "leader" : alive ? "standby" : "down");
      node.put("epoch", n.epoch());
      node.put("heartbeatAgeSeconds", n.heartbeatAge() == null ? null : n.heartbeatAge().toMillis() / 1000.0);
      node.put("lastHeartbeat", n.lastHeartbeat());
      node.put("clusterAddress", n.clusterAddress());
      // as the answering node sees it: a live node that is no member is in another cluster, or still joining
      node.put("member", n.clusterAddress() == null ? null : members.getOrDefault(n.clusterAddress(), "no"));
      nodes.add(node);
      if (n.leader()) {
        leader = n.name();
      }
    }
    Set<Long> running = context.runs().chainsRunning();
    Site site = leaderSite();
    Map<ChainRows.State, Integer> counts = new EnumMap<>(ChainRows.State.class);
    for (ChainRows.State s : ChainRows.State.values()) {
      counts.put(s, 0);
    }
    int total = 0;
    for (CatalogView.Entry entry : context.catalog().all()) {
      counts.merge(ChainRows.state(entry, running, site), 1, Integer::sum);
      total++;
    }
    Map<String, Object> chains = new LinkedHashMap<>();
    chains.put("total", total);
    counts.forEach((state, n) -> chains.put(state.name().toLowerCase(Locale.ROOT), n));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("node", context.settings().nodeName());
    body.put("leader", leader);
    body.put("epoch", context.roster().lease().map(l -> l.epoch()).orElse(null));
    body.put("nodes", nodes);
    body.put("chains", chains);
    ex.json(200, body);
  }

  /** One page of chains, by id, narrowed by a search text and a state. */
  void chains(Exchange ex) throws IOException {
    String q = ex.query("q");
    ChainRows.State wanted = ChainRows.parseState(ex.query("state"));
    int limit = ex.intQuery("limit", 50, 1, MAX_LIMIT);
    int offset = ex.intQuery("offset", 0, 0, Integer.MAX_VALUE);
    Set<Long> running = context.runs().chainsRunning();
    Site site = leaderSite();
    List<CatalogView.Entry> page = new ArrayList<>();
    Map<Long, ChainRows.State> states = new TreeMap<>();
    int total = 0;
    for (CatalogView.Entry entry : context.catalog().all()) {
      ChainRows.State state = ChainRows.state(entry, running, site);
      if ((wanted == null || wanted == state) && ChainRows.matches(entry, q)) {
        if (total >= offset && page.size() < limit) {
          page.add(entry);
          states.put(entry.definition().id(), state);
        }
        total++;
      }
    }
    Map<Long, RunHistory.Run> last = context.runs().lastRuns(states.keySet());
    Instant now = context.clock().instant();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (CatalogView.Entry entry : page) {
      long id = entry.definition().id();
      rows.add(ChainRows.row(entry, states.get(id), site, last.get(id), now));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("total", total);
    body.put("offset", offset);
    body.put("limit", limit);
    body.put("chains", rows);
    ex.json(200, body);
  }

  void chain(Exchange ex) throws IOException {
    long id = ex.idParam(0, "chain id");
    CatalogView.Entry entry = context.catalog().chain(id)
        .orElseThrow(() -> ApiException.notFound("chain " + id + " does not exist"));
    Site site = leaderSite();
    ChainRows.State state = ChainRows.state(entry, context.runs().chainsRunning(), site);
    Map<String, Object> row = ChainRows.row(entry, state, site, context.runs().lastRuns(List.of(id)).get(id),
        context.clock().instant());
    row.put("jobs", entry.definition().jobs());
    row.put("dependencies", entry.definition().dependencies());
    ex.json(200, row);
  }

  void runs(Exchange ex) throws IOException {
    Long chain = ex.longQuery("chain");
    String status = ex.query("status");
    int limit = ex.intQuery("limit", 50, 1, MAX_LIMIT);
    List<Map<String, Object>> rows = context.runs().recent(chain, runStatus(status), limit).stream()
        .map(Reads::runSummary).toList();
    ex.json(200, Map.of("runs", rows));
  }

  /** A run with its dependency checks and its jobs by step level. */
  void run(Exchange ex) throws IOException {
    long runId = ex.idParam(0, "run id");
    RunHistory.Run run = context.runs().run(runId)
        .orElseThrow(() -> ApiException.notFound("run " + runId + " does not exist"));
    List<Map<String, Object>> dependencies = new ArrayList<>();
    Map<Integer, List<Map<String, Object>>> levels = new TreeMap<>();
    for (RunHistory.Process p : context.runs().processes(runId)) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("JOB".equals(p.kind()) ? "jobId" : "depId", p.refId());
      row.put("attempt", p.attempt());
      row.put("start", p.start());
      row.put("end", p.end());
      row.put("exitCode", p.exitCode());
      row.put("status", p.status());
      row.put("node", p.node());
      row.put("pid", p.pid());
      row.put("logPath", p.logPath());
      if ("JOB".equals(p.kind())) {
        levels.computeIfAbsent(p.stepLevel() == null ? 0 : p.stepLevel(), l -> new ArrayList<>()).add(row);
      } else {
        dependencies.add(row);
      }
    }
    List<Map<String, Object>> levelList = Reads.levels(levels);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("run", runSummary(run));
    body.put("dependencies", dependencies);
    body.put("levels", levelList);
    ex.json(200, body);
  }

  /** The site of the leader, which decides what runs; this node's own while no lease is held. */
  private Site leaderSite() {
    return context.roster().lease().filter(NodeRoster.LeaseRow::valid).map(NodeRoster.LeaseRow::site)
        .filter(s -> s != null).map(s -> "bkp".equalsIgnoreCase(s) ? Site.BKP : Site.MAIN)
        .orElse(context.settings().site());
  }

  private static String runStatus(String text) {
    if (text == null) {
      return null;
    }
    String status = text.toUpperCase(Locale.ROOT);
    List<String> known = new ArrayList<>(List.of("RUNNING"));
    for (io.baton.chain.RunStatus s : io.baton.chain.RunStatus.values()) {
      known.add(s.name());
    }
    if (!known.contains(status)) {
      throw ApiException.badRequest("status must be one of " + known + ", got '" + text + "'");
    }
    return status;
  }

  /** Jobs grouped by step level, in level order, as the API shows them. */
  static List<Map<String, Object>> levels(Map<Integer, List<Map<String, Object>>> byLevel) {
    List<Map<String, Object>> levels = new ArrayList<>();
    byLevel.forEach((level, jobs) -> {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("stepLevel", level);
      row.put("jobs", jobs);
      levels.add(row);
    });
    return levels;
  }

  static Map<String, Object> runSummary(RunHistory.Run run) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("runId", Json.id(run.runId()));
    row.put("chainId", run.chainId());
    row.put("trigger", run.trigger());
    row.put("scheduled", run.scheduled());
    row.put("start", run.start());
    row.put("end", run.end());
    row.put("durationSeconds", run.end() == null || run.start() == null ? null
        : Duration.between(run.start(), run.end()).toMillis() / 1000.0);
    row.put("status", run.status());
    row.put("node", run.node());
    row.put("rerunOf", Json.id(run.rerunOf()));
    return row;
  }
}
