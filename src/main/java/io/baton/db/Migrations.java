package io.baton.db;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings a database to Baton's schema with Flyway, at every start (a no-op when up to date).
 *
 * <ul>
 *   <li>V1 ({@link OriginalSchemaMigration}) creates the original scheduler's six tables from
 *       {@code schema/V1__original.sql}, or leaves them alone when they are already there.
 *   <li>V2 ({@code schema/baton/}) adds chain_run, job_run and baton_meta.
 *   <li>V3 ({@code schema/mysql/} or {@code schema/h2/}) adds the event journal tables; the two
 *       variants are the plugin's own DDL, and only the H2 one runs on H2.
 * </ul>
 *
 * <p>A database created by the original DDL has tables but no Flyway history: baselineOnMigrate
 * records a baseline at version 0 (below V1), so V1 still runs and sees the tables present.
 *
 * <p>Connector/J reports MariaDB 10.x as "MySQL 5.5" (the server's 5.5.5- version prefix);
 * Flyway 13.12 with flyway-mysql accepts that and migrates with its MySQL support, which suits
 * MariaDB too: nothing needs to be forced. The MariaDB driver is seen as "MariaDB 10.11".
 */
final class Migrations {
  private Migrations() {}

  static MigrateResult run(DataSource dataSource, Dialect dialect, String url) {
    Flyway flyway = Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(dataSource)
        .locations("classpath:db/schema/baton",
            "classpath:db/schema/" + (dialect == Dialect.H2 ? "h2" : "mysql"))
        .javaMigrations(new OriginalSchemaMigration(dialect))
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .baselineDescription("tables present before Baton")
        .failOnMissingLocations(true)
        .load();
    try {
      return flyway.migrate();
    } catch (FlywayException e) {
      throw new DatabaseException(
          "database " + JdbcUrl.display(url) + ": schema migration failed: " + summary(e), e);
    }
  }

  /**
   * Flyway's messages span a dozen lines (state, code, location, statement): keep the first line
   * and the server's "Message" line, or the text of our own check if it was that which failed.
   */
  static String summary(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DatabaseException own) {
        return own.getMessage();
      }
    }
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String first = text.strip().lines().findFirst().orElse("").strip();
    String detail = text.lines()
        .map(String::strip)
        .filter(l -> l.startsWith("Message"))
        .map(l -> l.substring(l.indexOf(':') + 1).strip())
        .findFirst()
        .orElse("");
    return detail.isEmpty() || first.contains(detail) ? first : first + ": " + detail;
  }
}
