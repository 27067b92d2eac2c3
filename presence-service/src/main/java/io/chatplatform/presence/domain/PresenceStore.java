package io.chatplatform.presence.domain;

import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/**
 * The registry of sockets (sessions) and the state derived from it: each user's shown status,
 * and who is typing where. Implementations: {@link MemoryPresenceStore} (one instance, embedded
 * default) and {@link RedisPresenceStore} (shared by every presence-service instance). Both pass
 * the same contract tests.
 *
 * <p>Guarantees: every operation is atomic; connect and disconnect cost a constant amount of work
 * whatever the number of users, sessions or rooms. "Shown" is the status last announced to other
 * users; an operation reports {@code changed} only when it moves the shown status, so an event
 * is announced once per real change, whichever instance handled it.
 *
 * <p>Failures: an operation the store cannot do (unreachable, no answer within its command
 * timeout) fails with a {@link io.chatplatform.contracts.ServiceException} {@code unavailable},
 * never anything else. A store may lose its data (a Redis restarted without persistence):
 * {@link #registryLost} tells, and {@link #restore} writes back what an instance remembers.
 */
public interface PresenceStore {

  /** A socket of a user on a gateway node. */
  record Session(String userId, String sessionId, String nodeId, String device) {}

  /** The user's presence after an operation, and whether the shown status moved. */
  record Change(Presence presence, boolean changed) {}

  /**
   * After a disconnect: whether the session was known, how many sessions the user has left, and
   * the rooms where this session was typing (their typing state is cleared).
   */
  record Disconnected(boolean known, int sessionsLeft, List<String> typingRooms) {}

  /** Registers the session (and keeps its node alive). Changed when the user was shown offline. */
  Future<Change> connect(Session session, long now);

  /** Drops the session; with no session left the user's {@code lastSeen} becomes {@code now}. */
  Future<Disconnected> disconnect(Session session, long now);

  /** Shows the user offline if they still have no session. Called once a grace period has passed. */
  Future<Change> settle(String userId);

  /** Records the user's chosen status (chosen at {@code now}); changed when it moves what others see. */
  Future<Change> setStatus(String userId, String status, long now);

  /** The node is alive for the store's node TTL from now; false when it was not known alive. */
  Future<Boolean> heartbeat(String nodeId, long now);

  /**
   * Drops the sessions of nodes whose heartbeat expired; answers the users left without any
   * session (their {@code lastSeen} is {@code now}), who then need {@link #settle}.
   */
  Future<List<String>> reap(long now);

  /** The presence of each user, in the order asked. */
  Future<List<Presence>> get(List<String> userIds);

  /** Those of the users whose chosen status is {@code dnd}, whether or not a socket of theirs is connected. */
  Future<Set<String>> inDoNotDisturb(List<String> userIds);

  /**
   * What others were last shown of the user: the status last announced ({@code offline} if none),
   * with {@code lastSeen}. Unlike {@link #get}, a user whose last socket closed reads as shown
   * until {@link #settle}.
   */
  Future<Presence> shown(String userId);

  /**
   * The user types in the room (from this session); typing lasts {@code timeoutMs} from now.
   * True when this {@code typing:true} should be forwarded: the user was not typing there, or the
   * last forwarded one is at least {@code throttleMs} old.
   */
  Future<Boolean> typingStarted(Session session, String roomId, long now, long throttleMs, long timeoutMs);

  /** The user stopped typing in the room; true when they were typing (so others must be told). */
  Future<Boolean> typingStopped(String userId, String roomId);

  /** Clears the user's typing in the room if it is past its deadline; true when it was cleared. */
  Future<Boolean> typingExpired(String userId, String roomId, long now);

  /**
   * What an instance remembers of a user, to write back after the store lost its data: the status
   * they chose ({@code null} if not remembered) and when, the status others were last shown
   * ({@code null} if not remembered).
   */
  record Remembered(String userId, String chosen, long chosenAt, String shown) {}

  /**
   * True, once per instance and loss, when the store lost its data since this instance last
   * asked (or since it opened the store). The first instance to notice opens a rebuild window of
   * one node TTL, during which a user without a reported socket reads as last shown, and every
   * node's next heartbeat answers false (its sockets are unknown), so that gateways report them
   * again.
   */
  Future<Boolean> registryLost();

  /**
   * Writes back what this instance remembers: a chosen status only over an older one, a shown
   * status only where none is known. A user whose sockets were reported again and who is shown
   * otherwise than chosen gets the chosen status (changed). One change per user, in order.
   */
  Future<List<Change>> restore(List<Remembered> remembered);

  /**
   * The sockets registered, on every node (those of dead nodes until they are reaped), for the
   * online gauge. Costs one step per node, not per socket; distinct users are not counted, which
   * would cost one per socket.
   */
  Future<Long> sessionsOnline();

  /** Succeeds when the store answers (readiness). */
  Future<Void> ping();

  Future<Void> close();
}
