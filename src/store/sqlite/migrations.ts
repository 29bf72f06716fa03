/**
 * Versioned schema of the SQLite adapter. Never edit a shipped migration: add a new one.
 *
 * Layout for sharding: every large table carries `subject_id`; catalog tables are small
 * reference tables. Instants are INTEGER epoch milliseconds (UTC).
 */
export const SQLITE_MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'core',
    sql: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE catalog_versions (
  catalog_id   TEXT NOT NULL,
  version      TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('draft', 'published')),
  hash         TEXT NOT NULL,
  doc          TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  published_at INTEGER,
  PRIMARY KEY (catalog_id, version)
);

CREATE TABLE subjects (
  id         TEXT PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('person', 'enterprise', 'institution', 'government')),
  name       TEXT NOT NULL,
  region     TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

-- Identifiers are kept only as a keyed hash, a masked form and (optionally) ciphertext.
CREATE TABLE subject_identifiers (
  hash       TEXT PRIMARY KEY,
  subject_id TEXT NOT NULL REFERENCES subjects(id),
  scheme     TEXT NOT NULL,
  masked     TEXT NOT NULL,
  encrypted  TEXT
);
CREATE INDEX subject_identifiers_subject ON subject_identifiers(subject_id);

CREATE TABLE relations (
  subject_id TEXT NOT NULL REFERENCES subjects(id),
  role       TEXT NOT NULL CHECK (role IN ('legal-representative', 'actual-controller', 'principal')),
  person_id  TEXT NOT NULL REFERENCES subjects(id),
  PRIMARY KEY (subject_id, role, person_id)
);
CREATE INDEX relations_person ON relations(person_id);

CREATE TABLE records (
  id              TEXT PRIMARY KEY,
  subject_id      TEXT NOT NULL REFERENCES subjects(id),
  source          TEXT NOT NULL,
  external_id     TEXT NOT NULL,
  type            TEXT NOT NULL,
  area            TEXT NOT NULL,
  occurred_at     INTEGER NOT NULL,
  recorded_at     INTEGER NOT NULL,
  facts           TEXT NOT NULL,
  catalog_version TEXT NOT NULL,
  UNIQUE (source, external_id)
);
CREATE INDEX records_subject ON records(subject_id, occurred_at);

-- Append-only status history; a record with no row here has been 'active' since recorded_at.
CREATE TABLE record_status (
  record_id  TEXT NOT NULL REFERENCES records(id),
  subject_id TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('active', 'disputed', 'corrected', 'revoked', 'repaired', 'expired')),
  at         INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  reason     TEXT NOT NULL,
  PRIMARY KEY (record_id, seq)
);
CREATE INDEX record_status_subject ON record_status(subject_id);

CREATE TABLE subject_states (
  subject_id      TEXT PRIMARY KEY,
  kind            TEXT NOT NULL,
  catalog_version TEXT NOT NULL,
  as_of           INTEGER NOT NULL,
  next_change_at  INTEGER,
  grades          TEXT NOT NULL,
  schemes         TEXT NOT NULL
);

CREATE TABLE list_entries (
  id              TEXT PRIMARY KEY,
  subject_id      TEXT NOT NULL,
  owner_id        TEXT NOT NULL,
  list            TEXT NOT NULL,
  status          TEXT NOT NULL,
  since           INTEGER NOT NULL,
  decided_at      INTEGER NOT NULL,
  until           INTEGER,
  ended_at        INTEGER,
  end_reason      TEXT,
  reasons         TEXT NOT NULL,
  via_subject_id  TEXT,
  via_role        TEXT,
  catalog_version TEXT NOT NULL
);
CREATE INDEX list_entries_subject ON list_entries(subject_id);
CREATE INDEX list_entries_owner ON list_entries(owner_id);
CREATE INDEX list_entries_list ON list_entries(list, status, id);

-- Subjects whose records changed and whose derived state must be recomputed (an outbox:
-- written with the records, cleared with the new state, so a crash in between loses nothing).
CREATE TABLE dirty_subjects (subject_id TEXT PRIMARY KEY, since INTEGER NOT NULL);

