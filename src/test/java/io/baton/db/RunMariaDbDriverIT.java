package io.baton.db;

/**
 * RunContract through the MariaDB driver (jdbc:mariadb://): its time conversions for the
 * original TIMESTAMP columns must round-trip just as Connector/J's do.
 */
class RunMariaDbDriverIT extends RunContract {
  RunMariaDbDriverIT() {
    super(Kind.MARIADB_DRIVER);
  }
}
