package io.baton.node;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * Reads an empty journal entry at start and stops: the journal plugin and its connection pool
 * are then ready before this node is elected, so a standby's takeover does not wait for them.
 */
final class JournalWarmUp extends EventSourcedBehavior<Object, Object, Object> {

  private JournalWarmUp() {
    super(PersistenceId.ofUniqueId("baton-warm-up"));
  }

  static Behavior<Object> create() {
    return new JournalWarmUp();
  }

  @Override
  public Object emptyState() {
    return "";
  }

  @Override
  public CommandHandler<Object, Object, Object> commandHandler() {
    return newCommandHandlerBuilder().forAnyState().onAnyCommand(command -> Effect().stop());
  }

  @Override
  public EventHandler<Object, Object> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> state);
  }

  @Override
  public SignalHandler<Object> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), state -> { }).build();
  }
}
