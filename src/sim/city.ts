/**
 * The seeded synthetic city: residents, enterprises, public institutions and government organs of
 * a Weihai-like prefecture, with three years of credit records, as the import lines a registry and
 * the sources would send. Pure and deterministic (no clock, no Math.random, no I/O) and streaming:
 * per subject it keeps one packed integer for persons and one code for organisations, so a city of
 * a million residents fits comfortably in memory while its records flow straight to the consumer.
 */
import type { Instant, LegalRole, SubjectKind } from '../domain/types.js';
import type { RecordLine, SubjectLine } from '../ingest/lines.js';
import type { BirthWindow } from './identity.js';
import { birthWindow, drawPerson, drawUscc, packPerson, ridOf, unpackPerson } from './identity.js';
import { enterpriseName, governmentName, institutionName, personName } from './names.js';
import type { Ctx, Draft } from './records-common.js';
import { Numbering, clockAt, sourceOf } from './records-common.js';
import { directoryGrounds, seriousDishonestyDecisions } from './records-credit.js';
import { adminLicences, enterpriseRecords, publicBodyRecords } from './records-org.js';
import { personRecords } from './records-person.js';
import { organisationRoutine, personRoutine } from './records-routine.js';
import { REGIONS } from './regions.js';
import { Rng, STREAM, Weighted } from './rng.js';

/** What city to build. */
export interface CityOptions {
  /** Number of residents (adults aged 18–80 at `now`). */
  persons: number;
  /** Number of market entities: companies (91), individual businesses (92) and cooperatives (93). */
  enterprises: number;
  /** Any integer; the same options always give the same city. */
  seed: number;
  /** Epoch ms; records span the three years before it (a few stale ones up to 3.5 years). */
  now: Instant;
  /** Public institutions (schools, libraries …); default max(3, round(enterprises / 10)). */
  institutions?: number;
  /** Government organs; default max(3, round(enterprises / 20)). */
  governments?: number;
  /**
   * Mean number of extra everyday records per subject over the three years (default 0: the demo
   * city): traffic tickets, volunteering and blood donations for persons, minor administrative
   * penalties for organisations, none of which lists anyone (see `ROUTINE_MIX`). Drawn from
   * streams of their own, so the rest of the city's records are the same with or without them.
   */
  routine?: number;
}

/** One line of the city, with the source that sends it (`null` for subject registrations). */
export interface CityItem {
  source: string | null;
  line: SubjectLine | RecordLine;
}

/** The resolved population sizes, defaults applied. Throws a RangeError on invalid options. */
export function citySize(opts: CityOptions): { persons: number; enterprises: number; institutions: number; governments: number } {
  const count = (name: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      throw new RangeError(`city option ${name} must be a non-negative integer, got ${String(v)}`);
    }
    return v;
  };
  const persons = count('persons', opts.persons);
  const enterprises = count('enterprises', opts.enterprises);
  const institutions = count('institutions', opts.institutions ?? Math.max(3, Math.round(enterprises / 10)));
  const governments = count('governments', opts.governments ?? Math.max(3, Math.round(enterprises / 20)));
  if (!Number.isSafeInteger(opts.seed)) throw new RangeError(`city option seed must be an integer, got ${String(opts.seed)}`);
  if (!Number.isFinite(opts.now)) throw new RangeError(`city option now must be epoch milliseconds, got ${String(opts.now)}`);
  const routine = opts.routine ?? 0;
  if (typeof routine !== 'number' || !Number.isFinite(routine) || routine < 0) {
    throw new RangeError(`city option routine must be a non-negative number, got ${String(opts.routine)}`);
  }
  // Every organisation needs a legal representative, and those are drawn from the residents.
  if (persons === 0 && enterprises + institutions + governments > 0) {
    throw new RangeError('a city with organisations needs at least one person to act as legal representative');
  }
  return { persons, enterprises, institutions, governments };
}

const REGION_PICKER = new Weighted<number>(REGIONS.map((r, i) => [i, r.weight] as const));
const ENTERPRISE_TYPES = new Weighted<'91' | '92' | '93'>([['91', 80], ['92', 15], ['93', 5]]);

type OrgKind = Exclude<SubjectKind, 'person'>;

/** Registered organisations, kept only as far as the record phase needs them. */
interface OrgTable {
  codes: string[];
  regions: Uint8Array;
  kinds: OrgKind[];
}

/**
 * Generates the city: all person registrations, then all organisation registrations (each with
 * its legal representative and, for some enterprises, principal and actual controller, all
 * earlier persons), then the records grouped per subject in occurrence order.
 */
