package io.baton.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The original scheduler's DDL ({@code schema/V1__original.sql}, kept verbatim) turned into
 * statements that create its tables in the database the url names, whatever that is called.
 */
final class OriginalDdl {
  static final String RESOURCE = "db/schema/V1__original.sql";

  /** The six tables the original DDL creates, as the Python scheduler spells them. */
  static final List<String> TABLES = List.of("deptable", "jobchain_table", "jobtable",
      "jobchain_lst_run", "realtime_status", "schedulerMessage");

  private static final Pattern QUALIFIER = Pattern.compile("(?i)\\bschedulerDB\\.");
  private static final Pattern SKIPPED = Pattern.compile("(?i)(begin|commit|use\\s+\\S+)");
  /**
   * H2 wants ON UPDATE right after DEFAULT, before a NULL / NOT NULL constraint; MariaDB takes
   * either order. Swapping them on H2 only gives the same column, and the file stays verbatim.
   */
  private static final Pattern ON_UPDATE_AFTER_NULL = Pattern.compile(
      "(?i)(default\\s+CURRENT_TIMESTAMP)\\s+((?:not\\s+)?null)\\s+(on\\s+update\\s+CURRENT_TIMESTAMP)");

  private OriginalDdl() {}

  static String script() {
    try (InputStream in = OriginalDdl.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Splits the script on ';' (it has no ';' inside literals), drops comment lines, the
   * BEGIN/COMMIT/USE lines (the transaction is Flyway's, the database is the url's) and the
   * {@code schedulerDB.} qualifier.
   */
  static List<String> statements(String script, Dialect dialect) {
    StringBuilder body = new StringBuilder();
    for (String line : script.split("\n")) {
      if (!line.strip().startsWith("--")) {
        body.append(line).append('\n');
      }
    }
    List<String> out = new ArrayList<>();
    for (String raw : body.toString().split(";")) {
      String stmt = raw.strip();
      if (stmt.isEmpty() || SKIPPED.matcher(stmt).matches()) {
        continue;
      }
      stmt = QUALIFIER.matcher(stmt).replaceAll("");
      if (dialect == Dialect.H2) {
        stmt = ON_UPDATE_AFTER_NULL.matcher(stmt).replaceAll("$1 $3 $2");
      }
      out.add(stmt);
    }
    return out;
  }
}
