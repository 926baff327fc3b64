package io.baton.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** A database that cannot be used ends the start-up with one line naming it and the cause. */
class DatabaseErrorsIT {
  @Test
  void anUnreachableServer() throws IOException {
    // a port bound but not listening refuses connections, and no other test can take it meanwhile
    try (Socket held = new Socket()) {
      held.bind(new InetSocketAddress("127.0.0.1", 0));
      for (String scheme : new String[] {"mysql", "mariadb"}) {
        String url = "jdbc:" + scheme + "://127.0.0.1:" + held.getLocalPort() + "/x";
        DatabaseException e = assertThrows(DatabaseException.class,
            () -> Database.open(url, "root", "", null));
        assertEquals("database " + url + " is unreachable: Connection refused", e.getMessage());
      }
    }
  }

  @Test
  void aDatabaseThatDoesNotExist() {
    for (String scheme : new String[] {"mysql", "mariadb"}) {
      String url = "jdbc:" + scheme + "://" + TestDatabases.HOST + "/baton_it_nope";
      DatabaseException e = assertThrows(DatabaseException.class,
          () -> Database.open(url, TestDatabases.USER, TestDatabases.PASSWORD, null));
      assertEquals("database " + url + ": database 'baton_it_nope' does not exist",
          e.getMessage());
    }
  }

  @Test
  void aUserWhoMayNotLogIn() {
    for (String scheme : new String[] {"mysql", "mariadb"}) {
      String url = "jdbc:" + scheme + "://" + TestDatabases.HOST + "/mysql";
      DatabaseException e = assertThrows(DatabaseException.class,
          () -> Database.open(url, "baton_it_nobody", "wrong", null));
      assertEquals("database " + url + ": access denied for user 'baton_it_nobody'",
          e.getMessage());
    }
  }
}
