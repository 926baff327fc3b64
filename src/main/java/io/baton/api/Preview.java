package io.baton.api;

import io.baton.definition.ChainDefinition;
import io.baton.exec.LaunchRefusedException;
import io.baton.exec.ProcessKind;
import io.baton.exec.ProcessRequest;
import io.baton.definition.CatalogView;
import java.io.IOException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * preview: what a chain would run if it were switched on now (verdict, next fires in the node's
 * zone, the exact argv of each process after the confinement checks); validate: every chain's verdict.
 */
final class Preview {
  private final ApiContext context;

  Preview(ApiContext context) {
    this.context = context;
  }

  void preview(Exchange ex) throws IOException {
    long id = ex.idParam(0, "chain id");
    int n = ex.intQuery("n", 10, 1, 1000);
    CatalogView.Entry entry = context.catalog().chain(id)
        .orElseThrow(() -> ApiException.notFound("chain " + id + " does not exist"));
    ChainDefinition chain = entry.definition();
    Instant now = context.clock().instant();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("chainId", id);
    body.put("timestr", chain.timestr());
    body.put("valid", !entry.held());
    body.put("problems", entry.problems());
    body.put("switch", chain.switchOn() ? "ON" : "OFF");
    body.put("mainFlag", chain.mainFlag());
    body.put("bkpFlag", chain.bkpFlag());
    body.put("zone", context.settings().timezone().getId());
    body.put("nextFires", nextFires(entry, now, n));
    List<Map<String, Object>> dependencies = new ArrayList<>();
    for (ChainDefinition.DependencyDefinition dep : chain.dependencies()) {
      Map<String, Object> row = process(new ProcessRequest(ProcessKind.DEP, id, 0, dep.id(), null, 1, now,
          dep.env(), dep.command()));
      row.put("depId", dep.id());
      row.put("ottimeSeconds", dep.ottimeSeconds());
      dependencies.add(row);
    }
    Map<Integer, List<Map<String, Object>>> levels = new TreeMap<>();
    for (ChainDefinition.JobDefinition job : chain.jobs()) {
      Map<String, Object> row = process(new ProcessRequest(ProcessKind.JOB, id, 0, job.id(), job.stepLevel(), 1, now,
          job.env(), job.command()));
      row.put("jobId", job.id());
      row.put("ottime", job.ottime());
      levels.computeIfAbsent(job.stepLevel(), l -> new ArrayList<>()).add(row);
    }
    List<Map<String, Object>> levelList = Reads.levels(levels);
    body.put("dependencies", dependencies);
    body.put("levels", levelList);
    ex.json(200, body);
  }

  /** Every chain's problems; {@code valid} false when any chain has one. */
  void validate(Exchange ex) throws IOException {
    if (!context.catalog().loaded()) {
      throw new ApiException(503, "this node has not read the chain tables yet; ask again in a moment");
    }
    List<Map<String, Object>> problems = new ArrayList<>();
    int chains = 0;
    for (CatalogView.Entry entry : context.catalog().all()) {
      chains++;
      if (entry.held()) {
        problems.add(Map.of("chainId", entry.definition().id(), "problems", entry.problems()));
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("valid", problems.isEmpty());
    body.put("chains", chains);
    body.put("invalid", problems);
    ex.json(200, body);
  }

  private List<String> nextFires(CatalogView.Entry entry, Instant now, int n) {
    List<String> fires = new ArrayList<>();
    if (entry.schedule() == null) {
      return fires;
    }
    Instant at = now;
    try {
      for (int i = 0; i < n; i++) {
        at = entry.schedule().nextFireAfter(at).orElse(null);
        if (at == null) {
          break;
        }
        fires.add(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(ZonedDateTime.ofInstant(at, context.settings().timezone())));
      }
    } catch (RuntimeException e) {
      fires.add("(no further fire can be computed: " + e.getMessage() + ")");
    }
    return fires;
  }

  private Map<String, Object> process(ProcessRequest request) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("env", request.env());
    row.put("command", request.command());
    try {
      row.put("argv", context.launcher().argvOf(request));
      row.put("refused", null);
    } catch (LaunchRefusedException e) {
      row.put("argv", null);
      row.put("refused", e.getMessage());
    }
    return row;
  }
}
