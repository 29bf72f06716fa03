/** The hash-chained audit log: linking new entries and verifying stored ones. */
export {
  ChainVerifier,
  GENESIS_HASH,
  chainEntries,
  hashAuditEntry,
  verifyChain,
  type AuditEntry,
  type AuditEntryInput,
  type AuditProblem,
  type AuditVerification,
  type ChainHead,
} from './chain.js';
