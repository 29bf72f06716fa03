/**
 * Derived state: the dirty marks that queue subjects for rescoring, the stored state of each
 * subject (scores, grades, list entries, own and related), and the scans that rebuild from it.
 */
import type { AuditEntryInput } from '../../audit/index.js';
import type { Instant, ListEntry, SubjectKind, SubjectState } from '../../domain/types.js';
import type { NoticeRow } from './cases.js';
import type { SubjectBasic } from './records.js';

export interface SaveStates {
  states: SubjectState[];
  /** Entries that bind persons through an organisation, replacing all earlier ones owned by `ownerId`. */
  related: { ownerId: string; entries: ListEntry[] }[];
  /**
   * Subjects whose pending rescore this save completes. With a `mark` (from `dirtyMarks`, read
   * before their records were), a subject marked again since then stays dirty.
   */
  clearDirty: { id: string; mark?: number }[];
  /** Notices the change owes its subjects (a listing pending, in effect, ended), written with it. */
  notices?: NoticeRow[];
  /** A hash of each state's content, parallel to `states`, kept so an unchanged state need not be rewritten. */
  hashes?: string[];
  audit: AuditEntryInput | null;
}

export interface StoredState {
  state: SubjectState;
  /** Entries that reach this subject through a legal role in an organisation. */
  related: ListEntry[];
}

export interface EntryQuery {
  list: string;
  statuses?: ListEntry['status'][];
  limit: number;
  /** Keyset pagination: entries with id greater than this. */
  after?: string;
}

/** A page of `latestEntries`. */
export interface LatestEntries {
  lists: string[];
  status: ListEntry['status'];
  kinds: SubjectKind[];
  sinceAtMost: Instant;
  before?: { since: Instant; id: string };
  limit: number;
}

export interface StatePort {
  /** Subjects marked for rescoring, oldest first. */
  dirtySubjects(limit: number): Promise<string[]>;
  markDirty(subjectIds: string[]): Promise<void>;
  /** The current dirty marks of these subjects (those not dirty are absent). */
  dirtyMarks(subjectIds: string[]): Promise<Map<string, number>>;
  /** Subjects whose stored state changes by the passage of time at or before `now` (escalation, expiry, …). */
  dueSubjects(now: Instant, limit: number): Promise<string[]>;
  /** Saves states in one transaction, and adds their subjects to the change feed. */
  saveStates(save: SaveStates): Promise<void>;
  getState(subjectId: string): Promise<StoredState | null>;
  /** Pending and active entries of these subjects, own and related. */
  enforceableEntries(subjectIds: string[]): Promise<ListEntry[]>;
  listEntries(q: EntryQuery): Promise<ListEntry[]>;
  /**
   * Entries on `lists` in `status` of subjects of `kinds` (own entries: none that reaches a
   * person through an organisation), in effect by `sinceAtMost`, newest first (by `since`, then
   * id, both descending), after the keyset `before`, at most `limit`. The portal's latest list
   * announcements page through it.
   */
  latestEntries(q: LatestEntries): Promise<ListEntry[]>;

  /** Subjects in id order, in pages, with the hash of their stored state (for rescore and gate rebuilds). */
  scanSubjects(pageSize: number): AsyncIterable<(SubjectBasic & { stateHash: string | null })[]>;
  /** Every pending or active entry (gate rebuild). */
  scanEnforceableEntries(): AsyncIterable<ListEntry>;
  /** Grades of every scored subject (gate rebuild). */
  scanGrades(): AsyncIterable<{ subjectId: string; grades: Record<string, string> }>;
}
