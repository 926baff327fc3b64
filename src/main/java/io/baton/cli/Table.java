package io.baton.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Columns aligned on the widest cell; a missing value shows as "-" so every column stays readable. */
final class Table {
  private static final String GAP = "  ";

  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  Table(String... headers) {
    columns = headers.length;
    rows.add(headers);
  }

  Table row(Object... cells) {
    String[] row = new String[columns];
    for (int i = 0; i < columns; i++) {
      Object cell = i < cells.length ? cells[i] : null;
      String text = cell == null ? "" : cell.toString();
      row[i] = text.isEmpty() ? "-" : text.replace('\n', ' ');
    }
    rows.add(row);
    return this;
  }

  boolean isEmpty() {
    return rows.size() == 1;
  }

  void print(PrintWriter out) {
    print(out, "");
  }

  /** Key-value lines: the headers were only there to count the columns. */
  void printWithoutHeader(PrintWriter out) {
    String[] headers = rows.remove(0);
    try {
      print(out, "");
    } finally {
      rows.add(0, headers);
    }
  }

  /** Prints the table, each line after {@code indent}; the last column is not padded. */
  void print(PrintWriter out, String indent) {
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder(indent);
      for (int i = 0; i < columns; i++) {
        line.append(row[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - row[i].length())).append(GAP);
        }
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }
}
