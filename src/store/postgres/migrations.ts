/**
 * Versioned schema of the PostgreSQL adapter. Never edit a shipped migration: add a new one.
 *
 * Instants are BIGINT epoch milliseconds (UTC), as in the SQLite adapter, so both answer alike.
 * Text that is ordered or compared by range (ids, names) uses the "C" collation: byte order, the
 * order SQLite uses, whatever the database's locale.
 *
 * Laid out for Citus (docs/scale.md): every large table has the column it is distributed by in
 * each of its primary and unique keys (see `CITUS_PLAN`), and the catalog tables are small enough
 * to be reference tables, copied to every node.
 */
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

export const PG_MIGRATIONS: PgMigration[] = [
  {
    version: 1,
    name: 'core',
    sql: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE catalog_versions (
  catalog_id   TEXT COLLATE "C" NOT NULL,
  version      TEXT COLLATE "C" NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('draft', 'published')),
  hash         TEXT NOT NULL,
  doc          TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  published_at BIGINT,
  PRIMARY KEY (catalog_id, version)
);

-- Publishing is an event: a rollback puts an earlier version back without rewriting history.
CREATE TABLE catalog_publications (
  id           BIGSERIAL,
  catalog_id   TEXT COLLATE "C" NOT NULL,
  version      TEXT COLLATE "C" NOT NULL,
  published_at BIGINT NOT NULL,
  PRIMARY KEY (catalog_id, version, published_at)
);

CREATE TABLE subjects (
  subject_id TEXT COLLATE "C" PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('person', 'enterprise', 'institution', 'government')),
  name       TEXT COLLATE "C" NOT NULL,
  region     TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX subjects_name ON subjects (kind, name);

-- Identifiers are kept only as a keyed hash, a masked form and (optionally) ciphertext. Looked up
-- by hash, so distributed by hash.
CREATE TABLE subject_identifiers (
  hash       TEXT PRIMARY KEY,
  subject_id TEXT COLLATE "C" NOT NULL,
  scheme     TEXT NOT NULL,
  masked     TEXT NOT NULL,
  encrypted  TEXT
);
CREATE INDEX subject_identifiers_subject ON subject_identifiers (subject_id);

-- Legal roles, one row per period held; subject_id is the organisation.
CREATE TABLE relations (
  id         BIGSERIAL,
  subject_id TEXT COLLATE "C" NOT NULL REFERENCES subjects (subject_id),
  role       TEXT NOT NULL CHECK (role IN ('legal-representative', 'actual-controller', 'principal')),
  person_id  TEXT COLLATE "C" NOT NULL,
  since      BIGINT NOT NULL,
  until      BIGINT,
  PRIMARY KEY (subject_id, id)
);
CREATE INDEX relations_person ON relations (person_id, until);
CREATE UNIQUE INDEX relations_open ON relations (subject_id, role, person_id) WHERE until IS NULL;

-- What makes ingestion idempotent: one row per (source, external id), whichever shard holds the
-- record. Distributed by external_id.
CREATE TABLE record_keys (
  source      TEXT NOT NULL,
  external_id TEXT NOT NULL,
  record_id   TEXT COLLATE "C" NOT NULL,
  subject_id  TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (source, external_id)
);

CREATE TABLE records (
  subject_id      TEXT COLLATE "C" NOT NULL REFERENCES subjects (subject_id),
  id              TEXT COLLATE "C" NOT NULL,
  source          TEXT NOT NULL,
  external_id     TEXT NOT NULL,
  type            TEXT NOT NULL,
  area            TEXT NOT NULL,
  occurred_at     BIGINT NOT NULL,
  recorded_at     BIGINT NOT NULL,
  facts           TEXT NOT NULL,
  catalog_version TEXT NOT NULL,
  PRIMARY KEY (subject_id, id)
);
CREATE INDEX records_id ON records (id);

-- Append-only status history; a record with no row here has been 'active' since recorded_at.
CREATE TABLE record_status (
  subject_id TEXT COLLATE "C" NOT NULL,
  record_id  TEXT COLLATE "C" NOT NULL,
  seq        INTEGER NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('active', 'disputed', 'corrected', 'revoked', 'repaired', 'expired')),
  at         BIGINT NOT NULL,
  actor      TEXT NOT NULL,
  reason     TEXT NOT NULL,
  PRIMARY KEY (subject_id, record_id, seq),
  FOREIGN KEY (subject_id, record_id) REFERENCES records (subject_id, id)
);

CREATE TABLE subject_states (
  subject_id      TEXT COLLATE "C" PRIMARY KEY,
  kind            TEXT NOT NULL,
  catalog_version TEXT NOT NULL,
  as_of           BIGINT NOT NULL,
  next_change_at  BIGINT,
  grades          JSONB NOT NULL,
  schemes         TEXT NOT NULL,
  state_hash      TEXT
);
CREATE INDEX subject_states_next_change ON subject_states (next_change_at) WHERE next_change_at IS NOT NULL;

