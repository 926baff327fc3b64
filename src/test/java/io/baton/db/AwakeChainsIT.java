package io.baton.db;

/** AwakeChainsContract on MariaDB. */
class AwakeChainsIT extends AwakeChainsContract {
  AwakeChainsIT() {
    super(Kind.MARIADB);
  }
}