export function* generateCity(opts: CityOptions): Generator<CityItem> {
  const size = citySize(opts);
  const { seed, now } = opts;
  const window = birthWindow(now);
  const persons = new Uint32Array(size.persons);

  yield* registerPersons(seed, window, persons);
  const orgs: OrgTable = { codes: [], regions: new Uint8Array(size.enterprises + size.institutions + size.governments), kinds: [] };
  yield* registerOrganisations(seed, size, window, persons, orgs);

  const ctx: Ctx = { clock: clockAt(now), num: new Numbering() };
  const routine = opts.routine ?? 0;
  for (let i = 0; i < persons.length; i++) {
    const rng = new Rng(seed, STREAM.personRecords, i);
    const region = REGIONS[unpackPerson(persons[i]).regionIndex];
    const drafts = personRecords(rng, ctx, region);
    drafts.push(...seriousDishonestyDecisions(new Rng(seed, STREAM.personCredit, i), ctx, region, drafts));
    if (routine > 0) drafts.push(...personRoutine(new Rng(seed, STREAM.personRoutine, i), ctx, region, routine));
    if (drafts.length > 0) yield* emit(ctx, `cn-rid:${ridOf(persons[i], window)}`, drafts);
  }
  for (let j = 0; j < orgs.codes.length; j++) {
    const rng = new Rng(seed, STREAM.organisationRecords, j);
    const region = REGIONS[orgs.regions[j]];
    const drafts = orgs.kinds[j] === 'enterprise' ? enterpriseRecords(rng, ctx, region) : publicBodyRecords(rng, ctx, region);
    if (orgs.kinds[j] === 'enterprise') {
      const credit = new Rng(seed, STREAM.organisationCredit, j);
      drafts.push(...directoryGrounds(credit, ctx, region));
      drafts.push(...seriousDishonestyDecisions(credit, ctx, region, drafts));
    }
    drafts.push(...adminLicences(new Rng(seed, STREAM.organisationLicences, j), ctx, region, orgs.kinds[j] === 'enterprise'));
    if (routine > 0) drafts.push(...organisationRoutine(new Rng(seed, STREAM.organisationRoutine, j), ctx, region, routine));
    if (drafts.length > 0) yield* emit(ctx, `cn-uscc:${orgs.codes[j]}`, drafts);
  }
}

function* registerPersons(seed: number, window: BirthWindow, out: Uint32Array): Generator<CityItem> {
  // Packed identities issued so far: the guarantee that no two residents share a number.
  const issued = new Set<number>();
  for (let i = 0; i < out.length; i++) {
    const rng = new Rng(seed, STREAM.person, i);
    const male = rng.chance(0.5);
    const regionIndex = REGION_PICKER.pick(rng);
    let packed: number;
    do packed = packPerson(drawPerson(rng, regionIndex, window, male));
    while (issued.has(packed));
    issued.add(packed);
    out[i] = packed;
    const region = REGIONS[regionIndex];
    yield {
      source: null,
      line: {
        kind: 'subject',
        subject: `cn-rid:${ridOf(packed, window)}`,
        subjectKind: 'person',
        name: personName(rng, male),
        region: region.code,
      },
    };
  }
}

function* registerOrganisations(
  seed: number,
  size: ReturnType<typeof citySize>,
  window: BirthWindow,
  persons: Uint32Array,
  out: OrgTable,
): Generator<CityItem> {
  const takenOrgCodes = new Set<string>();
  const takenNames = new Set<string>();
  const total = size.enterprises + size.institutions + size.governments;
  const person = (rng: Rng): string => `cn-rid:${ridOf(persons[rng.int(0, persons.length - 1)], window)}`;
  for (let j = 0; j < total; j++) {
    const rng = new Rng(seed, STREAM.organisation, j);
    const kind: OrgKind =
      j < size.enterprises ? 'enterprise' : j < size.enterprises + size.institutions ? 'institution' : 'government';
    const regionIndex = REGION_PICKER.pick(rng);
    const region = REGIONS[regionIndex];
    let prefix: string;
    let name: string;
    const relations: { role: LegalRole; subject: string }[] = [{ role: 'legal-representative', subject: person(rng) }];
    if (kind === 'enterprise') {
      const type = ENTERPRISE_TYPES.pick(rng);
      prefix = type;
      name = enterpriseName(rng, type, region, takenNames);
      // Individual businesses have only their operator; companies may name a principal and an
      // actual controller distinct from the legal representative.
      if (type !== '92' && rng.chance(0.15)) relations.push({ role: 'principal', subject: person(rng) });
      if (type === '91' && rng.chance(0.2)) relations.push({ role: 'actual-controller', subject: person(rng) });
    } else if (kind === 'institution') {
      prefix = '12';
      name = institutionName(rng, region, takenNames);
    } else {
      prefix = '11';
      name = governmentName(rng, region, takenNames);
    }
    const code = drawUscc(rng, prefix, region.code, takenOrgCodes);
    out.codes.push(code);
    out.regions[j] = regionIndex;
    out.kinds.push(kind);
    yield {
      source: null,
      line: { kind: 'subject', subject: `cn-uscc:${code}`, subjectKind: kind, name, region: region.code, relations },
    };
  }
}

function* emit(ctx: Ctx, subject: string, drafts: Draft[]): Generator<CityItem> {
  // Stable sort: follow-ups (performance, remedies) always come after what they follow.
  drafts.sort((a, b) => a.at - b.at);
  for (const d of drafts) {
    const source = sourceOf(d.type);
    yield {
      source,
      line: {
        externalId: ctx.num.externalId(source),
        type: d.type,
        subject,
        occurredAt: new Date(d.at).toISOString(),
        facts: d.facts,
      },
    };
  }
}
