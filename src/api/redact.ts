/**
 * URLs as they may appear in logs: identifier values in the path masked, query values dropped
 * (a query can carry a person's name or ID number). Keys stay, so a log still says what was asked.
 */
import { maskIdentifier, parseSubjectRef } from '../ids/index.js';
import { maskRidShapes } from '../ids/rid-finder.js';

const SAFE_QUERY = new Set(['limit', 'after', 'before', 'all', 'asOf', 'action']);

function maskSegment(seg: string): string {
  let s: string;
  try {
    s = decodeURIComponent(seg);
  } catch {
    s = seg;
  }
  const colon = s.indexOf(':');
  // `scheme:value` with a digit in the value; `checks:batch` and `audit:verify` are route verbs.
  if (colon > 0 && /^[a-z][a-z0-9-]{1,31}$/.test(s.slice(0, colon)) && /\d/.test(s.slice(colon + 1))) {
    const scheme = s.slice(0, colon);
    return `${scheme}:${maskIdentifier(scheme === 'cn-uscc' ? 'cn-uscc' : scheme === 'cn-rid' ? 'cn-rid' : 'other', s.slice(colon + 1))}`;
  }
  // An 18-character ID number pasted on its own, anywhere in the path.
  return maskRidShapes(s);
}

export function hideIdsInUrl(url: string): string {
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q)).split('/').map(maskSegment).join('/');
  if (q < 0) return path;
  const params = new URLSearchParams(url.slice(q + 1));
  const kept: string[] = [];
  // A paging value is kept only if nothing in it is, or is shaped like, an ID number (`?asOf=` and
  // `?after=` are free text to whoever sends them).
  for (const [k, v] of params) kept.push(SAFE_QUERY.has(k) && v.length <= 64 && maskRidShapes(v) === v ? `${k}=${v}` : `${k}=…`);
  return kept.length ? `${path}?${kept.join('&')}` : path;
}

/** How an unknown subject's reference is kept in the audit log: masked, never in clear. */
export function maskedRef(ref: string): string {
  const p = parseSubjectRef(ref);
  if (!p.ok) return '(invalid)';
  return p.value.type === 'internal' ? p.value.id : `${p.value.scheme}:${maskIdentifier(p.value.scheme, p.value.value)}`;
}
