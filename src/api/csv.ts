/**
 * CSV by content negotiation: a list read that can be exported answers `text/csv` when the request
 * prefers it in `Accept` (JSON stays the default), from the same endpoint, with the same access
 * rules. The use cases (`app/export.ts`) build the file; this module only decides, documents and
 * sends it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CsvExport } from '../app/export.js';
import type { Lang } from '../domain/types.js';
import { readerLang } from './lang.js';

/** The q-value of the first range of `accept` that `match` takes, or null when none does. */
function quality(ranges: { range: string; q: number }[], match: (range: string) => boolean): { q: number; at: number } | null {
  const at = ranges.findIndex((r) => match(r.range));
  return at < 0 ? null : { q: ranges[at].q, at };
}

/**
 * Whether the request asks for CSV: `text/csv` (or `text/*`) named in Accept with a q-value above
 * zero and above JSON's (`application/json`, `application/*`), the earlier on a tie. `*\/*` alone,
 * or no Accept, is JSON.
 */
export function wantsCsv(req: FastifyRequest): boolean {
  const header = req.headers.accept;
  if (!header) return false;
  const ranges = header
    .split(',')
    .slice(0, 32)
    .map((part) => {
      const [range, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.map((p) => /^q=([01](\.\d{0,3})?)$/.exec(p)).find((m) => m !== null);
      return { range, q: q ? Number(q[1]) : 1 };
    });
  const csv = quality(ranges, (r) => r === 'text/csv' || r === 'text/*');
  if (!csv || csv.q <= 0) return false;
  const json = quality(ranges, (r) => r === 'application/json' || r === 'application/*' || r === 'application/problem+json');
  return !json || csv.q > json.q || (csv.q === json.q && csv.at < json.at);
}

/** The language of the header row: the reader's, as every answer of the API (`lang.ts`). */
export const csvLang = (req: FastifyRequest): Lang => readerLang(req.headers['accept-language']);

/**
 * A 200 response that is JSON by default and CSV on request, for the OpenAPI document. `columns`
 * names the CSV's columns in order.
 */
export function jsonOrCsv<S>(json: S, columns: readonly { label: { en: string } }[], what: string) {
  return {
    description: `${what}. With \`Accept: text/csv\`: every matching row (at most 100,000) as CSV, UTF-8 with a BOM, CRLF, a header row in the reader's language (Accept-Language), columns: ${columns.map((c) => c.label.en).join(', ')}.`,
    content: {
      'application/json': { schema: json },
      'text/csv': { schema: { type: 'string' as const, description: 'RFC 4180 CSV, UTF-8 with a byte-order mark; a cell starting with =, +, -, @, tab or CR is prefixed with \'.' } },
    },
  };
}

/** Sends an export as a download. */
export function sendCsv(req: FastifyRequest, reply: FastifyReply, csv: CsvExport): FastifyReply {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${csv.filename}"`)
    .header('content-language', csvLang(req))
    .header('vary', 'Accept, Accept-Language')
    .header('x-total-count', String(csv.rows))
    .send(csv.body);
}
