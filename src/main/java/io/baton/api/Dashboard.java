package io.baton.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** The web dashboard: a few static files inside the jar, no build step. */
final class Dashboard {
  private static final String FOLDER = "/io/baton/api/dashboard/";
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "png", "image/png",
      "svg", "image/svg+xml");

  private Dashboard() {}

  interface Routes {
    void add(String method, String path, HttpApi.Handler handler);
  }

  static void routes(Routes routes) {
    routes.add("GET", "/", ex -> file(ex, "index.html"));
    routes.add("GET", "/dashboard/([A-Za-z0-9_-]+\\.(?:html|js|css|png|svg))", ex -> file(ex, ex.pathParams.get(0)));
  }

  private static void file(Exchange ex, String name) throws IOException {
    try (InputStream in = Dashboard.class.getResourceAsStream(FOLDER + name)) {
      if (in == null) {
        throw ApiException.notFound("no such file: " + name);
      }
      String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
      ex.send(200, type, in.readAllBytes());
    }
  }
}
