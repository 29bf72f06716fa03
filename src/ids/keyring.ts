/**
 * The key material that protects identifiers at rest (DESIGN.md §5): a keyed hash that makes a
 * person's number a lookup key without storing it, and authenticated encryption for the few values
 * a reviewer must see in full. Both keys derive from one secret so that an operator manages a
 * single file, while HKDF keeps them independent: knowing one reveals nothing about the other.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

const MIN_SECRET_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const TOKEN_VERSION = 'v1';
// Empty salt (RFC 5869 §3.1 allows it): the secret is already uniformly random, and a fixed,
// documented derivation lets another implementation (a PostgreSQL job, an audit tool) re-derive keys.
const HKDF_SALT = Buffer.alloc(0);
const HMAC_INFO = 'xinyong/hmac/v1';
const ENC_INFO = 'xinyong/enc/v1';
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Keyed hashing and encryption of identifiers. Key material stays in private fields and never prints. */
export class Keyring {
  readonly #hmacKey: KeyObject;
  readonly #encKey: KeyObject;

  private constructor(hmacKey: KeyObject, encKey: KeyObject) {
    this.#hmacKey = hmacKey;
    this.#encKey = encKey;
  }

  /** Derives the hashing and encryption keys from a secret of at least 32 bytes. */
  static fromSecret(secret: Buffer): Keyring {
    if (!Buffer.isBuffer(secret) || secret.length < MIN_SECRET_BYTES) {
      throw new Error(`a keyring secret must be at least ${MIN_SECRET_BYTES} bytes`);
    }
    const derive = (info: string): KeyObject =>
      createSecretKey(Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, info, 32)));
    return new Keyring(derive(HMAC_INFO), derive(ENC_INFO));
  }

  /** A keyring with a fresh random secret, for in-memory databases and tests: nothing survives it. */
  static random(): Keyring {
    return Keyring.fromSecret(randomBytes(32));
  }

  /**
   * Hex HMAC-SHA256 of `scheme:value`. The scheme is part of the input so that equal values under
   * different schemes never collide. Pass normalised values (as `parseSubjectRef` returns them).
   */
  hash(scheme: string, value: string): string {
    return createHmac('sha256', this.#hmacKey).update(`${scheme}:${value}`).digest('hex');
  }

  /** The internal subject id for an identifier: stable under this key, meaningless without it. */
  subjectId(scheme: string, value: string): string {
    return 's_' + this.hash(scheme, value).slice(0, 24);
  }

  /** AES-256-GCM with a random IV; returns `v1.<iv>.<tag>.<ciphertext>`, each part base64url. */
  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#encKey, iv, { authTagLength: TAG_BYTES });
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [TOKEN_VERSION, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join('.');
  }

  /** Reverses {@link encrypt}. Throws if the token is malformed, was altered, or was made under another key. */
  decrypt(token: string): string {
    const parts = typeof token === 'string' ? token.split('.') : [];
    if (parts.length !== 4 || parts[0] !== TOKEN_VERSION || !parts.slice(1).every((p) => BASE64URL.test(p))) {
      throw new Error(`cannot decrypt: not a ${TOKEN_VERSION}.<iv>.<tag>.<ciphertext> token`);
    }
    const iv = Buffer.from(parts[1], 'base64url');
    const tag = Buffer.from(parts[2], 'base64url');
    const ct = Buffer.from(parts[3], 'base64url');
    // A short tag would be accepted by GCM and weaken authentication, so its length is pinned.
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new Error('cannot decrypt: the token has a wrong-sized IV or authentication tag');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.#encKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('cannot decrypt: the token was altered or was encrypted under a different key');
    }
  }
}
