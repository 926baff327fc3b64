package io.baton.db;

import java.net.URI;

/**
 * The main and backup ("bkp") connections of the original scheduler as one failover URL, so the
 * driver does the failing over: Connector/J's multi-host failover (first host first, the next when
 * it cannot be reached) or the MariaDB driver's "sequential" mode. Both connections must name the
 * same database with the same driver; the main URL's parameters are kept.
 */
public final class FailoverUrl {
  private FailoverUrl() {}

  public static String combine(String mainUrl, String bkpUrl) {
    Parts main = Parts.of(mainUrl);
    Parts bkp = Parts.of(bkpUrl);
    if (!main.scheme().equals(bkp.scheme())) {
      throw new DatabaseException("baton.db.bkp.url (" + bkpUrl + ") must use the same driver as baton.db.main.url ("
          + mainUrl + ")");
    }
    String hosts = main.hosts() + "," + bkp.hosts();
    String query = main.query().isEmpty() ? "" : "?" + main.query();
    if (main.scheme().equals("mysql")) {
      // failOverReadOnly=false: the backup is written to like the main server
      query += (query.isEmpty() ? "?" : "&") + "failOverReadOnly=false";
      return "jdbc:mysql://" + hosts + "/" + main.database() + query;
    }
    return "jdbc:mariadb:sequential://" + hosts + "/" + main.database() + query;
  }

  private record Parts(String scheme, String hosts, String database, String query) {
    static Parts of(String url) {
      if (!url.startsWith("jdbc:mysql://") && !url.startsWith("jdbc:mariadb://")) {
        throw new DatabaseException("a backup connection needs jdbc:mysql:// or jdbc:mariadb:// URLs, not " + url);
      }
      URI uri = URI.create(url.substring("jdbc:".length()));
      String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
      return new Parts(uri.getScheme(), uri.getRawAuthority(), path, uri.getRawQuery() == null ? "" : uri.getRawQuery());
    }
  }
}
