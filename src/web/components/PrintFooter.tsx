/**
 * What a printed page says at its foot (shown only in print, styles.css "Print"): the page's
 * address and the instant its content is as of, in the reader's language. A page whose content has
 * its own as-of instant (a subject's state as of a date) declares it with `usePrintAsOf`; any other
 * is as of the moment it was opened.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useLocation } from 'react-router';
import { useFormat } from '../i18n';

const Declare = createContext<(asOf: string | null) => void>(() => {});

/** Declares the instant the page's content is as of, for the printed footer (null: none). */
export function usePrintAsOf(asOf: string | null | undefined) {
  const declare = useContext(Declare);
  useEffect(() => {
    declare(asOf ?? null);
    return () => declare(null);
  }, [asOf, declare]);
}

/** Wraps the app's frame: the footer it prints, and the context pages declare their as-of instant in. */
export function PrintFrame({ children }: { children: ReactNode }) {
  const f = useFormat();
  const loc = useLocation();
  const [declared, setDeclared] = useState<string | null>(null);
  const [opened, setOpened] = useState(() => new Date().toISOString());
  useEffect(() => setOpened(new Date().toISOString()), [loc.pathname, loc.search]);
  return (
    <Declare.Provider value={setDeclared}>
      {children}
      <footer className="print-only" data-testid="print-footer">
        <p>
          {f.t('print.asOf', { asOf: f.dateTime(declared ?? opened) })}
          <br />
          {f.t('print.address', { url: window.location.href })}
        </p>
      </footer>
    </Declare.Provider>
  );
}
