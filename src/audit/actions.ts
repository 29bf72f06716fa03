/**
 * The audit log's vocabulary: every action an entry can record, in one place. Code names an
 * action by its constant, never by a string literal, so a typo is a compile error and a reader can
 * find every writer of an action by its name.
 */
export const AUDIT = {
  /** A batch of records (and registrations) stored from a source. */
  recordsIngested: 'records.ingested',
  /**
   * The tombstone of a batch of records expired at the end of their retention: their ids, their
   * subjects, and the subjects whose identifier ciphertext was deleted with them.
   */
  recordsExpired: 'records.expired',
  /** Subject states derived (scores, grades, entries) from records. */
  stateDerived: 'state.derived',
  /** A check answered: the decision receipt. */
  checkDecided: 'check.decided',
  /** Reads of a person's data, each with its purpose: they make up the person's access log. */
  subjectRead: 'subject.read',
  recordRead: 'record.read',
  listRead: 'list.read',
  publicRead: 'public.read',
  receiptRead: 'receipt.read',
  /** A person's audit entries read by subject (the log of who read them and why, what was checked). */
  auditRead: 'audit.read',
  /** A person's objections or repair applications read by subject, with their reasons. */
  casesRead: 'cases.read',
  /** A person shown by name in a reviewer's search (by their name, or by reference), with its purpose. */
  searchRead: 'search.read',
  /** The notices sent to a person, read by subject. */
  noticesRead: 'notices.read',
  /**
   * A CSV export that held a person's data (list entries, cases, audit entries about them, search
   * results), with its purpose and what was exported (`data.export`, `data.format: 'csv'`).
   */
  exportRead: 'export.read',
  /** Catalog versions. */
  catalogDrafted: 'catalog.drafted',
  catalogPublished: 'catalog.published',
  catalogRepublished: 'catalog.republished',
  /**
   * Four eyes on publishing: a request to put a stored version in force (by its requester, with
   * the document's hash), and how it ended: approved by another author or an admin (who is then
   * the actor of `catalog.published` / `catalog.republished`, with `requestedBy`), rejected by one
   * with a reason, or withdrawn by the requester.
   */
  catalogPublicationRequested: 'catalog.publication-requested',
  catalogPublicationApproved: 'catalog.publication-approved',
  catalogPublicationRejected: 'catalog.publication-rejected',
  catalogPublicationWithdrawn: 'catalog.publication-withdrawn',
  /** Due process. */
  objectionFiled: 'objection.filed',
  objectionExtended: 'objection.extended',
  objectionDecided: 'objection.decided',
  repairApplied: 'repair.applied',
  repairDecided: 'repair.decided',
  commitmentMade: 'commitment.made',
  commitmentBreached: 'commitment.breached',
  /** A case assigned to a reviewer (taken by one, or given to one): `data.to`. */
  caseAssigned: 'case.assigned',
  /** A file of evidence added to a case: its name, type, size and SHA-256, never its bytes. */
  evidenceAdded: 'evidence.added',
  /** A file of evidence downloaded by staff, with its purpose: in the person's access log. */
  evidenceRead: 'evidence.read',
  /** A person shown as an example in a catalog simulation's report, with its purpose: in their access log. */
  simulationRead: 'simulation.read',
  /** API keys. */
  keyCreated: 'key.created',
  keyRevoked: 'key.revoked',
} as const;

export type AuditAction = (typeof AUDIT)[keyof typeof AUDIT];

/** The actions that show in a person's access log: every read of their data and every check about them. */
export const ACCESS_ACTIONS: readonly AuditAction[] = [AUDIT.subjectRead, AUDIT.recordRead, AUDIT.listRead, AUDIT.publicRead, AUDIT.receiptRead, AUDIT.auditRead, AUDIT.casesRead, AUDIT.noticesRead, AUDIT.searchRead, AUDIT.exportRead, AUDIT.evidenceRead, AUDIT.simulationRead, AUDIT.checkDecided];
