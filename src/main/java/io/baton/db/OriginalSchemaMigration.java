package io.baton.db;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * V1: the original scheduler's tables. On a database an operator created with the original DDL
 * the six tables exist already and are left exactly as they are; on an empty one they are
 * created from the verbatim file; a database holding only some of them is refused, naming the
 * missing ones, since guessing how it got that way could damage an operator's data.
 */
final class OriginalSchemaMigration implements JavaMigration {
  private static final Logger log = LoggerFactory.getLogger(OriginalSchemaMigration.class);

  private final Dialect dialect;

  OriginalSchemaMigration(Dialect dialect) {
    this.dialect = dialect;
  }

  @Override
  public MigrationVersion getVersion() {
    return MigrationVersion.fromVersion("1");
  }

  @Override
  public String getDescription() {
    return "original";
  }

  /** The checksum of the verbatim file: Flyway's validation notices if it is ever edited. */
  @Override
  public Integer getChecksum() {
    CRC32 crc = new CRC32();
    crc.update(OriginalDdl.script().getBytes(StandardCharsets.UTF_8));
    return (int) crc.getValue();
  }

  @Override
  public boolean canExecuteInTransaction() {
    return true;
  }

  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    List<String> missing = missingTables(c);
    if (missing.isEmpty()) {
      log.info("The original scheduler's tables are present; they are left unchanged");
      return;
    }
    if (missing.size() < OriginalDdl.TABLES.size()) {
      throw new DatabaseException("the database has only some of the original scheduler's tables"
          + " (missing: " + String.join(", ", missing) + "); create them with"
          + " schema/V1__original.sql or point Baton at an empty database");
    }
    try (Statement st = c.createStatement()) {
      for (String sql : OriginalDdl.statements(OriginalDdl.script(), dialect)) {
        st.execute(sql);
      }
    }
  }

  /**
   * Compared without case: a MySQL server with lower_case_table_names=1 stores
   * schedulerMessage as schedulermessage, and queries still find it.
   */
  static List<String> missingTables(Connection c) throws SQLException {
    Set<String> present = new HashSet<>();
    DatabaseMetaData md = c.getMetaData();
    try (ResultSet rs = md.getTables(c.getCatalog(), c.getSchema(), "%", null)) {
      while (rs.next()) {
        present.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
      }
    }
    List<String> missing = new ArrayList<>();
    for (String table : OriginalDdl.TABLES) {
      if (!present.contains(table.toLowerCase(Locale.ROOT))) {
        missing.add(table);
      }
    }
    return missing;
  }
}
