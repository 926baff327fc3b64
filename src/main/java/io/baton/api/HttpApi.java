package io.baton.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.baton.config.BatonSettings.HttpSettings;
import io.baton.db.DatabaseException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP surface on the JDK's own server: the JSON API under /api/v1/, the dashboard at /,
 * /metrics, /health and /ready. Handlers run on a small pool of their own (they read the database
 * and files, which blocks), never on the actors' threads.
 */
public final class HttpApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  /** Handler threads: reads are short; a followed log holds one while it streams (at most {@link LogReader#FOLLOWERS}). */
  private static final int THREADS = 48;
  private static final int REQUEST_READ_SECONDS = 10;

  /** Thrown when the port cannot be bound; its message is the operator's line. */
  public static final class BindFailed extends RuntimeException {
    BindFailed(String message) {
      super(message);
    }
  }

  @FunctionalInterface
  interface Handler {
    void handle(Exchange exchange) throws IOException;
  }

  private record Route(String method, Pattern path, Handler handler) {}

  private final HttpServer server;
  private final ExecutorService pool;
  private final List<Route> routes = new ArrayList<>();
  private volatile boolean started;

  private HttpApi(HttpServer server) {
    this.server = server;
    this.pool = Executors.newFixedThreadPool(THREADS, runnable -> {
      Thread thread = new Thread(runnable, "baton-http");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Binds the port at once, so a node whose port is taken stops before it claims anything. */
  public static HttpApi bind(HttpSettings settings) {
    // a client that sends its request slowly (or never finishes it) loses its connection after
    // this many seconds instead of holding a handler thread: read by the JDK server when first used
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", String.valueOf(REQUEST_READ_SECONDS));
    }
    // the server looks for such clients every 5 s instead of every second (its own timer thread
    // woke an idle node each second): a slow client is cut off 10 to 15 s after its request began
    if (System.getProperty("sun.net.httpserver.timerMillis") == null) {
      System.setProperty("sun.net.httpserver.timerMillis", "5000");
    }
    try {
      return new HttpApi(HttpServer.create(new InetSocketAddress(settings.bind(), settings.port()), 64));
    } catch (BindException e) {
      throw new BindFailed("baton.http.port " + settings.port() + " on " + settings.bind()
          + " cannot be bound (" + e.getMessage() + "): another program (or node) uses it; set baton.http.port");
    } catch (IOException | RuntimeException e) {
      throw new BindFailed("baton.http.bind '" + settings.bind() + "' / baton.http.port " + settings.port()
          + " cannot be used (" + e.getMessage() + "): the bind address must be one of this host's addresses");
    }
  }

  /** The port the server listens on (the one chosen when baton.http.port is 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Registers every route and starts answering. */
  public void start(ApiContext context) {
    Reads reads = new Reads(context);
    Actions actions = new Actions(context);
    LogReader logs = new LogReader(context);
    Preview preview = new Preview(context);
    route("GET", "/health", reads::health);
    route("GET", "/ready", reads::ready);
    route("GET", "/metrics", ex -> ex.send(200, "text/plain; version=0.0.4; charset=utf-8",
        context.metrics().get().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    route("GET", "/api/v1/status", reads::status);
    route("GET", "/api/v1/chains", reads::chains);
    route("GET", "/api/v1/chains/(\\w+)", reads::chain);
    route("GET", "/api/v1/chains/(\\w+)/preview", preview::preview);
    route("GET", "/api/v1/validate", preview::validate);
    route("GET", "/api/v1/runs", reads::runs);
    route("GET", "/api/v1/runs/(\\w+)", reads::run);
    route("GET", "/api/v1/runs/(\\w+)/logs", logs::log);
    route("GET", "/api/v1/commands/(\\w+)", actions::command);
    route("POST", "/api/v1/chains/(\\w+)/trigger", actions::trigger);
    route("POST", "/api/v1/chains/(\\w+)/switch", actions::switchChain);
    route("POST", "/api/v1/runs/(\\w+)/cancel", actions::cancel);
    route("POST", "/api/v1/runs/(\\w+)/rerun", actions::rerun);
    Dashboard.routes(this::route);
    server.createContext("/", this::dispatch);
    server.setExecutor(pool);
    server.start();
    started = true;
  }

  void route(String method, String path, Handler handler) {
    routes.add(new Route(method, Pattern.compile(path), handler));
  }

  private void dispatch(HttpExchange http) {
    try (http) {
      String path = http.getRequestURI().getPath();
      String method = "HEAD".equals(http.getRequestMethod()) ? "GET" : http.getRequestMethod();
      boolean pathKnown = false;
      for (Route route : routes) {
        Matcher m = route.path().matcher(path);
        if (!m.matches()) {
          continue;
        }
        pathKnown = true;
        if (route.method().equals(method)) {
          List<String> params = new ArrayList<>();
          for (int i = 1; i <= m.groupCount(); i++) {
            params.add(m.group(i));
          }
          answer(route.handler(), new Exchange(http, params));
          return;
        }
      }
      Exchange exchange = new Exchange(http, List.of());
      if (pathKnown) {
        error(exchange, 405, http.getRequestMethod() + " is not allowed on " + path);
      } else {
        error(exchange, 404, "no such resource: " + path);
      }
    } catch (IOException | RuntimeException e) {
      log.debug("HTTP exchange ended early: {}", e.toString()); // the client went away
    }
  }

  private static void answer(Handler handler, Exchange exchange) throws IOException {
    try {
      handler.handle(exchange);
    } catch (ApiException e) {
      error(exchange, e.status(), e.getMessage());
    } catch (DatabaseException e) {
      error(exchange, 503, "the database cannot be reached: " + e.getMessage());
    } catch (RuntimeException e) {
      log.error("{} {} failed", exchange.method(), exchange.http.getRequestURI(), e);
      error(exchange, 500, "internal error: " + e);
    }
  }

  static void error(Exchange exchange, int status, String message) throws IOException {
    exchange.json(status, Map.of("error", message));
  }

  @Override
  public void close() {
    if (!started) {
      // a JDK HttpServer that never started keeps its listening socket through stop(): a node that
      // failed to start, and starts again in the same process, could not bind its port again
      server.start();
    }
    server.stop(0);
    pool.shutdownNow();
    try {
      pool.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
