/**
 * The store's own life: which database it is, its schema (migrations), closing it, the meta
 * key-value pairs, and work that one process at a time may run.
 */
export interface LifecyclePort {
  readonly dialect: 'sqlite' | 'postgres';
  /** Applies pending migrations (idempotent). */
  migrate(): Promise<void>;
  close(): Promise<void>;

  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;

  /**
   * Runs `fn` unless another process on the same database is running work of the same `name`;
   * then returns `{ ran: false }` at once, without waiting. For periodic work that every server
   * would otherwise repeat (applying what falls due). A store that one process owns need not
   * implement it: callers then simply run `fn`.
   */
  runExclusive?<T>(name: string, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
}
