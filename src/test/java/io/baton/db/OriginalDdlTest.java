package io.baton.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class OriginalDdlTest {
  @Test
  void theVerbatimScriptBecomesEightStatementsOnTheUrlsDatabase() {
    List<String> statements = OriginalDdl.statements(OriginalDdl.script(), Dialect.MYSQL);
    assertEquals(8, statements.size()); // 6 CREATE TABLE + 2 ALTER TABLE ... FOREIGN KEY
    for (String s : statements) {
      String lower = s.toLowerCase(Locale.ROOT);
      assertFalse(lower.contains("schedulerdb"), s);
      assertFalse(lower.startsWith("use ") || lower.equals("begin") || lower.equals("commit"), s);
      assertFalse(s.contains("--"), s);
    }
    for (String table : OriginalDdl.TABLES) {
      assertTrue(statements.stream().anyMatch(s -> s.toLowerCase(Locale.ROOT)
          .startsWith("create table " + table.toLowerCase(Locale.ROOT))), table);
    }
  }

  @Test
  void theScriptOnTheClasspathIsTheVerbatimOriginal() {
    String script = OriginalDdl.script();
    assertTrue(script.startsWith("BEGIN;\ncreate table schedulerDB.deptable"));
    assertTrue(script.contains("USE schedulerDB;"));
    assertTrue(script.contains("jobchain_id bigint(20) unsigned not null not null,"));
  }

  @Test
  void onH2OnUpdateMovesBeforeTheNullConstraintAndNowhereElse() {
    String mysql = String.join(";", OriginalDdl.statements(OriginalDdl.script(), Dialect.MYSQL));
    String h2 = String.join(";", OriginalDdl.statements(OriginalDdl.script(), Dialect.H2));
    assertTrue(mysql.contains("default CURRENT_TIMESTAMP not null on update CURRENT_TIMESTAMP"));
    assertTrue(h2.contains("default CURRENT_TIMESTAMP on update CURRENT_TIMESTAMP not null"));
    assertTrue(h2.contains("default CURRENT_TIMESTAMP on update CURRENT_TIMESTAMP null,"));
    assertFalse(h2.contains("not null on update"));
    assertEquals(mysql.length(), h2.length());
  }
}
