package io.baton.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatabaseUrlTest {
  @Test
  void dialects() {
    assertEquals(Dialect.MYSQL, Dialect.of("jdbc:mysql://h/db"));
    assertEquals(Dialect.MYSQL, Dialect.of("jdbc:mariadb://h/db"));
    assertEquals(Dialect.H2, Dialect.of("jdbc:h2:file:/x"));
    DatabaseException e = assertThrows(DatabaseException.class,
        () -> Dialect.of("jdbc:postgresql://h/db?password=secret"));
    assertEquals("database url jdbc:postgresql://h/db is not supported:"
        + " use jdbc:mysql://, jdbc:mariadb:// or jdbc:h2:", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      jdbc:mysql://h/db                                      | jdbc:mysql://h/db?rewriteBatchedStatements=true
      jdbc:mysql://h/db?useSSL=false                         | jdbc:mysql://h/db?useSSL=false&rewriteBatchedStatements=true
      jdbc:mysql://h/db?rewriteBatchedStatements=false       | jdbc:mysql://h/db?rewriteBatchedStatements=false
      """)
  void connectorJUrlsGetBatchRewritingOnce(String url, String rewritten) {
    assertEquals(rewritten, JdbcUrl.withBatchRewrite(url));
  }

  /** Every host of a failover url, and the address=(...) forms, too. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      jdbc:mysql://u:pw@h:3307/x?password=pw                              | jdbc:mysql://h:3307/x
      jdbc:h2:file:/d/baton;MODE=MySQL                                    | jdbc:h2:file:/d/baton
      jdbc:mysql://u:Sec1@h1:3306,u:Sec2@h2:3307/x                        | jdbc:mysql://h1:3306,h2:3307/x
      jdbc:mysql://address=(host=h)(port=3306)(user=u)(password=Sec3)/x   | jdbc:mysql://address=(host=h)(port=3306)(user=u)(password=****)/x
      jdbc:mysql://(host=h,port=3306,user=u,password=Sec4)/x              | jdbc:mysql://(host=h,port=3306,user=u,password=****)/x
      """)
  void displayedUrlsCarryNoCredentialsNorFlags(String url, String displayed) {
    assertEquals(displayed, JdbcUrl.display(url));
  }

  @Test
  void embeddedUrlKeepsTheFlagsTheJournalNeeds() {
    String url = Database.embeddedUrl(Path.of("/srv/baton/data"));
    assertTrue(url.startsWith("jdbc:h2:file:/srv/baton/data/baton;"));
    assertTrue(url.contains(";MODE=MySQL;DATABASE_TO_UPPER=FALSE"));
    assertTrue(!url.contains("DATABASE_TO_LOWER"));
  }

  @Test
  void aDriversMessageQuotingTheUrlHasItsPasswordsMasked() {
    String url = "jdbc:mariadb://u:Zq9Secret@127.0.0.1:3999/db?password=Other%21pw";
    assertEquals("Incorrect port value : ****@127.0.0.1; also **** and ****",
        JdbcUrl.masked("Incorrect port value : Zq9Secret@127.0.0.1; also Other!pw and configured",
            url, "configured"));
  }
}