-- Entries are stored under the subject they bind; owner_id is the subject whose state made them
-- (the organisation, for entries that reach a person through a legal role).
CREATE TABLE list_entries (
  subject_id      TEXT COLLATE "C" NOT NULL,
  id              TEXT COLLATE "C" NOT NULL,
  owner_id        TEXT COLLATE "C" NOT NULL,
  list            TEXT COLLATE "C" NOT NULL,
  status          TEXT NOT NULL,
  since           BIGINT NOT NULL,
  decided_at      BIGINT NOT NULL,
  until           BIGINT,
  ended_at        BIGINT,
  end_reason      TEXT,
  reasons         TEXT NOT NULL,
  via_subject_id  TEXT COLLATE "C",
  via_role        TEXT,
  catalog_version TEXT NOT NULL,
  PRIMARY KEY (subject_id, id)
);
CREATE INDEX list_entries_owner ON list_entries (owner_id);
CREATE INDEX list_entries_list ON list_entries (list, status, id);

-- Subjects whose derived state must be recomputed: written with the records, cleared with the
-- new state. The mark counts markings, so a derivation clears only the marks it has seen.
CREATE TABLE dirty_subjects (
  subject_id TEXT COLLATE "C" PRIMARY KEY,
  since      BIGINT NOT NULL,
  mark       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX dirty_subjects_since ON dirty_subjects (since, subject_id);

-- The change feed other processes follow to keep their gate current (LISTEN xy_state_changes
-- wakes them). Rows are inserted under the audit lock, so their order is the commit order.
CREATE TABLE state_changes (
  seq        BIGSERIAL PRIMARY KEY,
  subject_id TEXT COLLATE "C" NOT NULL,
  at         BIGINT NOT NULL
);
CREATE INDEX state_changes_at ON state_changes (at);

CREATE TABLE audit_log (
  seq        BIGINT PRIMARY KEY,
  at         BIGINT NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  subject_id TEXT COLLATE "C",
  data       TEXT NOT NULL,
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject_id, seq) WHERE subject_id IS NOT NULL;
CREATE INDEX audit_log_action ON audit_log (action, seq);

-- An access log needs who looked, why and on which day: the first entry per subject, day, actor
-- and key is indexed; the audit chain keeps every check.
CREATE TABLE audit_subject_days (
  subject_id TEXT COLLATE "C" NOT NULL,
  day        INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  key        TEXT NOT NULL,
  seq        BIGINT NOT NULL,
  PRIMARY KEY (subject_id, day, actor, key)
);

CREATE TABLE check_receipts (
  receipt   TEXT PRIMARY KEY,
  audit_seq BIGINT NOT NULL
);

CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('source', 'checker', 'reviewer', 'author', 'admin', 'subject')),
  scopes      TEXT NOT NULL,
  source      TEXT,
  subject_id  TEXT COLLATE "C",
  secret_hash TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  created_by  TEXT NOT NULL,
  revoked_at  BIGINT
);

CREATE TABLE cases (
  subject_id TEXT COLLATE "C" NOT NULL,
  id         TEXT COLLATE "C" NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('objection', 'repair', 'commitment')),
  status     TEXT NOT NULL,
  deadline   BIGINT,
  created_at BIGINT NOT NULL,
  doc        TEXT NOT NULL,
  PRIMARY KEY (subject_id, id)
);
CREATE INDEX cases_id ON cases (id);
CREATE INDEX cases_queue ON cases (kind, status, deadline);
CREATE INDEX cases_subject ON cases (subject_id, kind);

CREATE TABLE notices (
  id              TEXT COLLATE "C" PRIMARY KEY,
  subject_id      TEXT COLLATE "C",
  kind            TEXT NOT NULL,
  created_at      BIGINT NOT NULL,
  payload         TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_error      TEXT,
  delivered_at    BIGINT
);
CREATE INDEX notices_due ON notices (status, next_attempt_at);
CREATE INDEX notices_subject ON notices (subject_id, created_at);
`,
  },
  {
    version: 2,
    name: 'record-retention',
    // A record whose retention has ended is expired: its facts are emptied and expired_at set.
    // The partial index finds, per record type, the records still held that occurred before an
    // instant (the end of retention is counted from occurred_at); expired ones leave it.
    // The UPDATE leaves the old row version behind as a dead tuple until VACUUM reclaims it
    // (docs/concepts.md, "Retention").
    sql: `
ALTER TABLE records ADD COLUMN expired_at BIGINT;
CREATE INDEX records_retention ON records (type, occurred_at) WHERE expired_at IS NULL;
`,
  },
  {
    version: 3,
    name: 'audit-indexes-by-seq',
    // The receipt and access-log indexes sit outside the hash chain; audit verify reads them
    // entry range by entry range and compares them with the chain. Both grow at the end.
    sql: `
CREATE INDEX check_receipts_seq ON check_receipts (audit_seq);
CREATE INDEX audit_subject_days_seq ON audit_subject_days (seq);
`,
  },
  {
    version: 13,
    name: 'case-evidence',
    // Files a subject gives in support of an objection or repair application (issue 17, build
    // item 3): PDF, PNG or JPEG as their bytes say, at most 5 MB each, with the SHA-256 of the
    // bytes, checked on every download. Deleted with the facts of the record the case is about
    // when its retention ends: record_id finds them. Placed with the subject's cases.
    sql: `
