/** API keys: their public part, role and scopes, and the hash of their secret. */
import type { AuditEntryInput } from '../../audit/index.js';
import type { Instant } from '../../domain/types.js';

/** The roles an API key or a signed-in user can hold (DESIGN §1); `public` needs no credential. */
export const KEY_ROLES = ['source', 'checker', 'reviewer', 'author', 'admin', 'subject'] as const;
export type KeyRole = (typeof KEY_ROLES)[number];

export interface ApiKeyRow {
  /** The public part of the key (`k_…`), also its primary key. */
  id: string;
  name: string;
  role: KeyRole;
  /** Record-type globs for a source, actions for a checker; empty means all the role allows. */
  scopes: string[];
  /** The catalog source a source key sends as. */
  source: string | null;
  /** The subject a subject key belongs to. */
  subjectId: string | null;
  /** SHA-256 (hex) of the secret part. The secret itself is never stored. */
  secretHash: string;
  createdAt: Instant;
  createdBy: string;
  revokedAt: Instant | null;
}

export interface ApiKeysPort {
  createApiKey(row: ApiKeyRow, audit: AuditEntryInput): Promise<void>;
  getApiKey(id: string): Promise<ApiKeyRow | null>;
  listApiKeys(): Promise<ApiKeyRow[]>;
  /** Revokes a key; false when there is no such key or it was revoked already. */
  revokeApiKey(id: string, at: Instant, audit: AuditEntryInput): Promise<boolean>;
}
