/** Subjects, their legal roles and credit records with their status histories, on PostgreSQL. */
import type { AuditEntryInput } from '../../audit/index.js';
import type { CreditRecord, Instant, Relation, StatusChange, Subject, SubjectKind } from '../../domain/types.js';
import type { ExpiredRecords, ExpireRecords, IngestBatch, IngestResult, RecordsPort, RetentionCandidate, SubjectBasic, SubjectSearch } from '../port/index.js';
import type { LatestRecords } from '../port/records.js';
import { recordFrom, relationFrom, sameRecordContent, statusFrom, subjectFrom } from '../rows.js';
import { copyRows, type Client, type PostgresDb, type Row } from './db.js';

export class PostgresRecords implements RecordsPort {
  constructor(private readonly db: PostgresDb) {}

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
    return this.db.tx(async (c) => {
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
              `SELECT k.source, k.external_id, r.type, r.subject_id, r.occurred_at, r.facts, r.expired_at FROM record_keys k JOIN records r ON r.subject_id = k.subject_id AND r.id = k.record_id
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
      await this.restoreCiphertext(c, batch, inserted, new Set(inserts.map((s) => s.id)));
      await this.db.markDirtyTx(c, dirty);
      const audit = batch.audit({ inserted, duplicates, subjects: batch.subjects.length });
      // Notices of records stored just now are new (their ids derive from the records'), so COPY them.
      if (batch.notices && inserted.length) {
        await copyRows(c, 'notices', ['id', 'subject_id', 'kind', 'created_at', 'payload', 'status', 'attempts', 'next_attempt_at', 'last_error', 'delivered_at'],
          batch.notices(inserted).map((n) => [n.id, n.subjectId, n.kind, n.createdAt, JSON.stringify(n.payload), n.status, n.attempts, n.nextAttemptAt, n.lastError, n.deliveredAt]));
      }
      if (audit) await this.db.appendAuditTx(c, [audit]);
      return { inserted, duplicates, conflicts, changedSubjects: [...changed] };
    });
  }

  /**
   * An existing subject whose identifier ciphertext was deleted at the end of retention gets it
   * back when it is needed again: a record about it was stored, or a role names it. Looked up
   * before the ciphertext is read, which encrypts on first read (ingest/resolve.ts).
   */
  private async restoreCiphertext(c: Client, batch: IngestBatch, inserted: CreditRecord[], fresh: Set<string>): Promise<void> {
    const needed = new Set<string>(inserted.map((r) => r.subjectId));
    for (const r of batch.relations) needed.add(r.personId);
    const candidates = new Map<string, { subjectId: string; identifier: Subject['identifiers'][number] }>();
    for (const s of batch.subjects) {
      if (!needed.has(s.id) || fresh.has(s.id)) continue;
      for (const i of s.identifiers) if ('encrypted' in i) candidates.set(i.hash, { subjectId: s.id, identifier: i });
    }
    if (candidates.size === 0) return;
    const cleared = (await c.query('SELECT hash, subject_id FROM subject_identifiers WHERE hash = ANY($1::text[]) AND encrypted IS NULL', [[...candidates.keys()]])).rows as Row[];
    const back: [string, string][] = [];
    for (const r of cleared) {
      const x = candidates.get(r.hash as string);
      const token = x && x.subjectId === r.subject_id ? x.identifier.encrypted : undefined;
      if (token) back.push([r.hash as string, token]);
    }
    if (back.length === 0) return;
    await c.query('UPDATE subject_identifiers si SET encrypted = u.token FROM unnest($1::text[], $2::text[]) AS u(hash, token) WHERE si.hash = u.hash AND si.encrypted IS NULL', [
      back.map((b) => b[0]), back.map((b) => b[1]),
    ]);
  }

  async retentionCandidates(q: { type: string; occurredBefore: Instant; after?: { occurredAt: Instant; id: string }; limit: number }): Promise<RetentionCandidate[]> {
    // The partial index records_retention (type, occurred_at) WHERE expired_at IS NULL.
    const rows = q.after
      ? await this.db.q(
          `SELECT id, subject_id, type, occurred_at FROM records WHERE type = $1 AND expired_at IS NULL AND occurred_at < $2 AND (occurred_at, id) > ($3, $4)
           ORDER BY occurred_at, id LIMIT $5`,
          [q.type, q.occurredBefore, q.after.occurredAt, q.after.id, q.limit],
        )
      : await this.db.q('SELECT id, subject_id, type, occurred_at FROM records WHERE type = $1 AND expired_at IS NULL AND occurred_at < $2 ORDER BY occurred_at, id LIMIT $3', [q.type, q.occurredBefore, q.limit]);
    return rows.map((r) => ({ id: r.id as string, subjectId: r.subject_id as string, type: r.type as string, occurredAt: r.occurred_at as number }));
  }

  async latestRecords(q: LatestRecords): Promise<CreditRecord[]> {
    // The partial index records_retention (type, occurred_at) WHERE expired_at IS NULL, read backwards.
    const b = q.before;
    const recs = await this.db.q(
      `SELECT r.* FROM records r JOIN subjects s ON s.subject_id = r.subject_id
       WHERE r.type = ANY($1::text[]) AND r.expired_at IS NULL AND s.kind = ANY($2::text[]) AND r.occurred_at >= $3 AND r.occurred_at < $4
       ${b ? 'AND (r.occurred_at, r.id) < ($6, $7)' : ''}
       ORDER BY r.occurred_at DESC, r.id DESC LIMIT $5`,
      [q.types, q.kinds, q.occurredFrom, q.occurredBefore, q.limit, ...(b ? [b.occurredAt, b.id] : [])],
    );
    if (recs.length === 0) return [];
    const sts = await this.db.q('SELECT * FROM record_status WHERE (subject_id, record_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY record_id, seq', [
      recs.map((r) => r.subject_id), recs.map((r) => r.id),
    ]);
    return [...this.withStatuses(recs, sts, new Map()).values()].flat().sort((x, y) => y.occurredAt - x.occurredAt || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0));
  }

  async expireRecords(e: ExpireRecords): Promise<ExpiredRecords> {
    if (e.records.length === 0) return { records: [], identifiersDeleted: [] };
    return this.db.tx(async (c) => {
      // Locked in one order, so two runs at once cannot deadlock; one expired meanwhile is skipped.
      const locked = (
        await c.query(
          `SELECT r.subject_id, r.id FROM records r WHERE (r.subject_id, r.id) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND r.expired_at IS NULL
           ORDER BY r.subject_id, r.id FOR UPDATE`,
          [e.records.map((r) => r.subjectId), e.records.map((r) => r.id)],
        )
      ).rows as Row[];
      if (locked.length === 0) return { records: [], identifiersDeleted: [] };
      const subjectIds = locked.map((r) => r.subject_id as string);
      const ids = locked.map((r) => r.id as string);
      // The old row version stays behind as a dead tuple until VACUUM reclaims it.
      await c.query(
        `UPDATE records r SET facts = '{}', expired_at = $3 FROM unnest($1::text[], $2::text[]) AS u(subject_id, id) WHERE r.subject_id = u.subject_id AND r.id = u.id`,
        [subjectIds, ids, e.change.at],
      );
      await c.query(
        `INSERT INTO record_status (subject_id, record_id, seq, status, at, actor, reason)
         SELECT u.subject_id, u.id, COALESCE((SELECT MAX(s.seq) FROM record_status s WHERE s.subject_id = u.subject_id AND s.record_id = u.id), 0) + 1, 'expired', $3, $4, $5
         FROM unnest($1::text[], $2::text[]) AS u(subject_id, id)`,
        [subjectIds, ids, e.change.at, e.change.actor, e.change.reason],
      );
      const subjects = [...new Set(subjectIds)].sort();
      await this.db.markDirtyTx(c, subjects.map((id) => [id, e.change.at]));
      // The ciphertext goes once nothing needs it: no record still held, no legal role in force.
      const cleared = (
        await c.query(
          `UPDATE subject_identifiers si SET encrypted = NULL
           WHERE si.subject_id = ANY($1::text[]) AND si.encrypted IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM records r WHERE r.subject_id = si.subject_id AND r.expired_at IS NULL)
             AND NOT EXISTS (SELECT 1 FROM relations l WHERE l.person_id = si.subject_id AND l.until IS NULL)
           RETURNING si.subject_id`,
          [subjects],
        )
      ).rows as Row[];
      // The evidence of cases about these records goes with their facts.
      const evidence = (
        (await c.query('DELETE FROM case_evidence e USING unnest($1::text[], $2::text[]) AS u(subject_id, id) WHERE e.subject_id = u.subject_id AND e.record_id = u.id RETURNING e.id', [subjectIds, ids])).rows as Row[]
      ).map((r) => r.id as string).sort();
      const out: ExpiredRecords = { records: ids, identifiersDeleted: [...new Set(cleared.map((r) => r.subject_id as string))].sort(), ...(evidence.length > 0 ? { evidenceDeleted: evidence } : {}) };
      await this.db.appendAuditTx(c, [e.audit(out)]);
      return out;
    });
  }

  private async identifiersOf(ids: string[]): Promise<Map<string, Row[]>> {
    const out = new Map<string, Row[]>();
    for (const r of await this.db.q('SELECT * FROM subject_identifiers WHERE subject_id = ANY($1::text[]) ORDER BY subject_id, scheme', [ids])) {
      const a = out.get(r.subject_id);
      if (a) a.push(r);
      else out.set(r.subject_id, [r]);
    }
    return out;
  }

  /** The subjects a search finds: organisations by part of the name, persons by the whole name (the index `subjects_name` on kind and name); `$1`–`$3` are `searchArgs`. */
  private static readonly FOUND = `SELECT subject_id AS id, * FROM subjects WHERE kind = ANY($1::text[]) AND name ILIKE $2 ESCAPE '\\'
    UNION SELECT subject_id AS id, * FROM subjects WHERE $3::text IS NOT NULL AND kind = 'person' AND name = $3`;

  private static searchArgs(q: SubjectSearch): unknown[] {
    return [q.kinds, '%' + q.name.replace(/[\\%_]/g, (ch) => '\\' + ch) + '%', q.persons ? q.name : null];
  }

  async countSubjects(q: SubjectSearch & { max: number }): Promise<number> {
    const r = await this.db.one(`SELECT COUNT(*)::int AS n FROM (SELECT 1 FROM (${PostgresRecords.FOUND}) f LIMIT $4) c`, [...PostgresRecords.searchArgs(q), q.max]);
    return r ? (r.n as number) : 0;
  }

  async searchSubjects(q: SubjectSearch & { after?: string; limit: number }): Promise<Subject[]> {
    const rows = await this.db.q(
      `SELECT * FROM (${PostgresRecords.FOUND}) f WHERE $5::text IS NULL OR (f.name, f.id) > (SELECT name, subject_id FROM subjects WHERE subject_id = $5) ORDER BY f.name, f.id LIMIT $4`,
      [...PostgresRecords.searchArgs(q), q.limit, q.after ?? null],
    );
    const idents = await this.identifiersOf(rows.map((r) => r.id as string));
    return rows.map((r) => subjectFrom(r, idents.get(r.id as string) ?? []));
  }

  async getSubject(id: string): Promise<Subject | null> {
    const r = await this.db.one('SELECT subject_id AS id, * FROM subjects WHERE subject_id = $1', [id]);
    if (!r) return null;
    return subjectFrom(r, (await this.identifiersOf([id])).get(id) ?? []);
  }

  async findSubjectByHash(hash: string): Promise<string | null> {
    const r = await this.db.one('SELECT subject_id FROM subject_identifiers WHERE hash = $1', [hash]);
    return r ? (r.subject_id as string) : null;
  }

  async subjectsBasic(ids: string[]): Promise<Map<string, SubjectBasic>> {
    const rows = await this.db.q('SELECT subject_id, kind, created_at FROM subjects WHERE subject_id = ANY($1::text[])', [ids]);
    return new Map(rows.map((r) => [r.subject_id as string, { id: r.subject_id as string, kind: r.kind as SubjectKind, createdAt: r.created_at as number }]));
  }

  private async relationsWhere(column: 'subject_id' | 'person_id', ids: string[], at?: Instant): Promise<Relation[]> {
    const rows =
      at === undefined
        ? await this.db.q(`SELECT * FROM relations WHERE ${column} = ANY($1::text[]) AND until IS NULL ORDER BY id`, [ids])
        : await this.db.q(`SELECT * FROM relations WHERE ${column} = ANY($1::text[]) AND since <= $2 AND (until IS NULL OR until > $2) ORDER BY id`, [ids, at]);
    return rows.map(relationFrom);
  }

  async relationsOfOrgs(orgIds: string[], at?: Instant): Promise<Relation[]> {
    return this.relationsWhere('subject_id', orgIds, at);
  }

  async relationsOfPersons(personIds: string[], at?: Instant): Promise<Relation[]> {
    return this.relationsWhere('person_id', personIds, at);
  }

  async ridCiphertexts(personIds: string[]): Promise<Map<string, string>> {
    const rows = await this.db.q(`SELECT subject_id, encrypted FROM subject_identifiers WHERE subject_id = ANY($1::text[]) AND scheme = 'cn-rid' AND encrypted IS NOT NULL`, [personIds]);
    return new Map(rows.map((r) => [r.subject_id as string, r.encrypted as string]));
  }

  async getRecord(id: string): Promise<CreditRecord | null> {
    const r = await this.db.one('SELECT * FROM records WHERE id = $1', [id]);
    if (!r) return null;
    const rec = recordFrom(r);
    rec.statuses = (await this.db.q('SELECT * FROM record_status WHERE subject_id = $1 AND record_id = $2 ORDER BY seq', [r.subject_id, id])).map((s) => statusFrom(s));
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
      this.db.q('SELECT * FROM records WHERE subject_id = ANY($1::text[]) ORDER BY subject_id, occurred_at, id', [subjectIds]),
      this.db.q('SELECT * FROM record_status WHERE subject_id = ANY($1::text[]) ORDER BY record_id, seq', [subjectIds]),
    ]);
    return this.withStatuses(recs, sts, out);
  }

  async recordsBetween(firstId: string, lastId: string): Promise<Map<string, CreditRecord[]>> {
    const [recs, sts] = await Promise.all([
      this.db.q('SELECT * FROM records WHERE subject_id BETWEEN $1 AND $2 ORDER BY subject_id, occurred_at, id', [firstId, lastId]),
      this.db.q('SELECT * FROM record_status WHERE subject_id BETWEEN $1 AND $2 ORDER BY record_id, seq', [firstId, lastId]),
    ]);
    return this.withStatuses(recs, sts, new Map());
  }

  async addRecordStatus(recordId: string, change: StatusChange, audit: AuditEntryInput): Promise<void> {
    await this.db.tx(async (c) => {
      await this.db.addRecordStatusTx(c, recordId, change);
      await this.db.appendAuditTx(c, [audit]);
    });
  }
}