CREATE TABLE case_evidence (
  subject_id   TEXT COLLATE "C" NOT NULL,
  id           TEXT COLLATE "C" NOT NULL,
  case_id      TEXT COLLATE "C" NOT NULL,
  record_id    TEXT COLLATE "C" NOT NULL,
  filename     TEXT NOT NULL,
  content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
  size         INTEGER NOT NULL,
  sha256       TEXT NOT NULL,
  uploaded_at  BIGINT NOT NULL,
  uploaded_by  TEXT NOT NULL,
  content      BYTEA NOT NULL,
  PRIMARY KEY (subject_id, id)
);
CREATE INDEX case_evidence_case ON case_evidence (case_id, uploaded_at, id);
CREATE INDEX case_evidence_record ON case_evidence (subject_id, record_id);
`,
  },
  {
    version: 14,
    name: 'catalog-publication-requests',
    // Four eyes on publishing (issue 17, build item 4): a version is put in force only when a
    // person other than its requester approves the request, which is bound to the document's
    // hash. At most one pending request per version.
    sql: `
CREATE TABLE catalog_publication_requests (
  id           TEXT COLLATE "C" PRIMARY KEY,
  catalog_id   TEXT COLLATE "C" NOT NULL,
  version      TEXT COLLATE "C" NOT NULL,
  hash         TEXT NOT NULL,
  rollback     BOOLEAN NOT NULL,
  replaces     TEXT,
  requested_by TEXT NOT NULL,
  requested_at BIGINT NOT NULL,
  note         TEXT,
  status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
  decided_by   TEXT,
  decided_at   BIGINT,
  reason       TEXT
);
CREATE UNIQUE INDEX catalog_publication_requests_pending ON catalog_publication_requests (catalog_id, version) WHERE status = 'pending';
CREATE INDEX catalog_publication_requests_at ON catalog_publication_requests (requested_at);
`,
  },
  {
    version: 15,
    name: 'audit-by-actor',
    // The audit log filtered by who acted (issue 17, build item 8): an administrator's filter, and
    // each API key's last use in the key list, read newest first without walking the whole chain.
    sql: `
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
`,
  },
  {
    version: 16,
    name: 'list-entries-newest',
    // The portal's latest list announcements (app/public-notices.ts, latestEntries): entries in
    // effect read newest first and the scan stops at a page, instead of sorting every active entry.
    sql: `
CREATE INDEX list_entries_newest ON list_entries (status, since, id);
`,
  },
];

/**
 * How each table is placed on a Citus cluster (docs/scale.md): distributed by a column (co-located
 * with `subjects` when that column is `subject_id`), a reference table copied to every node, or
 * left on the coordinator. The schema test checks that every primary and unique key of a
 * distributed table contains its distribution column, which is what `create_distributed_table`
 * requires.
 */
export const CITUS_PLAN: Record<string, { distributeBy: string } | { reference: true } | { coordinator: string }> = {
  subjects: { distributeBy: 'subject_id' },
  relations: { distributeBy: 'subject_id' },
  records: { distributeBy: 'subject_id' },
  record_status: { distributeBy: 'subject_id' },
  subject_states: { distributeBy: 'subject_id' },
  list_entries: { distributeBy: 'subject_id' },
  dirty_subjects: { distributeBy: 'subject_id' },
  audit_subject_days: { distributeBy: 'subject_id' },
  cases: { distributeBy: 'subject_id' },
  case_evidence: { distributeBy: 'subject_id' },
  subject_identifiers: { distributeBy: 'hash' },
  record_keys: { distributeBy: 'external_id' },
  check_receipts: { distributeBy: 'receipt' },
  notices: { distributeBy: 'id' },
  meta: { reference: true },
  catalog_versions: { reference: true },
  catalog_publications: { reference: true },
  catalog_publication_requests: { reference: true },
  api_keys: { reference: true },
  audit_log: { coordinator: 'one hash chain: appended in order under one lock; partition by time (seq ranges) as it grows' },
  state_changes: { coordinator: 'the change feed: a day of rows, pruned; its order is the commit order' },
};

/** The SQL that distributes the schema on a Citus cluster, in an order Citus accepts. */
export function citusPlanSql(): string {
  const lines: string[] = [];
  for (const [table, p] of Object.entries(CITUS_PLAN)) {
    if ('reference' in p) lines.push(`SELECT create_reference_table('${table}');`);
  }
  for (const [table, p] of Object.entries(CITUS_PLAN)) {
    if ('distributeBy' in p) {
      const colocate = p.distributeBy === 'subject_id' && table !== 'subjects' ? ", colocate_with => 'subjects'" : '';
      lines.push(`SELECT create_distributed_table('${table}', '${p.distributeBy}'${colocate});`);
    }
  }
  return lines.join('\n');
}
