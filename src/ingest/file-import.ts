/**
 * Bulk import from a file: NDJSON (one record or subject registration per line) or CSV.
 * Lines are committed in batches; what is reported as committed has been committed, so a
 * `kill -9` at any moment followed by a rerun ends with every line stored exactly once.
 * Rejected lines go to `<file>.rejects.ndjson` with line number, field and reason.
 */
import { createReadStream, existsSync, openSync, closeSync, rmSync, statSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse as parseCsv } from 'csv-parse';
import cliProgress from 'cli-progress';
import type { Catalog } from '../catalog/types.js';
import type { Ingestor, IngestItem, ItemResult } from './ingestor.js';
import { containsRid } from '../ids/rid-finder.js';
import { parseJsonLine } from './lines.js';

export interface ImportOptions {
  path: string;
  source: string;
  ingestor: Ingestor;
  catalog: Catalog;
  batchSize?: number;
  /** Show a progress bar (on a TTY). */
  progress?: boolean;
  format?: 'ndjson' | 'csv';
}

export interface ImportSummary {
  lines: number;
  stored: number;
  duplicates: number;
  rejected: number;
  /** Where the rejected lines were written, if any were. */
  rejectFile: string | null;
}

export function rejectFilePath(path: string): string {
  return `${path}.rejects.ndjson`;
}

/** Yields the file's lines as parsed items with their line numbers and byte offsets. */
async function* ndjsonItems(path: string, source: string): AsyncGenerator<IngestItem & { bytes: number }> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNo = 0;
  let bytes = 0;
  for await (const raw of rl) {
    lineNo++;
    bytes += Buffer.byteLength(raw) + 1;
    // Spreadsheet exports often start with a byte-order mark; it is not part of the JSON.
    const text = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (text.trim() === '') continue;
    const parsed = parseJsonLine(text);
    const line: unknown = parsed.ok ? parsed.line : { __invalidJson: parsed.error.reason };
    yield { source, line, lineNo, bytes };
  }
}

const CSV_COLUMNS = new Set(['externalId', 'type', 'subject', 'occurredAt', 'facts']);

/** CSV columns: externalId, type, subject, occurredAt, then `facts` (JSON) or `facts.<name>` columns typed by the record type. */
async function* csvItems(path: string, source: string, catalog: Catalog): AsyncGenerator<IngestItem & { bytes: number }> {
  // A malformed row is rejected on its own line; csv-parse's message would quote the row's text.
  const malformed: { line: number; code: string }[] = [];
  const parser = createReadStream(path).pipe(
    parseCsv({
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
      info: true,
      skip_records_with_error: true,
      on_skip: (err) => {
        if (err) malformed.push({ line: (err as { lines?: number }).lines ?? 0, code: (err as { code?: string }).code ?? 'CSV_ERROR' });
        return undefined;
      },
    }),
  );
  const drainMalformed = function* (): Generator<IngestItem & { bytes: number }> {
    while (malformed.length) {
      const m = malformed.shift() as { line: number; code: string };
      yield { source, line: { __invalidCsv: `is a malformed CSV row (${m.code})`, field: '(line)' }, lineNo: m.line, bytes: 0 };
    }
  };
  for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number; bytes: number } }>) {
    yield* drainMalformed();
    const facts: Record<string, unknown> = {};
    const props = (catalog.recordTypes.get(record.type)?.schema.properties ?? {}) as Record<string, { type?: string }>;
    let bad: { field: string; reason: string } | null = null;
    const externalId = record.externalId;
    // Like NDJSON's unknown fields, an unknown column is an error, not silently dropped data.
    for (const k of Object.keys(record)) {
      if (!CSV_COLUMNS.has(k) && !k.startsWith('facts.')) bad ??= { field: k.length > 60 || /\d{6,}/.test(k) ? '(unknown column)' : k, reason: 'is not a column of a record file' };
    }
    for (const [k, v] of Object.entries(record)) {
      if (!k.startsWith('facts.') || v === '') continue;
      const name = k.slice(6);
      const t = props[name]?.type;
      if (t === 'integer' || t === 'number') {
        const n = Number(v);
        if (!Number.isFinite(n)) bad ??= { field: `facts.${name}`, reason: 'is not a number' };
        facts[name] = n;
      } else if (t === 'boolean') {
        if (v !== 'true' && v !== 'false') bad ??= { field: `facts.${name}`, reason: 'must be true or false' };
        facts[name] = v === 'true';
      } else facts[name] = v;
    }
    let line: unknown;
    if (bad) line = { __invalidCsv: bad.reason, field: bad.field, externalId };
    else if (record.facts) {
      try {
        line = { externalId: record.externalId, type: record.type, subject: record.subject, occurredAt: record.occurredAt, facts: JSON.parse(record.facts) };
      } catch {
        line = { __invalidCsv: 'is not valid JSON', field: 'facts', externalId };
      }
    } else line = { externalId: record.externalId, type: record.type, subject: record.subject, occurredAt: record.occurredAt, facts };
    yield { source, line, lineNo: info.lines, bytes: info.bytes };
  }
  yield* drainMalformed();
}

