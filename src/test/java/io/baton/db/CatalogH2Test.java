package io.baton.db;

/** CatalogContract on an embedded H2 file database, as a node without a configured url uses. */
class CatalogH2Test extends CatalogContract {
  CatalogH2Test() {
    super(Kind.H2);
  }
}
