/** A page's heading and document title, so every view has one h1 and a meaningful tab name. */
import { useEffect, useRef, type ReactNode } from 'react';

/** The first page of a visit keeps the browser's focus; later ones (in-app navigation) move it to their heading, as a page load would. */
let visited = false;
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';

export function Page({ title, docTitle, intro, children, actions }: { title: string; docTitle?: string; intro?: ReactNode; children: ReactNode; actions?: ReactNode }) {
  const { t } = useTranslation();
  const h1 = useRef<HTMLHeadingElement>(null);
  // The portal's tabs carry the portal's name, the console's the console's.
  const site = /^\/public(\/|$)/.test(useLocation().pathname) ? t('portal.site') : t('app.name');
  useEffect(() => {
    document.title = `${docTitle ?? title} · ${site}`;
  }, [title, docTitle, site]);
  useEffect(() => {
    if (visited) h1.current?.focus();
    visited = true;
  }, []);
  return (
    <>
      <div className="page-head">
        <h1 ref={h1} tabIndex={-1}>
          {title}
        </h1>
        {actions}
      </div>
      {intro ? <p className="intro">{intro}</p> : null}
      {children}
    </>
  );
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section className="card" aria-labelledby={id ? `${id}-h` : undefined} id={id}>
      <h2 id={id ? `${id}-h` : undefined}>{title}</h2>
      {children}
    </section>
  );
}
