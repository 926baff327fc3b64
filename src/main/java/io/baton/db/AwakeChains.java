package io.baton.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * baton_awake_chain: which chains of a shard a node taking the shard must wake, and when. A chain's
 * row says it is awake before its actor does anything; when it goes to sleep, the outcome writer
 * (after the chain's last outcome) writes when it must be woken. A chain without a row has never run
 * since the table exists: it is woken before its next fire from now.
 */
public final class AwakeChains {

  /** A chain actor that has started: {@code token} tells it from the chain's earlier actors. */
  public record Awake(long chainId, int shard, long token) {}

  /**
   * A chain's row: awake, or asleep until {@code wakeAt} (null: nothing to wake it for), owing no
   * fire before {@code firesFrom} (or null).
   */
  public record Row(boolean awake, Instant wakeAt, Instant firesFrom) {}

  private final DataSource dataSource;

  public AwakeChains(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Records the chains as awake (one statement for all of them). */
  public void register(List<Awake> chains) {
    if (chains.isEmpty()) {
      return;
    }
    Jdbc.autoCommit(dataSource, "recording " + chains.size() + " chain(s) as awake", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO baton_awake_chain (chain_id, shard_no, wake_token, awake) VALUES (?, ?, ?, 1)"
              + " ON DUPLICATE KEY UPDATE shard_no = VALUES(shard_no), wake_token = VALUES(wake_token), awake = 1,"
              + " wake_at = NULL, fires_from = NULL")) {
        for (Awake a : chains) {
          ps.setLong(1, a.chainId());
          ps.setInt(2, a.shard());
          ps.setLong(3, a.token());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  /**
   * The rows of the shard's chains. A row whose values cannot be read (written by hand: a zero
   * date, say) reads as awake: its chain is woken and writes it anew.
   */
  public Map<Long, Row> ofShard(int shard) {
    return Jdbc.autoCommit(dataSource, "reading the awake chains of shard " + shard, c -> {
      Map<Long, Row> rows = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT chain_id, awake, wake_at, fires_from FROM baton_awake_chain WHERE shard_no = ?")) {
        ps.setInt(1, shard);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long chainId = rs.getLong("chain_id");
            Row row;
            try {
              row = new Row(rs.getInt("awake") != 0, Jdbc.getUtc(rs, "wake_at"), Jdbc.getUtc(rs, "fires_from"));
            } catch (java.sql.SQLException | RuntimeException e) {
              row = new Row(true, null, null);
            }
            rows.put(chainId, row);
          }
        }
      }
      return rows;
    });
  }
}
