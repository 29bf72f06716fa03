/**
 * `POST /v1/records?async=true`: published to NATS JetStream, answered 202 with a tracking id per
 * line, stored by the ingest worker, then found by `GET /v1/records/{id}`. Needs the NATS server
 * of the machine (nats://127.0.0.1:4222, or XY_TEST_NATS): not running is a failure, not a skip.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Ingestor } from '../../src/ingest/ingestor.js';
import { recordId } from '../../src/ingest/resolve.js';
import { RecordStream, runWorker } from '../../src/ingest/stream.js';
import { HEADERS, streamLayout } from '../../src/ingest/stream-layout.js';
import { buildServer, type Server } from '../../src/api/server.js';
import { makeFixture, NOW, type Fixture } from './fixture.js';

const NATS = process.env.XY_TEST_NATS ?? 'nats://127.0.0.1:4222';
const PREFIX = `api${process.pid}${Date.now().toString(36)}`;
const layout = streamLayout({ prefix: PREFIX, partitions: 4 });

let f: Fixture;
let stream: RecordStream;
let server: Server;

const decision = (n: string, subject: string) => ({
  externalId: `(2026)闽0102执${n}号`,
  type: 'court.dishonest-debtor-decision',
  subject,
  occurredAt: '2026-11-02',
  facts: { caseNo: `(2026)闽0102执${n}号`, court: '福州市鼓楼区人民法院', ground: 'evades' },
});

const post = (url: string, payload: unknown, app = server.app) => app.inject({ method: 'POST', url, payload: payload as object, headers: { authorization: `Bearer ${f.keys.source}` } });
const read = (id: string) => f.req({ method: 'GET', url: `/v1/records/${id}?purpose=async+test`, role: 'source' });

/** Runs a worker in process until `done` holds, then drains it. */
async function work(done: () => Promise<boolean>) {
  const stop = new AbortController();
  const ingestor = new Ingestor(f.ctx.store, f.ctx.catalog, f.ctx.keyring, { now: () => NOW, actor: 'ingest-worker' });
  const running = runWorker({ stream, ingestor, durable: `${PREFIX}-ingest`, batch: 100, ackWaitMs: 10_000, signal: stop.signal });
  const t0 = Date.now();
  while (!(await done()) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 100));
  stop.abort();
  return running;
}

let unreachable: Error | null = null;

beforeAll(async () => {
  f = await makeFixture();
  try {
    stream = await RecordStream.open(NATS, layout, 'xinyong api test');
  } catch (e) {
    unreachable = e as Error;
    return;
  }
  server = await buildServer({ ctx: f.ctx, now: () => NOW, logLevel: 'silent', refreshEveryMs: 0, syncEveryMs: 0, stream });
});

// Each test fails (not skips) with the reason when NATS is not running.
beforeEach(() => {
  if (unreachable) throw unreachable;
});

afterAll(async () => {
  await server?.app.close();
  if (stream) {
    await stream.deleteStreams();
    await stream.close();
  }
  await f?.close();
});

describe('POST /v1/records?async=true', () => {
  it('answers 202 with the record id as tracking id; the record is there once the worker has run', async () => {
    const line = decision('901', f.org.ref);
    const id = recordId('spc', line.externalId);
    const r = await post('/v1/records?async=true', line);
    expect(r.statusCode).toBe(202);
    expect(r.json()).toEqual({ accepted: 1, rejected: 0, results: [{ index: 0, status: 'accepted', recordId: id }] });
    // Published, not stored.
    expect((await read(id)).statusCode).toBe(404);

    const summary = await work(async () => (await read(id)).statusCode === 200);
    expect(summary).toMatchObject({ messages: 1, stored: 1, duplicates: 0, dead: 0 });
    const rec = (await read(id)).json();
    expect(rec).toMatchObject({ id, source: 'spc', externalId: line.externalId, type: 'court.dishonest-debtor-decision', subjectId: f.org.id, facts: line.facts, statuses: [] });
  });

  it('answers a batch per line: lines the API can refuse without the store are refused at once, the rest published', async () => {
    const good = decision('902', f.org.ref);
    const r = await post('/v1/records?async=true', {
      records: [
        good,
        { ...decision('903', f.org.ref), facts: { caseNo: 'x', court: 'y', ground: 'did-not-pay' } },
        { ...decision('904', f.org.ref), type: 'finance.loan-arrears' },
        { kind: 'subject', subject: f.org.ref, name: 'x' },
        // An internal id the store does not know: only the worker can tell, and dead-letters it.
        decision('905', 's_000000000000000000000000'),
        good,
      ],
    });
    expect(r.statusCode).toBe(202);
    expect(r.json()).toEqual({
      accepted: 3,
      rejected: 3,
      results: [
        { index: 0, status: 'accepted', recordId: recordId('spc', good.externalId) },
        { index: 1, status: 'rejected', field: '/facts/ground', reason: 'must be one of: refuses-despite-ability, obstructs, evades, false-asset-report, breaches-consumption-order, breaks-settlement' },
        { index: 2, status: 'rejected', field: '/type', reason: "source 'spc' is not authorised to send finance.loan-arrears", forbidden: true },
        { index: 3, status: 'rejected', field: '/kind', reason: 'subject registrations are not sent asynchronously; send them without async=true' },
        { index: 4, status: 'accepted', recordId: recordId('spc', decision('905', '').externalId) },
        { index: 5, status: 'accepted', recordId: recordId('spc', good.externalId) },
      ],
    });
    const dead = () => stream.jsm.streams.info(layout.deadStream).then((i) => i.state.messages);
    // The resend inside the batch is dropped by JetStream's duplicate window: two messages, not three.
    const summary = await work(async () => (await read(recordId('spc', good.externalId))).statusCode === 200 && (await dead()) === 1);
    expect(summary).toMatchObject({ messages: 2, stored: 1, duplicates: 0, dead: 1 });
    const m = await stream.jsm.streams.getMessage(layout.deadStream, { seq: 1 });
    expect([m.header.get(HEADERS.field), m.header.get(HEADERS.reason), m.header.get(HEADERS.source)]).toEqual(['/subject', 'unknown subject: register it first, or refer to it by cn-rid or cn-uscc', 'spc']);
    expect(JSON.parse(new TextDecoder().decode(m.data))).toEqual(decision('905', 's_000000000000000000000000'));
  });

  it('refuses a single line it can refuse at once with the problem the synchronous send gives', async () => {
    const r = await post('/v1/records?async=true', { ...decision('906', f.org.ref), occurredAt: '2030-01-01' });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'XY_ERR_VALIDATION', field: '/occurredAt', detail: '/occurredAt: is in the future' });
  });

  it('is 503 XY_ERR_STREAM_UNAVAILABLE on a server started without --nats, and stores nothing', async () => {
    const line = decision('907', f.org.ref);
    const r = await post('/v1/records?async=true', line, f.app);
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ code: 'XY_ERR_STREAM_UNAVAILABLE', status: 503, field: 'querystring:/async', detail: 'this server publishes to no stream: it runs without --nats; send the records without async=true' });
    expect((await read(recordId('spc', line.externalId))).statusCode).toBe(404);
    // async=false is the ordinary synchronous send.
    expect((await post('/v1/records?async=false', line, f.app)).statusCode).toBe(201);
  });
});