export async function importFile(opts: ImportOptions): Promise<ImportSummary> {
  const batchSize = opts.batchSize ?? 1000;
  const format = opts.format ?? (/\.csv$/i.test(opts.path) ? 'csv' : 'ndjson');
  const total = statSync(opts.path).size;
  const rejectPath = rejectFilePath(opts.path);
  if (existsSync(rejectPath)) rmSync(rejectPath);
  let rejectFd: number | null = null;
  const summary: ImportSummary = { lines: 0, stored: 0, duplicates: 0, rejected: 0, rejectFile: null };
  const bar = opts.progress ? new cliProgress.SingleBar({ format: 'importing [{bar}] {percentage}% | {stored} stored, {duplicates} duplicate, {rejected} rejected', stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
  bar?.start(total, 0, { stored: 0, duplicates: 0, rejected: 0 });

  const record = (results: ItemResult[], items: IngestItem[]) => {
    results.forEach((r, i) => {
      summary.lines++;
      if (r.status !== 'rejected') {
        if (r.status === 'stored') summary.stored++;
        else summary.duplicates++;
      } else {
        summary.rejected++;
        if (rejectFd === null) {
          rejectFd = openSync(rejectPath, 'w', 0o600);
          summary.rejectFile = rejectPath;
        }
        const l = items[i].line as Record<string, unknown> | null;
        // An externalId is echoed to help find the line, unless it carries an ID number.
        const externalId = l && typeof l === 'object' && typeof l.externalId === 'string' && !containsRid(l.externalId) ? l.externalId : undefined;
        // The original line is not copied: it may carry a person's identifier in clear.
        writeSync(rejectFd, JSON.stringify({ line: r.lineNo, externalId, field: r.error.field, reason: r.error.reason }) + '\n');
      }
    });
  };

  type Line = IngestItem & { bytes: number };
  /** A batch of lines, split into those the pipeline gets and those that failed to parse. */
  interface Split {
    batch: Line[];
    parsed: IngestItem[];
    early: { r: ItemResult; it: IngestItem }[];
  }
  const split = (batch: Line[]): Split => {
    const parsed: IngestItem[] = [];
    const early: Split['early'] = [];
    for (const it of batch) {
      const l = it.line as Record<string, unknown>;
      if (l && typeof l === 'object' && ('__invalidJson' in l || '__invalidCsv' in l)) {
        const error = '__invalidJson' in l ? { field: '(line)', reason: String(l.__invalidJson) } : { field: String(l.field), reason: String(l.__invalidCsv) };
        early.push({ r: { lineNo: it.lineNo, status: 'rejected', error }, it });
      } else parsed.push(it);
    }
    return { batch, parsed, early };
  };
  async function* batches(): AsyncGenerator<Split> {
    let batch: Line[] = [];
    const items = format === 'csv' ? csvItems(opts.path, opts.source, opts.catalog) : ndjsonItems(opts.path, opts.source);
    for await (const it of items) {
      batch.push(it);
      if (batch.length >= batchSize) {
        yield split(batch);
        batch = [];
      }
    }
    if (batch.length > 0) yield split(batch);
  }

  try {
    // Lines that failed to parse never reach the pipeline; the next batch is read and resolved
    // while this one commits (Ingestor.ingestBatches).
    await opts.ingestor.ingestBatches(
      batches(),
      (s) => s.parsed,
      (results, s) => {
        // Report in input order, so the reject file reads top to bottom like the input.
        const all = [...s.early, ...results.map((r, i) => ({ r, it: s.parsed[i] }))];
        all.sort((x, y) => (x.r.lineNo ?? 0) - (y.r.lineNo ?? 0));
        record(all.map((x) => x.r), all.map((x) => x.it));
        bar?.update(s.batch[s.batch.length - 1].bytes, { stored: summary.stored, duplicates: summary.duplicates, rejected: summary.rejected });
      },
    );
    await opts.ingestor.flush();
  } finally {
    bar?.stop();
    if (rejectFd !== null) closeSync(rejectFd);
  }
  return summary;
}
