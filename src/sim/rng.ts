/**
 * Seeded randomness for the synthetic city. Every subject gets its own xoroshiro128+ stream,
 * derived by hashing (seed, stream, index): a subject's data then depends only on the options and
 * its position, not on how much randomness earlier subjects consumed, which keeps the generator
 * streamable and makes a change to one rate leave the rest of the city untouched.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import type { Instant } from '../domain/types.js';

/** Independent streams; the numbers are part of the seed contract, so never renumber them. */
export const STREAM = {
  person: 1,
  personRecords: 2,
  organisation: 3,
  organisationRecords: 4,
  personRoutine: 5,
  organisationRoutine: 6,
  /** Records the 2026.2 catalog added (records-credit.ts), apart so the rest of the city stayed as it was. */
  personCredit: 7,
  organisationCredit: 8,
  /** Administrative licences (records-org.ts), apart so the rest of the city stayed as it was. */
  organisationLicences: 9,
} as const;

// murmur3's 32-bit finaliser: a cheap bijective avalanche, good enough to decorrelate seeds.
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform-ish helper around one pure-rand generator (mutated in place; the stream is private). */
export class Rng {
  private readonly g: RandomGenerator;

  /** The stream for (seed, stream, index); any integer seed, including ones beyond 32 bits. */
  constructor(seed: number, stream: number, index: number) {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let h = fmix32(lo ^ 0x9e3779b9);
    h = fmix32(h ^ hi ^ Math.imul(stream, 0x27d4eb2f));
    h = fmix32(h ^ index);
    const state: number[] = [];
    for (let k = 0; k < 4; k++) {
      h = fmix32((h + 0x9e3779b9) >>> 0);
      state.push(h | 0);
    }
    // xoroshiro must not start from the all-zero state.
    if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
    this.g = xoroshiro128plusFromState(state);
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  float(): number {
    return (this.g.next() >>> 0) / 4294967296;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return uniformInt(this.g, min, max);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One element, uniformly. */
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)];
  }

  /** An instant in [from, to), truncated to whole seconds; `from` if the window is empty. */
  between(from: Instant, to: Instant): Instant {
    if (to <= from) return from;
    const t = from + Math.floor(this.float() * (to - from));
    return t - (((t % 1000) + 1000) % 1000);
  }

  /** A Poisson-distributed count with the given mean (≥ 0), by inversion in chunks of at most 30. */
  poisson(mean: number): number {
    let n = 0;
    for (let left = mean; left > 0; left -= 30) {
      // Inversion: exp(-30) is far from underflow, and a chunk costs about its mean in draws.
      const m = Math.min(left, 30);
      let p = Math.exp(-m);
      let cdf = p;
      let k = 0;
      const u = this.float();
      while (u > cdf && k < 1000) {
        k++;
        p *= m / k;
        cdf += p;
      }
      n += k;
    }
    return n;
  }

  /** Log-uniform amount in [min, max], rounded to fen: debts and fines spread over orders of magnitude. */
  amount(min: number, max: number): number {
    const v = Math.exp(Math.log(min) + this.float() * (Math.log(max) - Math.log(min)));
    return Math.round(v * 100) / 100;
  }
}

/** A fixed weighted choice, with cumulative weights computed once. */
export class Weighted<T> {
  private readonly values: T[];
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    this.values = entries.map((e) => e[0]);
    let sum = 0;
    this.cumulative = entries.map((e) => (sum += e[1]));
    this.total = sum;
  }

  /** Index of the drawn value. */
  pickIndex(rng: Rng): number {
    const x = rng.float() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x < this.cumulative[mid]) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** The drawn value. */
  pick(rng: Rng): T {
    return this.values[this.pickIndex(rng)];
  }
}
