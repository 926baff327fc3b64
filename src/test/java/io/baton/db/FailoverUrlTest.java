package io.baton.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FailoverUrlTest {
  @Test
  void connectorJUrlsBecomeOneMultiHostFailoverUrl() {
    assertEquals("jdbc:mysql://db1:3306,db2:3307/schedulerDB?useSSL=false&failOverReadOnly=false",
        FailoverUrl.combine("jdbc:mysql://db1:3306/schedulerDB?useSSL=false", "jdbc:mysql://db2:3307/schedulerDB"));
  }

  @Test
  void mariadbUrlsUseTheSequentialMode() {
    assertEquals("jdbc:mariadb:sequential://db1,db2/schedulerDB",
        FailoverUrl.combine("jdbc:mariadb://db1/schedulerDB", "jdbc:mariadb://db2/schedulerDB"));
  }

  @Test
  void mixedDriversAreRefusedWithTheKeysNamed() {
    DatabaseException e = assertThrows(DatabaseException.class,
        () -> FailoverUrl.combine("jdbc:mysql://db1/x", "jdbc:mariadb://db2/x"));
    assertTrue(e.getMessage().contains("baton.db.bkp.url"), e.getMessage());
  }
}