CREATE TABLE audit_log (
  seq        INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  subject_id TEXT,
  data       TEXT NOT NULL,
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'due-subjects',
    // Lets a refresh find the states that change by time alone without scanning them all.
    // IF NOT EXISTS: development databases made before this migration existed already have it.
    sql: 'CREATE INDEX IF NOT EXISTS subject_states_next_change ON subject_states(next_change_at) WHERE next_change_at IS NOT NULL;',
  },
  {
    version: 3,
    name: 'history-of-publications-and-roles',
    // Publishing is an event, not a property of a version: a rollback must not rewrite when
    // earlier versions were in force. Legal roles get a period, so that an answer about the
    // past binds whoever held the role then.
    sql: `
CREATE TABLE catalog_publications (
  catalog_id   TEXT NOT NULL,
  version      TEXT NOT NULL,
  published_at INTEGER NOT NULL,
  PRIMARY KEY (catalog_id, version, published_at)
);
INSERT INTO catalog_publications (catalog_id, version, published_at)
  SELECT catalog_id, version, published_at FROM catalog_versions WHERE status = 'published' AND published_at IS NOT NULL;
ALTER TABLE relations ADD COLUMN since INTEGER NOT NULL DEFAULT 0;
ALTER TABLE relations ADD COLUMN until INTEGER;
`,
  },
  {
    version: 4,
    name: 'state-hash-and-dirty-marks',
    // state_hash lets a full rescore skip writing states that did not change. The mark counts
    // how often a subject was marked dirty, so a derivation clears only the marks it has seen:
    // a record that arrives while the subject is being scored keeps it dirty.
    sql: `
ALTER TABLE subject_states ADD COLUMN state_hash TEXT;
ALTER TABLE dirty_subjects ADD COLUMN mark INTEGER NOT NULL DEFAULT 1;
`,
  },
  {
    version: 5,
    name: 'role-periods',
    // One row per period a role is held, so a reappointment does not overwrite the first period.
    sql: `
CREATE TABLE relation_periods (
  id         INTEGER PRIMARY KEY,
  subject_id TEXT NOT NULL REFERENCES subjects(id),
  role       TEXT NOT NULL CHECK (role IN ('legal-representative', 'actual-controller', 'principal')),
  person_id  TEXT NOT NULL REFERENCES subjects(id),
  since      INTEGER NOT NULL,
  until      INTEGER
);
INSERT INTO relation_periods (subject_id, role, person_id, since, until) SELECT subject_id, role, person_id, since, until FROM relations;
DROP TABLE relations;
ALTER TABLE relation_periods RENAME TO relations;
CREATE INDEX relations_org ON relations(subject_id, until);
CREATE INDEX relations_person ON relations(person_id, until);
CREATE UNIQUE INDEX relations_open ON relations(subject_id, role, person_id) WHERE until IS NULL;
`,
  },
  {
    version: 6,
    name: 'api-keys-receipts-access-log',
    // API keys are kept as a SHA-256 of their secret (high-entropy, so no slow hash is needed);
    // the secret itself is shown once. Receipts index the audit entry that holds a check's
    // decision, and the subject index serves a person's access log (GET /v1/me).
    sql: `
CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('source', 'checker', 'reviewer', 'author', 'admin', 'subject')),
  scopes      TEXT NOT NULL,
  source      TEXT,
  subject_id  TEXT REFERENCES subjects(id),
  secret_hash TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  created_by  TEXT NOT NULL,
  revoked_at  INTEGER
);
CREATE TABLE check_receipts (
  receipt   TEXT PRIMARY KEY,
  audit_seq INTEGER NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log(subject_id, seq) WHERE subject_id IS NOT NULL;
CREATE INDEX audit_log_action ON audit_log(action, seq);
`,
  },
  {
    version: 7,
    name: 'state-change-feed-and-audit-subjects',
    // The change feed: every saved state leaves a row, so a server process sees derivations made
    // by another process (a CLI import, a second server) and updates its gate. audit_subjects
    // indexes entries about many subjects (a batch of checks) for each one's access log.
    sql: `
CREATE TABLE state_changes (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  subject_id TEXT NOT NULL,
  at         INTEGER NOT NULL
);
CREATE TABLE audit_subjects (
  subject_id TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  PRIMARY KEY (subject_id, seq)
) WITHOUT ROWID;
`,
  },
  {
    version: 8,
    name: 'audit-subject-days',
    // Indexing every subject of every batch check (10,000 rows a batch) made each batch cost a
    // quarter of a second once the index outgrew the page cache. An access log needs who looked,
    // why and on which day: the first entry per subject, day, actor and key is indexed, and the
    // audit chain keeps every check.
    sql: `
DROP TABLE audit_subjects;
CREATE TABLE audit_subject_days (
  subject_id TEXT NOT NULL,
  day        INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  key        TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  PRIMARY KEY (subject_id, day, actor, key)
) WITHOUT ROWID;
`,
  },
  {
    version: 9,
    name: 'due-process-cases-and-notices',
    // Objections, repair applications and commitments are cases: a JSON document (its shape is
    // the process core's) with the columns their queues are searched by. Notices are an outbox:
    // written in the same transaction as what they announce, delivered (with retries) after.
    sql: `
CREATE TABLE cases (
  id         TEXT PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('objection', 'repair', 'commitment')),
  subject_id TEXT NOT NULL REFERENCES subjects(id),
  status     TEXT NOT NULL,
  deadline   INTEGER,
  created_at INTEGER NOT NULL,
  doc        TEXT NOT NULL
);
CREATE INDEX cases_queue ON cases(kind, status, deadline);
CREATE INDEX cases_subject ON cases(subject_id, kind);
CREATE TABLE notices (
  id              TEXT PRIMARY KEY,
  subject_id      TEXT,
  kind            TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  payload         TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  delivered_at    INTEGER
);
CREATE INDEX notices_due ON notices(status, next_attempt_at);
CREATE INDEX notices_subject ON notices(subject_id, created_at);
`,
  },
  {
    version: 10,
    name: 'record-retention',
    // A record whose retention has ended is expired: its facts are deleted and expired_at set.
    // The partial index finds, per record type, the records still held that occurred before an
    // instant (the end of retention is counted from occurred_at); expired ones leave it.
    sql: `
ALTER TABLE records ADD COLUMN expired_at INTEGER;
CREATE INDEX records_retention ON records(type, occurred_at) WHERE expired_at IS NULL;
`,
  },
  {
    version: 11,
    name: 'audit-indexes-by-seq',
    // The receipt and access-log indexes sit outside the hash chain; audit verify reads them
    // entry range by entry range and compares them with the chain. Both indexes grow at the end
    // (seq only rises), so these stay small in cache and cheap to write.
    sql: `
CREATE INDEX check_receipts_seq ON check_receipts(audit_seq);
CREATE INDEX audit_subject_days_seq ON audit_subject_days(seq);
`,
  },
  {
    version: 12,
    name: 'persons-by-name',
    // A reviewer who states a purpose finds persons by their whole name (issue 17, build item 2):
    // an equality lookup on the names of persons only. Organisations are searched by part of
    // their name, which no B-tree serves.
    sql: `
CREATE INDEX subjects_person_name ON subjects(name, id) WHERE kind = 'person';
`,
  },
  {
    version: 13,
    name: 'case-evidence',
    // Files a subject gives in support of an objection or repair application (issue 17, build
    // item 3): PDF, PNG or JPEG as their bytes say, at most 5 MB each, with the SHA-256 of the
    // bytes, checked on every download. Deleted with the facts of the record the case is about
    // when its retention ends (records_retention): record_id finds them.
    sql: `
CREATE TABLE case_evidence (
  id           TEXT PRIMARY KEY,
  case_id      TEXT NOT NULL REFERENCES cases(id),
  subject_id   TEXT NOT NULL,
  record_id    TEXT NOT NULL,
  filename     TEXT NOT NULL,
  content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
  size         INTEGER NOT NULL,
  sha256       TEXT NOT NULL,
  uploaded_at  INTEGER NOT NULL,
  uploaded_by  TEXT NOT NULL,
  content      BLOB NOT NULL
);
CREATE INDEX case_evidence_case ON case_evidence(case_id, uploaded_at, id);
CREATE INDEX case_evidence_record ON case_evidence(record_id);
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
  id           TEXT PRIMARY KEY,
  catalog_id   TEXT NOT NULL,
  version      TEXT NOT NULL,
  hash         TEXT NOT NULL,
  rollback     INTEGER NOT NULL,
  replaces     TEXT,
  requested_by TEXT NOT NULL,
  requested_at INTEGER NOT NULL,
  note         TEXT,
  status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
  decided_by   TEXT,
  decided_at   INTEGER,
  reason       TEXT
);
CREATE UNIQUE INDEX catalog_publication_requests_pending ON catalog_publication_requests(catalog_id, version) WHERE status = 'pending';
CREATE INDEX catalog_publication_requests_at ON catalog_publication_requests(requested_at);
`,
  },
  {
    version: 15,
    name: 'audit-by-actor',
    // The audit log filtered by who acted (issue 17, build item 8): an administrator's filter, and
    // each API key's last use in the key list, read newest first without walking the whole chain.
    sql: `
CREATE INDEX audit_log_actor ON audit_log(actor, seq);
`,
  },
  {
    version: 16,
    name: 'list-entries-newest',
    // The portal's latest list announcements (app/public-notices.ts, latestEntries): entries in
    // effect read newest first and the scan stops at a page, instead of sorting every active entry.
    sql: `
CREATE INDEX list_entries_newest ON list_entries(status, since, id);
`,
  },
];
