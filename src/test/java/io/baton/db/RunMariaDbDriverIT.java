package io.baton.db;

/**
 * RunContract through the MariaDB driver (jdbc:mariadb://): its time conversions for the
 * original TIMESTAMP columns must round-trip just as Connector/J's do.
 */
class RunMariaDbDriverIT extends RunContract {
  private String url;

  @Override
  protected Database openFresh() {
    url = TestDatabases.mariadbDriverUrl(TestDatabases.createMariaDb());
    return Database.open(url, TestDatabases.USER, TestDatabases.PASSWORD, null);
  }

  @Override
  protected void dispose(Database db) {
    db.close();
    TestDatabases.drop(url);
  }
}
