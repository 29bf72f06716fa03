/**
 * The PostgreSQL adapter (node-postgres): the Store port for a database shared by many processes,
 * laid out to be distributed with Citus by subject (migrations.ts, docs/scale.md).
 *
 * Every write method is one transaction. Writes are set-based (new rows by COPY, upserts through
 * `unnest` arrays), so a batch costs a handful of round trips, not one per row.
 * `saveStates` notifies `xy_state_changes` on commit: `watchStateChanges` lets an API process
 * follow the change feed as soon as another process writes to it.
 */
import pg from 'pg';
import type { AuditEntryInput } from '../../audit/index.js';
import type { CreditRecord, Instant, ListEntry, Relation, StatusChange, Subject, SubjectKind, SubjectState } from '../../domain/types.js';
import type { EntryQuery, IngestBatch, IngestResult, SaveStates, Store, StoredState, StoreSummary, SubjectBasic } from '../port.js';
import { APPEND_LOCK, PostgresBase, STATE_CHANNEL, copyRows, type Client, type Row } from './postgres-base.js';
import { entryFrom, recordFrom, relationFrom, sameRecordContent, statusFrom, subjectFrom } from '../rows.js';



/** Meta key: the highest feed number pruned, which stays the head while the feed is empty. */
const PRUNED_HEAD = 'state_changes.pruned_head';

export class PostgresStore extends PostgresBase implements Store {

  // ---- subjects and records

