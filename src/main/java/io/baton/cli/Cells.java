package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** How JSON values read in a table: as the API gives them, durations in seconds, null as nothing. */
final class Cells {
  private Cells() {}

  static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /** A number of seconds as the API gives it (0.8), shown with its unit: "0.8s". */
  static String seconds(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || !value.isNumber()) {
      return null;
    }
    return new BigDecimal(value.asText()).stripTrailingZeros().toPlainString() + "s";
  }

  /** An argv as a shell would need it typed, so what is shown can be pasted and run. */
  static String argv(JsonNode argv) {
    List<String> words = new ArrayList<>();
    for (JsonNode word : argv) {
      String w = word.asText();
      words.add(w.matches("[A-Za-z0-9_./=:,@%+-]+") ? w : "'" + w.replace("'", "'\\''") + "'");
    }
    return String.join(" ", words);
  }
}
