package io.baton.db;

/** LeaseTableContract on an embedded H2 file database. */
class LeaseTableH2Test extends LeaseTableContract {
  LeaseTableH2Test() {
    super(Kind.H2);
  }
}
