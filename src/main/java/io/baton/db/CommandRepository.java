package io.baton.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * baton_command: operator actions as durable rows. Any node inserts one; the node that runs the
 * chain carries it out and writes the outcome; the node that accepted it reads the outcome back.
 */
public final class CommandRepository {
  public enum Verb { TRIGGER, CANCEL, RERUN, SWITCH }

  public enum State { PENDING, DONE, REFUSED }

  /** What was asked: {@code runId} for CANCEL and RERUN, {@code argument} for SWITCH (ON/OFF) and RERUN. */
  public record Request(long chainId, Verb verb, Long runId, String argument, String requestedBy) {}

  /** A command row; {@code outcome}, {@code resultRunId} and {@code handledBy} are set once handled. */
  public record Command(long id, Request request, Instant requestedAt, State state, String outcome,
      Long resultRunId, String handledBy) {}

  /** How a command ended, as the node that carried it out reports it. */
  public record Outcome(boolean done, String text, Long resultRunId, String handledBy) {}

  private static final String COLUMNS = "id, chain_id, verb, run_id, argument, requested_by, requested_at, state,"
      + " outcome, result_run_id, handled_by";

  private final DataSource dataSource;
  /** Told of each command accepted through this repository (this node's API). */
  private volatile Runnable onAccepted = () -> { };

  public CommandRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** {@code listener} is told of each command this node accepts, once its row is durable. */
  public void onAccepted(Runnable listener) {
    onAccepted = listener;
  }

  /** Accepts a command: once this returns its row is durable. Returns its id. */
  public long insert(Request r, Instant at) {
    long id = insertRow(r, at);
    onAccepted.run();
    return id;
  }

  private long insertRow(Request r, Instant at) {
    return Jdbc.autoCommit(dataSource, "accepting a command", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO baton_command (chain_id, verb, run_id, argument,"
          + " requested_by, requested_at, state) VALUES (?, ?, ?, ?, ?, ?, 'PENDING')", Statement.RETURN_GENERATED_KEYS)) {
        ps.setLong(1, r.chainId());
        ps.setString(2, r.verb().name());
        Jdbc.setNullableLong(ps, 3, r.runId());
        ps.setString(4, r.argument());
        ps.setString(5, cut(r.requestedBy(), 300));
        Jdbc.setUtc(ps, 6, at);
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          return keys.getLong(1);
        }
      }
    });
  }

  public Optional<Command> find(long id) {
    return Jdbc.autoCommit(dataSource, "reading command " + id, c ->
        select(c, "SELECT " + COLUMNS + " FROM baton_command WHERE id = ?", id).stream().findFirst());
  }

  /** Commands not carried out yet, oldest first. */
  public List<Command> pending(int limit) {
    return Jdbc.autoCommit(dataSource, "reading pending commands", c ->
        select(c, "SELECT " + COLUMNS + " FROM baton_command WHERE state = 'PENDING' ORDER BY id LIMIT ?", limit));
  }

  /**
   * Writes a command's outcome; for a SWITCH carried out, {@code jobchain_table.switch} in the same
   * transaction. A command already ended is left as it is.
   */
  public void complete(Command command, Outcome outcome, Instant at) {
    Jdbc.inTransaction(dataSource, "recording the outcome of command " + command.id(), c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE baton_command SET state = ?, outcome = ?,"
          + " result_run_id = ?, handled_by = ?, handled_at = ? WHERE id = ? AND state = 'PENDING'")) {
        ps.setString(1, (outcome.done() ? State.DONE : State.REFUSED).name());
        ps.setString(2, cut(outcome.text(), 2000));
        Jdbc.setNullableLong(ps, 3, outcome.resultRunId());
        ps.setString(4, outcome.handledBy());
        Jdbc.setUtc(ps, 5, at);
        ps.setLong(6, command.id());
        if (ps.executeUpdate() == 0) {
          return null;
        }
      }
      if (outcome.done() && command.request().verb() == Verb.SWITCH) {
        try (PreparedStatement ps = c.prepareStatement("UPDATE jobchain_table SET switch = ? WHERE id = ?")) {
          ps.setString(1, command.request().argument());
          ps.setLong(2, command.request().chainId());
          ps.executeUpdate();
        }
      }
      return null;
    });
  }

  private static List<Command> select(Connection c, String sql, long arg) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, arg);
      List<Command> found = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long runId = rs.getLong("run_id");
          Long run = rs.wasNull() ? null : runId;
          long result = rs.getLong("result_run_id");
          Long resultRun = rs.wasNull() ? null : result;
          found.add(new Command(rs.getLong("id"), new Request(rs.getLong("chain_id"), Verb.valueOf(rs.getString("verb")),
              run, rs.getString("argument"), rs.getString("requested_by")), Jdbc.getUtc(rs, "requested_at"),
              State.valueOf(rs.getString("state")), rs.getString("outcome"), resultRun, rs.getString("handled_by")));
        }
      }
      return found;
    }
  }

  private static String cut(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }
}
