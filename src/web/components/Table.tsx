import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
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

/**
 * A record's facts, one row each: a fact by its name (`label`, from the data dictionary), a value
 * the dictionary names (an enum value) by that name (`value`), numbers, dates (given `date`) and
 * yes/no in the reader's format.
 */
export function FactsTable({ facts, num, date, label, value }: { facts: Record<string, unknown>; num: (n: number) => string; date?: (v: string) => string; label?: (fact: string) => string; value?: (fact: string, v: unknown) => string | null }) {
  const { t } = useTranslation();
  const show = (k: string, v: unknown) => value?.(k, v) ?? (typeof v === 'number' ? num(v) : typeof v === 'boolean' ? t(v ? 'common.yes' : 'common.no') : date && isDateOnly(v) ? date(v) : String(v));
  return (
    <table className="data compact">
      <tbody>
        {Object.entries(facts).map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{label ? label(k) : k}</th>
            <td>{show(k, v)}</td>
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

/**
 * Labels each data cell of every `table.data` under `root` with its column's header, as
 * `data-label`: on a phone's width the stylesheet lays each row out as a card and shows the label
 * before each cell (styles.css, "Phones"). Cells whose column has no header text get none.
 */
export function labelCells(root: ParentNode) {
  for (const table of root.querySelectorAll<HTMLTableElement>('table.data')) {
    const head = table.tHead?.rows[table.tHead.rows.length - 1];
    if (!head) continue;
    const labels: string[] = [];
    for (const th of head.cells) for (let i = 0; i < th.colSpan; i++) labels.push(th.textContent?.trim() ?? '');
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        let col = 0;
        for (const cell of row.cells) {
          const label = labels[col] ?? '';
          if (cell.tagName === 'TD' && (cell.dataset.label ?? '') !== label) {
            if (label) cell.dataset.label = label;
            else delete cell.dataset.label;
          }
          col += cell.colSpan;
        }
      }
    }
  }
}

/**
 * Keeps every table of the app labelled for the phone layout as pages render and change language
 * (the app's frame runs it once): pages write ordinary tables with a `Head`, and nothing else.
 */
export function useCellLabels() {
  useEffect(() => {
    const run = () => labelCells(document);
    run();
    // Only the tree and text are watched: the labels it writes are attributes, so it does not wake itself.
    const watch = new MutationObserver(run);
    watch.observe(document.body, { childList: true, subtree: true, characterData: true });
    return () => watch.disconnect();
  }, []);
}
