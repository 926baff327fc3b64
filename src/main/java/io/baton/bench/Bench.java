package io.baton.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs one workload of BENCH.md against a real node on MariaDB (a database of its own), measures
 * the bare ProcessBuilder limit (W0) in the same run, prints one table and appends it, with the
 * date, commit and machine, to bench/RESULTS.md.
 */
public final class Bench {
  private Bench() {}

  public static List<Figures> run(String workload, double scale, String server, String user, String password,
      Path results) throws Exception {
    Path home = BenchNode.prepareHome();
    String facts;
    List<Figures> out = new ArrayList<>();
    try (BenchDatabase db = new BenchDatabase(server, user, password, workload)) {
      facts = db.serverFacts();
      String which = workload.toUpperCase(Locale.ROOT);
      Figures baseline = null;
      if (which.equals("W7")) { // sized to the W0 rate of this run: measured first
        baseline = Workloads.baseline(home, scale);
      }
      double w0 = baseline == null ? 0 : baseline.values.get("processes/s");
      Figures measured = switch (which) {
        case "W0" -> null;
        case "W1" -> Workloads.burst(db, home, scale);
        case "W2" -> Workloads.lone(db, home, scale);
        case "W3" -> Workloads.levels(db, home, scale);
        case "W4" -> Workloads.dependencies(db, home, scale);
        case "W5" -> Workloads.idle(db, home, scale);
        case "W6" -> Workloads.sustained(db, home, scale);
        case "W7" -> Workloads.spread(db, home, scale, w0);
        default -> throw new IllegalArgumentException("unknown workload " + workload + " (W0 to W7)");
      };
      if (baseline == null) {
        baseline = Workloads.baseline(home, scale);
      }
      out.add(baseline);
      if (measured != null) {
        Double runs = measured.values.get("runs/s");
        if (runs != null) {
          measured.add("runs/s as a ratio of W0", runs / baseline.values.get("processes/s"), "", ">= 0.8");
        }
        out.add(measured);
      }
    }
    String table = table(out, scale, facts);
    System.out.println(table);
    if (results != null) {
      Files.createDirectories(results.getParent());
      Files.writeString(results, table + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    return out;
  }

  private static String table(List<Figures> figures, double scale, String dbFacts) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append("\n## ").append(figures.get(figures.size() - 1).workload).append(" — ")
        .append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append("\n\n");
    b.append("commit ").append(commit()).append("; nproc ").append(Runtime.getRuntime().availableProcessors())
        .append("; Java ").append(System.getProperty("java.version")).append(" (")
        .append(ManagementFactory.getRuntimeMXBean().getVmName()).append("); ").append(dbFacts)
        .append("; scale ").append(scale).append("\n\n");
    b.append("| workload | figure | value | target |\n|---|---|---|---|\n");
    for (Figures f : figures) {
      for (Figures.Row row : f.rows) {
        b.append("| ").append(f.workload).append(": ").append(f.description).append(" | ").append(row.figure())
            .append(" | ").append(row.value()).append(" | ").append(row.target()).append(" |\n");
      }
    }
    return b.toString();
  }

  private static String commit() {
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      return p.waitFor() == 0 ? out : "unknown";
    } catch (Exception e) {
      return "unknown";
    }
  }
}
