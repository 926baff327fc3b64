package io.baton;

import io.baton.cli.ActionVerbs;
import io.baton.cli.ChainsVerb;
import io.baton.cli.LogsVerb;
import io.baton.cli.PreviewVerb;
import io.baton.cli.RunsVerb;
import io.baton.cli.ShowVerb;
import io.baton.cli.StatusVerb;
import io.baton.cli.ValidateVerb;
import io.baton.config.BatonSettings;
import io.baton.config.ConfigLoader;
import io.baton.config.ConfigurationException;
import io.baton.db.DatabaseException;
import io.baton.db.StatusRepository;
import io.baton.node.Node;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command line of Baton: {@code baton start [--config FILE]} runs a node; the other verbs are
 * clients of a running node's HTTP API.
 */
@Command(name = "baton", mixinStandardHelpOptions = true, version = "Baton 0.1",
    scope = CommandLine.ScopeType.INHERIT, // every verb gets --help and --version
    description = "Event-driven job-chain scheduler.",
    subcommands = {Baton.Start.class, Baton.BenchCommand.class, StatusVerb.class, ChainsVerb.class, RunsVerb.class,
        ShowVerb.class, LogsVerb.class, ActionVerbs.Trigger.class, ActionVerbs.Cancel.class, ActionVerbs.Rerun.class,
        ActionVerbs.Switch.class, PreviewVerb.class, ValidateVerb.class})
public final class Baton implements Runnable {

  /** Exit code of a configuration or start-up error. */
  static final int START_FAILED = 2;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Baton()).setParameterExceptionHandler(Baton::usageError).execute(args));
  }

  /** A malformed command line: one line naming the mistake and where the verb's help is, exit 2. */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    String help = command.getCommandSpec().qualifiedName();
    String message = e.getMessage().replaceFirst("^Error: ", "");
    System.err.println("baton: " + message + " (see " + help + " --help)");
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  @Command(name = "bench", description = "Run a benchmark workload (W0-W7) against MariaDB.")
  static final class BenchCommand implements Callable<Integer> {
    @picocli.CommandLine.Parameters(paramLabel = "WORKLOAD", description = "W0 to W7")
    String workload;

    @Option(names = "--scale", description = "fraction of the full workload (default 1)")
    double scale = 1;

    @Option(names = "--server", description = "MariaDB server URL (default jdbc:mysql://127.0.0.1:3306/)")
    String server = "jdbc:mysql://127.0.0.1:3306/";

    @Option(names = "--user")
    String user = "root";

    @Option(names = "--password")
    String password = "";

    @Option(names = "--results", description = "file the table is appended to (default bench/RESULTS.md)")
    Path results = Path.of("bench", "RESULTS.md");

    @Override
    public Integer call() throws Exception {
      io.baton.bench.Bench.run(workload, scale, server, user, password, results);
      return 0;
    }
  }

  @Command(name = "start", description = "Run a node in the foreground until SIGTERM.")
  static final class Start implements Callable<Integer> {
    private static final java.time.Duration RESTART_PAUSE = java.time.Duration.ofSeconds(5);

    @Option(names = "--config", paramLabel = "FILE", description = "configuration file (default ./application.conf)")
    Path config;

    @Override
    public Integer call() {
      BatonSettings settings;
      AtomicReference<Node> node = new AtomicReference<>();
      try {
        settings = BatonSettings.from(ConfigLoader.load(config, System.getenv()));
        node.set(Node.start(settings));
      } catch (ConfigurationException | DatabaseException | Node.StartException e) {
        System.err.println("baton: cannot start: " + e.getMessage());
        return START_FAILED;
      }
      // SIGTERM (service managers) and SIGINT (Ctrl-C) stop the node gracefully and the process
      // exits 0 once the stop completed: the JVM's default would report 143 or 130, a failure.
      CountDownLatch stopping = new CountDownLatch(1); // open once SIGTERM or SIGINT came
      for (String name : new String[] {"TERM", "INT"}) {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
          stopping.countDown();
          node.get().stopInBackground();
        });
      }
      while (true) {
        int code = node.get().awaitTermination();
        if (!node.get().downedByCluster() || stopping.getCount() == 0) {
          return code;
        }
        // the others removed this node from the cluster while it was unreachable; it stopped as
        // a SIGTERM stops it, and comes back as a new member, standing by until it leads again
        LoggerFactory.getLogger(Baton.class).warn("the cluster downed this node (it was frozen, or cut off from the"
            + " other nodes or from the database); starting it again to join the cluster anew");
        Node again = startAgain(settings, stopping);
        if (again == null) {
          return stopping.getCount() == 0 ? 0 : START_FAILED;
        }
        node.set(again);
        if (stopping.getCount() == 0) { // SIGTERM came while it started
          again.stopInBackground();
        }
      }
    }

    /**
     * A new node in place of a downed one; while the database is unreachable, tried again every few
     * seconds. Null if it cannot start, or SIGTERM came meanwhile.
     */
    private static Node startAgain(BatonSettings settings, CountDownLatch stopping) {
      while (stopping.getCount() > 0) {
        try {
          return Node.start(settings);
        } catch (StatusRepository.NameTakenException e) { // another process runs under this name now
          System.err.println("baton: cannot start again after the cluster downed this node: " + e.getMessage());
          return null;
        } catch (DatabaseException e) {
          LoggerFactory.getLogger(Baton.class).warn("cannot start again yet ({}); trying again in {} s", e.getMessage(),
              RESTART_PAUSE.toSeconds());
          try {
            if (stopping.await(RESTART_PAUSE.toMillis(), TimeUnit.MILLISECONDS)) {
              return null;
            }
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return null;
          }
        } catch (ConfigurationException | Node.StartException e) {
          System.err.println("baton: cannot start again after the cluster downed this node: " + e.getMessage());
          return null;
        }
      }
      return null;
    }
  }
}
