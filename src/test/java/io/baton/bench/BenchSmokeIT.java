package io.baton.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The benchmark harness still works: each workload, shrunk, runs against a real node on MariaDB
 * and produces its figures. How fast they are is the harness's business, not this test's.
 */
class BenchSmokeIT {

  @ParameterizedTest
  @CsvSource({"W1, 0.02, runs/s", "W2, 0.1, fire delay p99", "W3, 0.1, level hand-off median",
      "W4, 0.02, due -> last SUCCESS", "W5, 0.001, start -> all armed", "W6, 0.01, window 1: journal rows"})
  void aShrunkWorkloadProducesItsFigures(String workload, double scale, String figure) throws Exception {
    List<Figures> figures = Bench.run(workload, scale, "jdbc:mysql://127.0.0.1:3306/", "root", "", null);
    Figures baseline = figures.get(0);
    Figures measured = figures.get(1);
    assertTrue(baseline.values.get("processes/s") > 0, "W0 measured in the same run");
    assertFalse(measured.values.get(figure).isNaN(), workload + " measured " + figure + ": " + measured.values);
    assertTrue(measured.values.get(figure) > 0, workload + ": " + measured.values);
  }
}
