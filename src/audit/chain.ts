/**
 * The audit log as a hash chain: each entry commits to its content and to the entry before it, so
 * an edit, a deletion or a reordering anywhere shows up when the chain is replayed. Pure: the store
 * supplies instants and persists entries; this module only links and checks them.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { Instant } from '../domain/types.js';

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a caller records: who did what to whom, when, with what details. */
export interface AuditEntryInput {
  at: Instant;
  actor: string;
  action: string;
  subjectId: string | null;
  /** JSON-safe details (no NaN, Infinity, cycles or lone surrogates); `undefined` is recorded as `null`. */
  data: unknown;
  /**
   * Further subjects the entry is about (a batch of checks), indexed so each one's access log
   * finds it: the first such entry per subject, UTC day, actor and `subjectsKey`. Not hashed on
   * its own: `data` must name them, so the chain covers them.
   */
  subjects?: string[];
  /** What groups repeated entries for the index (the action checked); default the entry's action. */
  subjectsKey?: string;
}

/** An entry as stored: numbered from 1 and linked to its predecessor. */
export interface AuditEntry extends AuditEntryInput {
  seq: number;
  prevHash: string;
  hash: string;
}

/** The first thing wrong with a chain, named by the sequence number an operator should look at. */
export interface AuditProblem {
  seq: number;
  reason: string;
  /** The chain holds, but an index kept beside it (receipts, access logs) does not match it. */
  index?: true;
}

/** The outcome of verifying a chain: its length and head hash, or the first problem. */
export type AuditVerification = { ok: true; count: number; head: string } | { ok: false; problem: AuditProblem };

/** A trusted point to verify from: the last entry already known good (`{ seq: 0, hash: GENESIS_HASH }` for the start). */
export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * SHA-256 (hex) of the RFC 8785 canonical JSON of the entry's fields. Canonical JSON makes the hash
 * independent of key order and number formatting, so it survives a round trip through any store.
 * Only the listed fields are hashed: columns a store adds (row ids, indexes) do not matter.
 */
export function hashAuditEntry(e: Omit<AuditEntry, 'hash'>): string {
  const json = canonicalJson({
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    action: e.action,
    subjectId: e.subjectId,
    // JSON has no undefined; normalising here keeps a hash stable once the entry is stored and read back.
    data: e.data === undefined ? null : e.data,
    prevHash: e.prevHash,
  });
  return createHash('sha256').update(json, 'utf8').digest('hex');
}

/** Numbers and links new entries after `head` (the chain's last entry, or `null` for an empty log). */
export function chainEntries(head: ChainHead | null, inputs: AuditEntryInput[]): AuditEntry[] {
  let seq = head ? head.seq : 0;
  let prevHash = head ? head.hash : GENESIS_HASH;
  const out: AuditEntry[] = [];
  for (const input of inputs) {
    seq += 1;
    const base = {
      seq,
      at: input.at,
      actor: input.actor,
      action: input.action,
      subjectId: input.subjectId,
      data: input.data === undefined ? null : input.data,
      prevHash,
    };
    const hash = hashAuditEntry(base);
    out.push({ ...base, hash });
    prevHash = hash;
  }
  return out;
}

/**
 * Verifies a chain one entry at a time, so that a log of any size can be streamed from the store.
 * It stops at the first problem: after a break, every later link is suspect, and the first break is
 * where an investigation starts.
 */
export class ChainVerifier {
  #lastSeq: number;
  #lastHash: string;
  #count = 0;
  #problem: AuditProblem | null = null;

  /** Starts at the genesis, or after a trusted entry when verifying only the tail of a long log. */
  constructor(from: ChainHead = { seq: 0, hash: GENESIS_HASH }) {
    this.#lastSeq = from.seq;
    this.#lastHash = from.hash;
  }

  /** Checks the next entry; returns the chain's first problem, now or from an earlier push, or `null`. */
  push(entry: AuditEntry): AuditProblem | null {
    if (this.#problem) return this.#problem;
    const problem = this.#check(entry);
    if (problem) {
      this.#problem = problem;
      return problem;
    }
    this.#lastSeq = entry.seq;
    this.#lastHash = entry.hash;
    this.#count += 1;
    return null;
  }

  /** The verdict so far: how many entries checked out and the head hash, or the first problem. */
  result(): AuditVerification {
    return this.#problem
      ? { ok: false, problem: this.#problem }
      : { ok: true, count: this.#count, head: this.#lastHash };
  }

  #check(entry: AuditEntry): AuditProblem | null {
    const expected = this.#lastSeq + 1;
    if (!Number.isSafeInteger(entry.seq)) {
      return { seq: expected, reason: `entry ${expected}: sequence number ${String(entry.seq)} is not an integer` };
    }
    if (entry.seq !== expected) return { seq: entry.seq, reason: this.#seqReason(entry.seq) };

    let actual: string;
    try {
      actual = hashAuditEntry(entry);
    } catch (e) {
      return { seq: entry.seq, reason: `entry ${entry.seq}: content cannot be hashed (${(e as Error).message})` };
    }
    if (actual !== entry.hash) {
      return { seq: entry.seq, reason: `entry ${entry.seq}: content does not match its hash (edited?)` };
    }
    if (entry.prevHash !== this.#lastHash) {
      return { seq: entry.seq, reason: `entry ${entry.seq}: previous-hash link broken` };
    }
    return null;
  }

  #seqReason(seq: number): string {
    const last = this.#lastSeq;
    const after = last === 0 ? 'is the first entry' : `follows ${last}`;
    if (seq <= last) return `entry ${seq} ${after}: out of order or duplicated`;
    const missing = seq - last - 1 === 1 ? `entry ${last + 1} missing` : `entries ${last + 1}–${seq - 1} missing`;
    return `entry ${seq} ${after}: ${missing}`;
  }
}

/** Verifies a whole chain from the genesis (or from a trusted head). */
export function verifyChain(entries: Iterable<AuditEntry>, from?: ChainHead): AuditVerification {
  const v = new ChainVerifier(from);
  for (const e of entries) {
    if (v.push(e)) break;
  }
  return v.result();
}
