package io.baton.db;

/** LeaseTableContract on a fresh MariaDB database. */
class LeaseTableIT extends LeaseTableContract {
  LeaseTableIT() {
    super(Kind.MARIADB);
  }
}