  async ingest(batch: IngestBatch): Promise<IngestResult> {
    // New rows go in by COPY, which cannot skip a row another process stored since this batch
    // looked: that fails the transaction with a unique violation, and the batch runs again, now
    // seeing the other process's rows (three tries).
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.ingestOnce(batch);
      } catch (err) {
        if ((err as { code?: string }).code !== '23505' || attempt >= 3) throw err;
      }
    }
  }

  private ingestOnce(batch: IngestBatch): Promise<IngestResult> {
    return this.tx(async (c) => {
      const dirty: [string, Instant][] = [];
      const changed = new Set<string>();
      const at = batch.at ?? Date.now();

      // Subjects: worked out in memory against what is stored, in batch order, then written.
      type Cur = { region: string; name: string; isNew: boolean; touched: boolean };
      const ids = [...new Set(batch.subjects.map((s) => s.id))];
      const cur = new Map<string, Cur>();
      if (ids.length) {
        for (const r of (await c.query('SELECT subject_id, region, name FROM subjects WHERE subject_id = ANY($1::text[])', [ids])).rows as Row[]) {
          cur.set(r.subject_id, { region: r.region, name: r.name, isNew: false, touched: false });
        }
      }
      // A subject known only from a record is stored only if one of its records or roles is: a
      // rejected line must leave nothing behind. Worked out only when such a subject is new.
      let needed: Set<string> | null = null;
      const isNeeded = async (id: string) => {
        if (!needed) {
          needed = new Set<string>();
          const known = new Set(
            (await c.query('SELECT source, external_id FROM record_keys WHERE (source, external_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))', [
              batch.records.map((r) => r.source), batch.records.map((r) => r.externalId),
            ])).rows.map((r: Row) => `${r.source}\u0000${r.external_id}`),
          );
          for (const r of batch.records) if (!known.has(`${r.source}\u0000${r.externalId}`)) needed.add(r.subjectId);
          for (const r of batch.relations) (needed.add(r.subjectId), needed.add(r.personId));
        }
        return needed.has(id);
      };
      const inserts: Subject[] = [];
      for (const s of batch.subjects) {
        const row = cur.get(s.id);
        if (!s.name) {
          if (row) {
            if (s.region && row.region === '') (row.region = s.region, (row.touched = true), changed.add(s.id));
            continue;
          }
          if (!(await isNeeded(s.id))) continue;
        }
        if (!row) {
          cur.set(s.id, { region: s.region, name: s.name, isNew: true, touched: false });
          inserts.push(s);
          dirty.push([s.id, s.createdAt]);
          changed.add(s.id);
        } else if (s.name) {
          if (row.name !== s.name || (s.region !== '' && row.region !== s.region)) {
            row.name = s.name;
            if (s.region !== '') row.region = s.region;
            row.touched = true;
            changed.add(s.id);
          }
        } else if (s.region && row.region === '') (row.region = s.region, (row.touched = true), changed.add(s.id));
      }
      if (inserts.length) {
        // The values a later line of this batch gave (a registration after a reference) win.
        const fin = inserts.map((s) => ({ ...s, ...cur.get(s.id)! }));
        // New as of the read above; one that another process stores meanwhile fails the COPY, and the batch is retried.
        await copyRows(c, 'subjects', ['subject_id', 'kind', 'name', 'region', 'created_at'], fin.map((s) => [s.id, s.kind, s.name, s.region, s.createdAt]));
        // Identifiers are written with their subject (their hash is its id), and only then.
        await copyRows(c, 'subject_identifiers', ['hash', 'subject_id', 'scheme', 'masked', 'encrypted'], inserts.flatMap((s) => s.identifiers.map((i) => [i.hash, s.id, i.scheme, i.masked, i.encrypted ?? null])));
      }
      const updates = [...cur.entries()].filter(([, v]) => v.touched && !v.isNew);
      if (updates.length) {
        await c.query(
          'UPDATE subjects s SET name = u.name, region = u.region FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, name, region) WHERE s.subject_id = u.id',
          [updates.map(([id]) => id), updates.map(([, v]) => v.name), updates.map(([, v]) => v.region)],
        );
      }

      // Legal roles.
      if (batch.replaceRelationsOf?.length) {
        const open = (await c.query('SELECT subject_id, role, person_id FROM relations WHERE subject_id = ANY($1::text[]) AND until IS NULL', [batch.replaceRelationsOf])).rows as Row[];
        const end: [string, string, string, Instant][] = [];
        for (const org of new Set(batch.replaceRelationsOf)) {
          const listed = batch.relations.filter((r) => r.subjectId === org);
          const keep = new Set(listed.map((r) => `${r.role}|${r.personId}`));
          // Replaced roles end when the registration's roles begin, so no two holders overlap.
          const endAt = listed[0]?.since ?? at;
          for (const r of open) {
            if (r.subject_id !== org || keep.has(`${r.role}|${r.person_id}`)) continue;
            end.push([org, r.role, r.person_id, endAt]);
            dirty.push([org, at]);
            changed.add(org);
          }
        }
        if (end.length) {
          await c.query(
            `UPDATE relations r SET until = e.at FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS e(org, role, person, at)
             WHERE r.subject_id = e.org AND r.role = e.role AND r.person_id = e.person AND r.until IS NULL`,
            [end.map((e) => e[0]), end.map((e) => e[1]), end.map((e) => e[2]), end.map((e) => e[3])],
          );
        }
      }
      if (batch.relations.length) {
        const orgs = [...new Set(batch.relations.map((r) => r.subjectId))];
        const held = new Set(
          ((await c.query('SELECT subject_id, role, person_id FROM relations WHERE subject_id = ANY($1::text[]) AND until IS NULL', [orgs])).rows as Row[]).map(
            (r) => `${r.subject_id}|${r.role}|${r.person_id}`,
          ),
        );
        const add: Relation[] = [];
        for (const r of batch.relations) {
          const k = `${r.subjectId}|${r.role}|${r.personId}`;
          if (held.has(k)) continue;
          held.add(k);
          // A new role, or one held again after it ended: a new period, the earlier ones kept.
          add.push(r);
          // A new role can bring an organisation's entries to the person.
          dirty.push([r.subjectId, at]);
          changed.add(r.subjectId);
        }
        if (add.length) {
          await c.query('INSERT INTO relations (subject_id, role, person_id, since) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])', [
            add.map((r) => r.subjectId), add.map((r) => r.role), add.map((r) => r.personId), add.map((r) => r.since ?? at),
          ]);
        }
      }

      // Records: claim their (source, externalId) keys first; only claimed ones are copied in.
      const inserted: CreditRecord[] = [];
      const conflicts: number[] = [];
      let duplicates = 0;
      if (batch.records.length) {
        // The first of repeats inside the batch makes the claim (ON CONFLICT cannot see rows of its own statement twice).
        const firstAt = new Map<string, number>();
        for (const [i, rec] of batch.records.entries()) {
          const k = `${rec.source}\u0000${rec.externalId}`;
          if (!firstAt.has(k)) firstAt.set(k, i);
        }
        const cands = [...firstAt.values()].map((i) => batch.records[i]);
        const claimed = new Set(
          (
            await c.query(
              `INSERT INTO record_keys (source, external_id, record_id, subject_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
               ON CONFLICT DO NOTHING RETURNING source, external_id`,
              [cands.map((r) => r.source), cands.map((r) => r.externalId), cands.map((r) => r.id), cands.map((r) => r.subjectId)],
            )
          ).rows.map((r: Row) => `${r.source}\u0000${r.external_id}`),
        );
        const first = new Map<string, CreditRecord>();
        const later: number[] = [];
        for (const [i, rec] of batch.records.entries()) {
          const k = `${rec.source}\u0000${rec.externalId}`;
          if (claimed.has(k) && firstAt.get(k) === i) {
            first.set(k, rec);
            inserted.push(rec);
            dirty.push([rec.subjectId, rec.recordedAt]);
          } else later.push(i);
        }
        await copyRows(
          c,
          'records',
          ['subject_id', 'id', 'source', 'external_id', 'type', 'area', 'occurred_at', 'recorded_at', 'facts', 'catalog_version'],
          inserted.map((r) => [r.subjectId, r.id, r.source, r.externalId, r.type, r.area, r.occurredAt, r.recordedAt, JSON.stringify(r.facts), r.catalogVersion]),
        );
        if (later.length) {
          // Resent records: the same content is a duplicate, different content a conflict.
          const recs = later.map((i) => batch.records[i]);
          const stored = new Map<string, Row>();
          for (const r of (
            await c.query(
              `SELECT k.source, k.external_id, r.type, r.subject_id, r.occurred_at, r.facts FROM record_keys k JOIN records r ON r.subject_id = k.subject_id AND r.id = k.record_id
               WHERE (k.source, k.external_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
              [recs.map((r) => r.source), recs.map((r) => r.externalId)],
            )
          ).rows as Row[]) {
            stored.set(`${r.source}\u0000${r.external_id}`, r);
          }
          for (const i of later) {
            const rec = batch.records[i];
            const k = `${rec.source}\u0000${rec.externalId}`;
            // An earlier copy in this batch, or the record stored before it.
            const was = first.get(k) ?? stored.get(k);
            if (was !== undefined && sameRecordContent(was, rec)) duplicates++;
            else conflicts.push(i);
          }
        }
      }
      await this.markDirtyTx(c, dirty);
      const audit = batch.audit({ inserted, duplicates, subjects: batch.subjects.length });
      // Notices of records stored just now are new (their ids derive from the records'), so COPY them.
      if (batch.notices && inserted.length) {
        await copyRows(c, 'notices', ['id', 'subject_id', 'kind', 'created_at', 'payload', 'status', 'attempts', 'next_attempt_at', 'last_error', 'delivered_at'],
          batch.notices(inserted).map((n) => [n.id, n.subjectId, n.kind, n.createdAt, JSON.stringify(n.payload), n.status, n.attempts, n.nextAttemptAt, n.lastError, n.deliveredAt]));
      }
      if (audit) await this.appendAuditTx(c, [audit]);
      return { inserted, duplicates, conflicts, changedSubjects: [...changed] };
    });
  }

  private async identifiersOf(ids: string[]): Promise<Map<string, Row[]>> {
    const out = new Map<string, Row[]>();
    for (const r of await this.q('SELECT * FROM subject_identifiers WHERE subject_id = ANY($1::text[]) ORDER BY subject_id, scheme', [ids])) {
      const a = out.get(r.subject_id);
      if (a) a.push(r);
      else out.set(r.subject_id, [r]);
    }
    return out;
  }

  async searchSubjects(q: { name: string; kinds: SubjectKind[]; limit: number }): Promise<Subject[]> {
    const pattern = '%' + q.name.replace(/[\\%_]/g, (ch) => '\\' + ch) + '%';
    const rows = await this.q(`SELECT subject_id AS id, * FROM subjects WHERE kind = ANY($1::text[]) AND name ILIKE $2 ESCAPE '\\' ORDER BY name, subject_id LIMIT $3`, [q.kinds, pattern, q.limit]);
    const idents = await this.identifiersOf(rows.map((r) => r.id as string));
    return rows.map((r) => subjectFrom(r, idents.get(r.id as string) ?? []));
  }

  async getSubject(id: string): Promise<Subject | null> {
    const r = await this.one('SELECT subject_id AS id, * FROM subjects WHERE subject_id = $1', [id]);
    if (!r) return null;
    return subjectFrom(r, (await this.identifiersOf([id])).get(id) ?? []);
  }

  async findSubjectByHash(hash: string): Promise<string | null> {
    const r = await this.one('SELECT subject_id FROM subject_identifiers WHERE hash = $1', [hash]);
    return r ? (r.subject_id as string) : null;
  }

  async subjectsBasic(ids: string[]): Promise<Map<string, SubjectBasic>> {
    const rows = await this.q('SELECT subject_id, kind, created_at FROM subjects WHERE subject_id = ANY($1::text[])', [ids]);
    return new Map(rows.map((r) => [r.subject_id as string, { id: r.subject_id as string, kind: r.kind as SubjectKind, createdAt: r.created_at as number }]));
  }

  private async relationsWhere(column: 'subject_id' | 'person_id', ids: string[], at?: Instant): Promise<Relation[]> {
    const rows =
      at === undefined
        ? await this.q(`SELECT * FROM relations WHERE ${column} = ANY($1::text[]) AND until IS NULL ORDER BY id`, [ids])
        : await this.q(`SELECT * FROM relations WHERE ${column} = ANY($1::text[]) AND since <= $2 AND (until IS NULL OR until > $2) ORDER BY id`, [ids, at]);
    return rows.map(relationFrom);
  }

  async relationsOfOrgs(orgIds: string[], at?: Instant): Promise<Relation[]> {
    return this.relationsWhere('subject_id', orgIds, at);
  }

  async relationsOfPersons(personIds: string[], at?: Instant): Promise<Relation[]> {
    return this.relationsWhere('person_id', personIds, at);
  }

  async getRecord(id: string): Promise<CreditRecord | null> {
    const r = await this.one('SELECT * FROM records WHERE id = $1', [id]);
    if (!r) return null;
    const rec = recordFrom(r);
    rec.statuses = (await this.q('SELECT * FROM record_status WHERE subject_id = $1 AND record_id = $2 ORDER BY seq', [r.subject_id, id])).map((s) => statusFrom(s));
    return rec;
  }

  /** Records with their status histories, grouped by subject, from rows of `records` and `record_status`. */
  private withStatuses(records: Row[], statuses: Row[], out: Map<string, CreditRecord[]>): Map<string, CreditRecord[]> {
    const byId = new Map<string, CreditRecord>();
    for (const r of records) {
      const rec = recordFrom(r);
      byId.set(rec.id, rec);
      const list = out.get(rec.subjectId);
      if (list) list.push(rec);
      else out.set(rec.subjectId, [rec]);
    }
    for (const s of statuses) byId.get(s.record_id as string)?.statuses.push(statusFrom(s));
    return out;
  }

  async recordsOf(subjectIds: string[]): Promise<Map<string, CreditRecord[]>> {
    const out = new Map<string, CreditRecord[]>();
    for (const id of subjectIds) out.set(id, []);
    if (subjectIds.length === 0) return out;
    const [recs, sts] = await Promise.all([
      this.q('SELECT * FROM records WHERE subject_id = ANY($1::text[]) ORDER BY subject_id, occurred_at, id', [subjectIds]),
      this.q('SELECT * FROM record_status WHERE subject_id = ANY($1::text[]) ORDER BY record_id, seq', [subjectIds]),
    ]);
    return this.withStatuses(recs, sts, out);
  }

  async recordsBetween(firstId: string, lastId: string): Promise<Map<string, CreditRecord[]>> {
    const [recs, sts] = await Promise.all([
      this.q('SELECT * FROM records WHERE subject_id BETWEEN $1 AND $2 ORDER BY subject_id, occurred_at, id', [firstId, lastId]),
      this.q('SELECT * FROM record_status WHERE subject_id BETWEEN $1 AND $2 ORDER BY record_id, seq', [firstId, lastId]),
    ]);
    return this.withStatuses(recs, sts, new Map());
  }

  async addRecordStatus(recordId: string, change: StatusChange, audit: AuditEntryInput): Promise<void> {
    await this.tx(async (c) => {
      await this.addRecordStatusTx(c, recordId, change);
      await this.appendAuditTx(c, [audit]);
    });
  }

  // ---- derived state

  async dirtySubjects(limit: number): Promise<string[]> {
    return (await this.q('SELECT subject_id FROM dirty_subjects ORDER BY since, subject_id LIMIT $1', [limit])).map((r) => r.subject_id as string);
  }

  async dueSubjects(now: Instant, limit: number): Promise<string[]> {
    return (await this.q('SELECT subject_id FROM subject_states WHERE next_change_at IS NOT NULL AND next_change_at <= $1 ORDER BY next_change_at LIMIT $2', [now, limit])).map(
      (r) => r.subject_id as string,
    );
  }

  async dirtyMarks(subjectIds: string[]): Promise<Map<string, number>> {
    const rows = await this.q('SELECT subject_id, mark FROM dirty_subjects WHERE subject_id = ANY($1::text[])', [subjectIds]);
    return new Map(rows.map((r) => [r.subject_id as string, r.mark as number]));
  }

  async markDirty(subjectIds: string[]): Promise<void> {
    const now = Date.now();
    await this.tx((c) => this.markDirtyTx(c, subjectIds.map((id) => [id, now])));
  }

  /** Inserts or replaces list entries; a later entry with the same id replaces an earlier one. */
  private async putEntries(c: Client, rows: { e: ListEntry; owner: string }[]): Promise<void> {
    if (rows.length === 0) return;
    const last = new Map<string, { e: ListEntry; owner: string }>();
    for (const r of rows) last.set(`${r.e.subjectId}|${r.e.id}`, r);
    const xs = [...last.values()].sort((a, b) => (a.e.subjectId < b.e.subjectId ? -1 : a.e.subjectId > b.e.subjectId ? 1 : a.e.id < b.e.id ? -1 : 1));
    await c.query(
      `INSERT INTO list_entries (subject_id, id, owner_id, list, status, since, decided_at, until, ended_at, end_reason, reasons, via_subject_id, via_role, catalog_version)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
       ON CONFLICT (subject_id, id) DO UPDATE SET owner_id = excluded.owner_id, list = excluded.list, status = excluded.status, since = excluded.since,
         decided_at = excluded.decided_at, until = excluded.until, ended_at = excluded.ended_at, end_reason = excluded.end_reason, reasons = excluded.reasons,
         via_subject_id = excluded.via_subject_id, via_role = excluded.via_role, catalog_version = excluded.catalog_version`,
      [
        xs.map((x) => x.e.subjectId), xs.map((x) => x.e.id), xs.map((x) => x.owner), xs.map((x) => x.e.list), xs.map((x) => x.e.status),
        xs.map((x) => x.e.since), xs.map((x) => x.e.decidedAt), xs.map((x) => x.e.until), xs.map((x) => x.e.endedAt ?? null), xs.map((x) => x.e.endReason ?? null),
        xs.map((x) => JSON.stringify(x.e.reasons)), xs.map((x) => x.e.via?.subjectId ?? null), xs.map((x) => x.e.via?.role ?? null), xs.map((x) => x.e.catalogVersion),
      ],
    );
  }

  async saveStates(save: SaveStates): Promise<void> {
    await this.tx(async (c) => {
      if (save.states.length) {
        const last = new Map<string, [SubjectState, string | null]>();
        for (const [i, s] of save.states.entries()) last.set(s.subjectId, [s, save.hashes?.[i] ?? null]);
        const ids = [...last.keys()].sort();
        const xs = ids.map((id) => last.get(id)!);
        await c.query(
          `INSERT INTO subject_states (subject_id, kind, catalog_version, as_of, next_change_at, grades, schemes, state_hash)
           SELECT u.id, s.kind, u.cv, u.as_of, u.nc, u.grades, u.schemes, u.hash
           FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::jsonb[], $6::text[], $7::text[]) AS u(id, cv, as_of, nc, grades, schemes, hash)
           JOIN subjects s ON s.subject_id = u.id
           ON CONFLICT (subject_id) DO UPDATE SET catalog_version = excluded.catalog_version, as_of = excluded.as_of, next_change_at = excluded.next_change_at,
             grades = excluded.grades, schemes = excluded.schemes, state_hash = excluded.state_hash`,
          [
            ids, xs.map(([s]) => s.catalogVersion), xs.map(([s]) => s.asOf), xs.map(([s]) => s.nextChangeAt),
            xs.map(([s]) => JSON.stringify(Object.fromEntries(s.schemes.map((r) => [r.scheme, r.grade])))), xs.map(([s]) => JSON.stringify(s.schemes)), xs.map(([, h]) => h),
          ],
        );
        await c.query('DELETE FROM list_entries WHERE owner_id = ANY($1::text[])', [ids]);
        await this.putEntries(c, save.states.flatMap((s) => s.entries.map((e) => ({ e, owner: s.subjectId }))));
      }
      // Related entries are owned by the organisation but stored under the person.
      if (save.related.length) {
        await c.query('DELETE FROM list_entries WHERE owner_id = ANY($1::text[]) AND via_subject_id IS NOT NULL', [save.related.map((r) => r.ownerId)]);
        await this.putEntries(c, save.related.flatMap((r) => r.entries.map((e) => ({ e, owner: r.ownerId }))));
      }
      // Dirty marks are locked in subject order, the order ingest marks them in: a derivation
      // running beside an ingest (another process, or a background derivation) cannot deadlock
      // with it.
      if (save.clearDirty.length) await c.query('SELECT 1 FROM dirty_subjects WHERE subject_id = ANY($1::text[]) ORDER BY subject_id FOR UPDATE', [save.clearDirty.map((d) => d.id)]);
      const all = save.clearDirty.filter((d) => d.mark === undefined).map((d) => d.id);
      if (all.length) await c.query('DELETE FROM dirty_subjects WHERE subject_id = ANY($1::text[])', [all]);
      const marked = save.clearDirty.filter((d) => d.mark !== undefined);
      if (marked.length) {
        await c.query('DELETE FROM dirty_subjects d USING unnest($1::text[], $2::int[]) AS u(id, mark) WHERE d.subject_id = u.id AND d.mark = u.mark', [
          marked.map((d) => d.id), marked.map((d) => d.mark),
        ]);
      }
      await this.addNoticesTx(c, save.notices ?? []);
      if (save.audit) await this.appendAuditTx(c, [save.audit]);
      if (save.states.length) {
        // Last, under the append lock held to commit: feed numbers are handed out in commit order.
        await c.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
        await c.query('INSERT INTO state_changes (subject_id, at) SELECT unnest($1::text[]), $2', [save.states.map((s) => s.subjectId), Date.now()]);
        await c.query('SELECT pg_notify($1, $2)', [STATE_CHANNEL, '']);
      }
    });
  }

  async stateChangesSince(afterSeq: number, limit: number): Promise<{ seq: number; subjectIds: string[]; firstSeq: number | null }> {
    const rows = await this.q('SELECT seq, subject_id FROM state_changes WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit]);
    return { seq: rows.length ? (rows[rows.length - 1].seq as number) : afterSeq, subjectIds: [...new Set(rows.map((r) => r.subject_id as string))], firstSeq: rows.length ? (rows[0].seq as number) : null };
  }

  async stateChangeHead(): Promise<number> {
    // Numbers only from committed rows (an uncommitted one may still take a lower number), and
    // the highest number pruned when every row was.
    const r = await this.one(`SELECT GREATEST((SELECT MAX(seq) FROM state_changes), (SELECT value::bigint FROM meta WHERE key = '${PRUNED_HEAD}'), 0) AS seq`);
    return r!.seq as number;
  }

  async pruneStateChanges(before: Instant): Promise<number> {
    return this.tx(async (c) => {
      await c.query(
        `INSERT INTO meta (key, value) SELECT '${PRUNED_HEAD}', MAX(seq)::text FROM state_changes WHERE at < $1 HAVING MAX(seq) IS NOT NULL
         ON CONFLICT (key) DO UPDATE SET value = GREATEST(meta.value::bigint, excluded.value::bigint)::text`,
        [before],
      );
      return (await c.query('DELETE FROM state_changes WHERE at < $1', [before])).rowCount ?? 0;
    });
  }

  /**
   * Calls `onChange` whenever a `saveStates` commits (in any process), over a dedicated connection
   * that LISTENs; a dropped connection is re-established, and `onChange` called once then too,
   * since a notification may have been missed meanwhile. Returns a function that stops it.
   */
  async watchStateChanges(onChange: () => void, onError: (err: Error) => void = () => {}): Promise<() => Promise<void>> {
    let client: pg.Client | null = null;
    let stopped = false;
    let retry: NodeJS.Timeout | null = null;
    const connect = async (): Promise<void> => {
      const c = new pg.Client({ connectionString: this.connectionString, application_name: 'xinyong-listen' });
      c.on('notification', () => onChange());
      c.on('error', (err) => {
        onError(err);
        void c.end().catch(() => {});
        if (client === c) client = null;
        if (!stopped) retry = setTimeout(() => void reconnect(), 1000);
      });
      await c.connect();
      await c.query(`LISTEN ${STATE_CHANNEL}`);
      client = c;
    };
    const reconnect = async () => {
      try {
        await connect();
        onChange();
      } catch (err) {
        onError(err as Error);
        if (!stopped) retry = setTimeout(() => void reconnect(), 1000);
      }
    };
    await connect();
    return async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => {});
    };
  }

  async getState(subjectId: string): Promise<StoredState | null> {
    const [r, rows] = await Promise.all([
      this.one('SELECT * FROM subject_states WHERE subject_id = $1', [subjectId]),
      this.q('SELECT * FROM list_entries WHERE subject_id = $1 ORDER BY since, id', [subjectId]),
    ]);
    if (!r) return null;
    const entries = rows.map((x) => entryFrom(x));
    const state: SubjectState = {
      subjectId,
      asOf: r.as_of as number,
      catalogVersion: r.catalog_version as string,
      schemes: JSON.parse(r.schemes as string),
      entries: entries.filter((e) => !e.via),
      nextChangeAt: (r.next_change_at as number | null) ?? null,
    };
    return { state, related: entries.filter((e) => e.via) };
  }

  async enforceableEntries(subjectIds: string[]): Promise<ListEntry[]> {
    return (await this.q("SELECT * FROM list_entries WHERE subject_id = ANY($1::text[]) AND status IN ('pending', 'active')", [subjectIds])).map((r) => entryFrom(r));
  }

  async listEntries(q: EntryQuery): Promise<ListEntry[]> {
    const rows = await this.q('SELECT * FROM list_entries WHERE list = $1 AND status = ANY($2::text[]) AND id > $3 ORDER BY id LIMIT $4', [
      q.list, q.statuses ?? ['pending', 'active'], q.after ?? '', q.limit,
    ]);
    return rows.map((r) => entryFrom(r));
  }

  async *scanSubjects(pageSize: number): AsyncIterable<(SubjectBasic & { stateHash: string | null })[]> {
    let after = '';
    for (;;) {
      const res = await this.pool.query({
        text: 'SELECT s.subject_id, s.kind, s.created_at, st.state_hash FROM subjects s LEFT JOIN subject_states st ON st.subject_id = s.subject_id WHERE s.subject_id > $1 ORDER BY s.subject_id LIMIT $2',
        values: [after, pageSize],
        rowMode: 'array',
      });
      const rows = res.rows as [string, SubjectKind, number, string | null][];
      if (rows.length === 0) return;
      after = rows[rows.length - 1][0];
      yield rows.map(([id, kind, createdAt, stateHash]) => ({ id, kind, createdAt, stateHash }));
    }
  }

  async *scanEnforceableEntries(): AsyncIterable<ListEntry> {
    let after: [string, string] = ['', ''];
    for (;;) {
      const rows = await this.q("SELECT * FROM list_entries WHERE status IN ('pending', 'active') AND (subject_id, id) > ($1, $2) ORDER BY subject_id, id LIMIT 5000", after);
      if (rows.length === 0) return;
      for (const r of rows) yield entryFrom(r);
      const l = rows[rows.length - 1];
      after = [l.subject_id, l.id];
    }
  }

  async *scanGrades(): AsyncIterable<{ subjectId: string; grades: Record<string, string> }> {
    let after = '';
    for (;;) {
      const rows = await this.q('SELECT subject_id, grades FROM subject_states WHERE subject_id > $1 ORDER BY subject_id LIMIT 10000', [after]);
      if (rows.length === 0) return;
      for (const r of rows) yield { subjectId: r.subject_id as string, grades: r.grades as Record<string, string> };
      after = rows[rows.length - 1].subject_id;
    }
  }

  // ---- statistics

  private async counts(sql: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const r of await this.q(sql)) out[r.k as string] = r.n as number;
    return out;
  }

  async summary(): Promise<StoreSummary> {
    const subjectsByKind = { person: 0, enterprise: 0, institution: 0, government: 0 } as Record<SubjectKind, number>;
    const month = (column: string) => `to_char(to_timestamp(${column} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM')`;
    const [kinds, recordsByArea, recordsByType, recordsByProvince, listSizes, breakdown, flows, gradeRows, audit] = await Promise.all([
      this.counts('SELECT kind AS k, COUNT(*) AS n FROM subjects GROUP BY kind'),
      this.counts('SELECT area AS k, COUNT(*) AS n FROM records GROUP BY area ORDER BY area'),
      this.counts('SELECT type AS k, COUNT(*) AS n FROM records GROUP BY type ORDER BY type'),
      this.counts(
        `SELECT CASE WHEN s.region ~ '^[0-9]{2}' THEN substr(s.region, 1, 2) || '0000' ELSE 'unknown' END AS k, SUM(r.n)::bigint AS n
         FROM (SELECT subject_id, COUNT(*) AS n FROM records GROUP BY subject_id) r JOIN subjects s ON s.subject_id = r.subject_id GROUP BY 1 ORDER BY 1`,
      ),
      this.counts("SELECT list AS k, COUNT(DISTINCT subject_id) AS n FROM list_entries WHERE status IN ('pending', 'active') GROUP BY list ORDER BY list"),
      this.q(
        `SELECT e.list AS list, CASE WHEN e.via_subject_id IS NULL THEN s.kind ELSE 'via-role' END AS k, COUNT(DISTINCT e.subject_id) AS n
         FROM list_entries e JOIN subjects s ON s.subject_id = e.subject_id WHERE e.status IN ('pending', 'active') GROUP BY 1, 2 ORDER BY 1, 2`,
      ),
      this.q(
        `SELECT list, month, SUM(i)::bigint AS inflow, SUM(o)::bigint AS outflow FROM (
           SELECT list, ${month('since')} AS month, COUNT(*) AS i, 0 AS o FROM list_entries GROUP BY 1, 2
           UNION ALL
           SELECT list, ${month('ended_at')} AS month, 0 AS i, COUNT(*) AS o FROM list_entries WHERE ended_at IS NOT NULL GROUP BY 1, 2
         ) f GROUP BY list, month ORDER BY list, month`,
      ),
      this.q('SELECT g.key AS scheme, g.value AS grade, COUNT(*) AS n FROM subject_states, jsonb_each_text(subject_states.grades) AS g GROUP BY g.key, g.value ORDER BY g.key, g.value'),
      this.one('SELECT COUNT(*) AS n FROM audit_log'),
    ]);
    Object.assign(subjectsByKind, kinds);
    const listBreakdown: StoreSummary['listBreakdown'] = {};
    for (const r of breakdown) (listBreakdown[r.list as string] ??= {})[r.k as string] = r.n as number;
    const listFlows: StoreSummary['listFlows'] = {};
    for (const r of flows) (listFlows[r.list as string] ??= []).push({ month: r.month as string, inflow: r.inflow as number, outflow: r.outflow as number });
    const grades: Record<string, Record<string, number>> = {};
    for (const r of gradeRows) (grades[r.scheme as string] ??= {})[r.grade as string] = r.n as number;
    const records = Object.values(recordsByArea).reduce((a, b) => a + b, 0);
    return { subjectsByKind, records, recordsByArea, recordsByProvince, recordsByType, listSizes, listBreakdown, listFlows, grades, auditEntries: (audit?.n as number) ?? 0 };
  }
}
