/**
 * The change feed: which subjects' stored states were saved, in order, for readers that keep
 * something derived from them (the gate's in-memory view) up to date.
 */
import type { Instant } from '../../domain/types.js';

export interface ChangeFeedPort {
  /**
   * The change feed: the subjects whose stored state was saved after `afterSeq`, oldest first,
   * with the feed position reached and the first position returned (above `afterSeq + 1` when rows
   * were pruned: the reader missed changes and must rebuild). Every `saveStates` adds to it.
   */
  stateChangesSince(afterSeq: number, limit: number): Promise<{ seq: number; subjectIds: string[]; firstSeq: number | null }>;
  /**
   * Optional: calls `onChange` soon after any process commits a `saveStates` (PostgreSQL: LISTEN
   * on the channel `saveStates` notifies). A reader then follows the feed at once instead of at
   * its next poll. Returns a function that stops watching.
   */
  watchStateChanges?(onChange: () => void, onError?: (err: Error) => void): Promise<() => Promise<void>>;
  /** The feed position now (0 when empty). */
  stateChangeHead(): Promise<number>;
  /** Drops feed rows older than `before` (readers that far behind rebuild instead). */
  pruneStateChanges(before: Instant): Promise<number>;
}
