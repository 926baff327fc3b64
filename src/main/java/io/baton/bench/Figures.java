package io.baton.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The rows of one benchmark's table: figure, value, target. */
final class Figures {
  record Row(String figure, String value, String target) {}

  final String workload;
  final String description;
  final List<Row> rows = new ArrayList<>();
  final Map<String, Double> values = new LinkedHashMap<>();

  Figures(String workload, String description) {
    this.workload = workload;
    this.description = description;
  }

  Figures add(String figure, double value, String unit, String target) {
    values.put(figure, value);
    rows.add(new Row(figure, format(value) + (unit.isEmpty() ? "" : " " + unit), target));
    return this;
  }

  Figures note(String figure, String value) {
    rows.add(new Row(figure, value, ""));
    return this;
  }

  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static double[] sorted(List<Double> values) {
    double[] out = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(out);
    return out;
  }

  private static String format(double v) {
    return Math.abs(v) >= 100 || v == Math.rint(v) ? String.format("%.0f", v) : String.format("%.2f", v);
  }
}
