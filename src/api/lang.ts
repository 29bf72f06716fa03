/**
 * The reader's language: the one place the HTTP door decides it. Inside xinyong every text a
 * person reads (a catalog item's name, authority, appeal route, a rendered legal basis, a notice's
 * "how to object") is `{ 'zh-CN', en }`; an answer carries the reader's language only, chosen from
 * `Accept-Language`, and says so in `Content-Language` (with `Vary: Accept-Language`).
 *
 * A route declares what its texts are with `config.texts`:
 * - `reader` (the default for /v1 and /public/v1): every `LocalText` in the answer, at any depth,
 *   becomes the string of the reader's language;
 * - `both`: the answer is a catalog document (or a comparison of two) that an author edits and
 *   sends back as a draft, so it keeps both languages (`Content-Language: zh-CN, en`);
 * - `none`: no text for a person (the OpenAPI document): left alone, no language named.
 *
 * Problems (problem+json) are written in English, whatever was asked (`Content-Language: en`).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { localize, type Lang } from '../domain/types.js';

export type RouteTexts = 'reader' | 'both' | 'none';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route's answer carries: texts in the reader's language (default), both languages, or none. */
    texts?: RouteTexts;
  }
}

/** One language range of Accept-Language (`zh-CN;q=0.8`) as the language xinyong answers in, or `*`, or null. */
function rangeLang(range: string): Lang | '*' | null {
  const tag = range.toLowerCase();
  if (tag === '*') return '*';
  const primary = tag.split('-')[0];
  // Every Chinese tag (zh, zh-CN, zh-Hans, zh-Hans-CN, zh-SG, zh-TW…) reads the Chinese text.
  if (primary === 'zh') return 'zh-CN';
  if (primary === 'en') return 'en';
  return null;
}

/**
 * The language to answer in, from an Accept-Language header (RFC 9110 §12.5.4): the acceptable
 * language with the highest q-value that xinyong has (zh-CN for any Chinese tag, en for any
 * English one), the earlier on a tie; `q=0` means "not this one"; `*` stands for any language not
 * named. Nothing acceptable, a header that does not parse, or none at all: English.
 */
export function readerLang(header: string | string[] | undefined): Lang {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return 'en';
  let best: { lang: Lang | '*'; q: number } | null = null;
  const refused = new Set<Lang>();
  // At most 32 ranges are read: a header is the client's to write, not to make us loop on.
  for (const part of value.split(',').slice(0, 32)) {
    const [range, ...params] = part.split(';').map((s) => s.trim());
    if (!range || !/^(\*|[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*)$/.test(range)) continue;
    let q = 1;
    for (const p of params) {
      const m = /^q=(0(\.\d{0,3})?|1(\.0{0,3})?)$/i.exec(p);
      if (m) q = Number(m[1]);
      else if (/^q=/i.test(p)) q = -1;
    }
    if (q < 0) continue;
    const lang = rangeLang(range);
    if (lang === null) continue;
    if (q === 0) {
      if (lang !== '*') refused.add(lang);
      continue;
    }
    if (!best || q > best.q) best = { lang, q };
  }
  if (!best) return 'en';
  if (best.lang !== '*') return best.lang;
  // `*`: any language not named with q=0 (English first).
  return refused.has('en') && !refused.has('zh-CN') ? 'zh-CN' : 'en';
}

/** Adds a field to the Vary header, keeping what is there. */
function vary(reply: FastifyReply, field: string) {
  const prev = reply.getHeader('vary');
  const list = prev === undefined ? '' : String(prev);
  if (list === '*' || list.split(',').some((x) => x.trim().toLowerCase() === field.toLowerCase())) return;
  reply.header('vary', list ? `${list}, ${field}` : field);
}

/** What a route's answer carries (`config.texts`); the API's own routes default to `reader`. */
function textsOf(req: FastifyRequest): RouteTexts {
  const declared = req.routeOptions.config?.texts;
  if (declared) return declared;
  return req.url.startsWith('/v1/') || req.url.startsWith('/public/v1/') ? 'reader' : 'none';
}

/**
 * The `preSerialization` hook: every JSON answer of the API in the reader's language. Runs on
 * objects only (Fastify does not call it for strings, buffers or streams: the web app's files).
 */
export function localizeAnswer(req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void): void {
  const texts = textsOf(req);
  if (texts === 'none') return done(null, payload);
  if (reply.statusCode >= 400) {
    // A problem's title and detail are English; the same URL answers the same problem to every reader.
    reply.header('content-language', 'en');
    return done(null, payload);
  }
  if (texts === 'both') {
    reply.header('content-language', 'zh-CN, en');
    return done(null, payload);
  }
  const lang = readerLang(req.headers['accept-language']);
  vary(reply, 'Accept-Language');
  reply.header('content-language', lang);
  done(null, localize(payload, lang));
}
