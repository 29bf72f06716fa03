import { isDateOnly } from '../i18n';

/** A table's header row: one column header per label. */
export function Head({ cols }: { cols: string[] }) {
  return (
    <thead>
      <tr>
        {cols.map((c, i) => (
          <th key={i} scope="col">
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** A record's facts, one row each, numbers and dates (given `date`) in the reader's format. */
export function FactsTable({ facts, num, date }: { facts: Record<string, unknown>; num: (n: number) => string; date?: (v: string) => string }) {
  return (
    <table className="data compact">
      <tbody>
        {Object.entries(facts).map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{typeof v === 'number' ? num(v) : date && isDateOnly(v) ? date(v) : String(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Keyset paging: a stack of the cursors that led here. Back pops one; forward pushes the page's
 * `next` cursor. Returns the cursor to request with, and the buttons.
 */
export function Pager<C>({ stack, setStack, next, backLabel, nextLabel }: { stack: C[]; setStack: (s: C[]) => void; next: C | null | undefined; backLabel: string; nextLabel: string }) {
  return (
    <div className="pager">
      {stack.length > 0 ? (
        <button type="button" onClick={() => setStack(stack.slice(0, -1))}>
          {backLabel}
        </button>
      ) : null}
      {next ? (
        <button type="button" onClick={() => setStack([...stack, next])}>
          {nextLabel}
        </button>
      ) : null}
    </div>
  );
}
