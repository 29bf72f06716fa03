/**
 * The catalog: browse what is in force with its legal basis; compare two versions side by side;
 * for authors, draft in a code editor that keeps the author's text as written, validate and
 * request publication, with each problem shown at its line and at its item; and publication
 * requests under four eyes: another author or an admin approves (which publishes) or rejects with
 * a reason, the requester may withdraw.
 */
import { lazy, Suspense, useMemo, useState } from 'react';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { api, useAction, useApi } from '../api';
import { useCatalogLoad, type CatalogInForce } from '../catalog';
import { Page, Section } from '../components/Page';
import { ErrorBox, Loading, Empty } from '../components/Status';
import { textLang, useFormat } from '../i18n';
import { renderBasis } from '../../catalog/laws';
import type { Citation, LawDoc } from '../../catalog/types';
import { useSession, type Role } from '../session';
import type { CatalogDocT, CatalogItem } from '../types';
import { Head } from '../components/Table';
import { placeProblems, syntaxProblems, type TextProblem } from '../yamlProblems';
import { DiffTable, Requests } from './PublicationRequests';

const SECTIONS = ['recordTypes', 'schemes', 'lists', 'measures', 'actions', 'sources'] as const;
type Tab = 'browse' | 'diff' | 'requests' | 'draft';

export function CatalogPage({ role }: { role: Role }) {
  const f = useFormat();
  const { session } = useSession();
  const { catalog: c, error, reload } = useCatalogLoad(session?.token ?? null);
  const [tab, setTab] = useState<Tab>('browse');
  const tabs: Tab[] = role === 'author' ? ['browse', 'diff', 'requests', 'draft'] : ['browse', 'diff', 'requests'];
  return (
    <Page title={f.t('catalog.title')} intro={c ? f.t('catalog.inForce', { id: c.catalogId, version: c.version, date: f.date(c.publishedAt) }) : undefined}>
      <div role="tablist" className="tabs" aria-label={f.t('catalog.title')}>
        {tabs.map((x) => (
          <button
            key={x}
            role="tab"
            type="button"
            id={`tab-${x}`}
            aria-selected={tab === x}
            aria-controls={tab === x ? `panel-${x}` : undefined}
            tabIndex={tab === x ? 0 : -1}
            onClick={() => setTab(x)}
            onKeyDown={(e) => {
              // The tabs pattern: arrows move between tabs, Home and End go to the ends.
              const i = tabs.indexOf(x);
              const to = e.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length] : e.key === 'ArrowLeft' ? tabs[(i + tabs.length - 1) % tabs.length] : e.key === 'Home' ? tabs[0] : e.key === 'End' ? tabs[tabs.length - 1] : null;
              if (!to) return;
              e.preventDefault();
              setTab(to);
              document.getElementById(`tab-${to}`)?.focus();
            }}
            data-testid={`tab-${x}`}
          >
            {f.t(`catalog.tab.${x}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {error ? <ErrorBox error={error} onRetry={reload} /> : !c ? <Loading /> : tab === 'browse' ? <Browse doc={c.doc} bases={c.bases} /> : tab === 'diff' ? <Diff c={c} /> : tab === 'requests' ? <Requests c={c} role={role} /> : <Draft c={c} />}
      </div>
    </Page>
  );
}

type Problems = Map<string, { field: string; reason: string }[]>;

/** The problems of one item: those keyed by it or by one of its parts (`lists[x].entries[y]`). */
const problemsOf = (problems: Problems | undefined, key: string) =>
  [...(problems?.entries() ?? [])].filter(([k]) => k === key || k.startsWith(`${key}.`) || k.startsWith(`${key}[`)).flatMap(([, v]) => v);

/**
 * A legal basis as text: as the server rendered it (`bases`, for the catalog in force), or, for a
 * draft being edited, its citations rendered against the laws register (`laws`: the draft's and the
 * catalog in force's) in the UI language, a law the register does not have by its id.
 */
function basisText(bases: CatalogInForce['bases'] | undefined, key: string, cites: unknown, tx: (v: CatalogInForce['bases'][string]) => string, laws: ReadonlyMap<string, LawDoc>, lang: string): string {
  const rendered = bases?.[key];
  if (rendered) return tx(rendered);
  if (typeof cites === 'string') return cites;
  if (!Array.isArray(cites)) return '';
  const ok = cites.filter((c: { law?: unknown; art?: unknown }) => typeof c?.law === 'string' && (typeof c.art === 'string' || Array.isArray(c.art))) as Citation[];
  return renderBasis(ok, laws, textLang(lang));
}

/** The laws register a draft's citations resolve against: the national layer's and the catalog's own, of each document given. */
const lawsOf = (...docs: (CatalogDocT | undefined)[]) =>
  new Map(docs.flatMap((d) => [...(((d?.national as { laws?: LawDoc[] } | undefined)?.laws) ?? []), ...((d?.laws as LawDoc[] | undefined) ?? [])]).filter((l) => l && typeof l.id === 'string').map((l) => [l.id, l]));

type CatalogProblem = { field: string; reason: string; rule?: string; params?: Record<string, string | number> };

/**
 * A problem of a refused catalog in the UI's language: by its rule (`noBasis`, `duration`, a JSON
 * Schema keyword) when the API names one this page can say; else the API's (English) reason, in
 * English only (in Chinese: that it breaks a rule of the catalog, the field pointing at it).
 */
function catalogReason(p: CatalogProblem, t: (k: string, o?: Record<string, unknown>) => string, lang: string): string {
  if (p.rule) {
    const said = t(`catalogRules.${p.rule}`, { ...p.params, defaultValue: '' }) || t(`validation.${p.rule}`, { ...p.params, count: Number(p.params?.limit ?? 0), defaultValue: '' });
    if (said) return said;
  }
  return textLang(lang) === 'en' ? p.reason : t('catalogRules.other');
}

/** Catalog items by section. With `problems`, only the items that have one, each problem shown at its item. */
function Browse({ doc, bases, problems, inForce }: { doc: CatalogDocT; bases?: CatalogInForce['bases']; problems?: Problems; inForce?: CatalogDocT }) {
  const f = useFormat();
  const laws = useMemo(() => lawsOf(inForce, doc), [inForce, doc]);
  return (
    <div className="browse">
      {SECTIONS.map((s) => {
        const all = (doc[s] as CatalogItem[] | undefined) ?? [];
        const items = problems ? all.filter((it) => problemsOf(problems, `${s}[${String(it.code ?? it.id)}]`).length > 0) : all;
        if (problems && items.length === 0) return null;
        return (
          <Section key={s} title={`${f.t(`catalog.sections.${s}`)} (${f.num(items.length)})`} id={`sec-${s}`}>
            {items.length === 0 ? <Empty>{f.t('catalog.emptySection')}</Empty> : null}
            <ul className="items">
              {items.map((it) => {
                const code = String(it.code ?? it.id);
                const key = `${s}[${code}]`;
                const its = problemsOf(problems, key);
                return (
                  <li key={code} className={its.length ? 'has-problem' : undefined} data-item={key}>
                    <details open={its.length > 0}>
                      <summary>
                        {/* The item's code, as authors write it in the catalog files, beside its name. */}
                        <code translate="no">{code}</code> {it.name ? <span>{f.tx(it.name)}</span> : null}
                        {its.length ? <span className="badge st-disputed">{f.t('catalog.problems', { count: its.length })}</span> : null}
                      </summary>
                      {its.length ? (
                        <ul className="problems" role="list">
                          {its.map((p, i) => (
                            <li key={i}>
                              <strong translate="no">{p.field}</strong>: {p.reason}
                            </li>
                          ))}
                        </ul>
                      ) : null}
                      <p className="small">
                        <strong>{f.t('subject.legalBasis')}:</strong> {basisText(bases, key, it.legalBasis, f.tx, laws, f.lang) || f.t('catalog.noBasis')}
                      </p>
                      <Rules item={it} at={key} bases={bases} doc={doc} laws={laws} />
                    </details>
                  </li>
                );
              })}
            </ul>
          </Section>
        );
      })}
    </div>
  );
}

/** A scheme's rules or a list's entry rules, each with its own legal basis (an entry rule without one rests on its list's). */
function Rules({ item, at, bases, doc, laws }: { item: CatalogItem; at: string; bases?: CatalogInForce['bases']; doc: CatalogDocT; laws: ReadonlyMap<string, LawDoc> }) {
  const f = useFormat();
  const recordTypeName = (code: string) => {
    const rt = doc.recordTypes?.find((x) => x.code === code);
    return rt?.name ? f.tx(rt.name) : null;
  };
  const part = item.rules ? 'rules' : 'entries';
  const rules = ((item.rules ?? item.entries) as CatalogItem[] | undefined) ?? [];
  if (!Array.isArray(rules) || rules.length === 0) return null;
  return (
    <table className="data compact">
      <Head cols={[f.t('catalog.rule'), f.t('catalog.on'), f.t('catalog.effect'), f.t('subject.legalBasis')]} />
      <tbody>
        {rules.map((r) => (
          <tr key={String(r.id)}>
            <th scope="row">
              <code translate="no">{String(r.id)}</code>
            </th>
            <td>
              {/* A record type by its name (its code beside it); a condition (CEL) as written. */}
              {typeof r.on === 'string' && recordTypeName(r.on) ? (
                <>
                  {recordTypeName(r.on)} <code translate="no">{r.on}</code>
                </>
              ) : (
                <code translate="no">{String(r.on ?? r.when ?? '')}</code>
              )}
            </td>
            <td>{r.points !== undefined ? String(r.points) : r.duration ? f.period(String(r.duration)) : r.exit ? f.t('catalog.untilExit') : ''}</td>
            <td className="small">{basisText(bases, `${at}.${part}[${String(r.id)}]`, r.legalBasis ?? (part === 'entries' ? item.legalBasis : undefined), f.tx, laws, f.lang)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface Versions {
  inForce: string;
  versions: { catalogId: string; version: string; status: string; hash: string; createdAt: string; publishedAt: string | null }[];
}
function Diff({ c }: { c: CatalogInForce }) {
  const f = useFormat();
  const versions = useApi<Versions>('/v1/catalog/versions');
  const ids = (versions.data?.versions ?? []).map((v) => `${v.catalogId}@${v.version}`);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  // By default: the version in force and the newest other one (a draft under review, or the one a
  // publish replaced), the older first, so the table reads old → new.
  const inForce = `${c.catalogId}@${c.version}`;
  const byAge = [...(versions.data?.versions ?? [])].sort((x, y) => Date.parse(x.createdAt) - Date.parse(y.createdAt)).map((v) => `${v.catalogId}@${v.version}`);
  const other = [...byAge].reverse().find((x) => x !== inForce);
  const [older, newer] = other && byAge.indexOf(other) > byAge.indexOf(inForce) ? [inForce, other] : [other ?? inForce, inForce];
  const a = from || older;
  const b = to || newer;
  return (
    <>
      <Section title={f.t('catalog.versions')} id="versions">
        {versions.loading ? <Loading /> : null}
        {versions.error ? <ErrorBox error={versions.error} onRetry={versions.reload} /> : null}
        <table className="data">
          <Head cols={[f.t('catalog.version'), f.t('catalog.status'), f.t('catalog.created'), f.t('catalog.publishedAt')]} />
          <tbody>
            {(versions.data?.versions ?? []).map((v) => (
              <tr key={`${v.catalogId}@${v.version}`}>
                <th scope="row">
                  <span translate="no">
                    {v.catalogId}@{v.version}
                  </span>{' '}
                  {versions.data?.inForce === `${v.catalogId}@${v.version}` ? <span className="badge st-active">{f.t('catalog.inForceBadge')}</span> : null}
                </th>
                <td>{f.t(`catalog.st.${v.status}`, { defaultValue: v.status })}</td>
                <td>{f.dateTime(v.createdAt)}</td>
                <td>{v.publishedAt ? f.dateTime(v.publishedAt) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title={f.t('catalog.diffTitle')} id="diff">
        <div className="toolbar">
          <label>
            {f.t('catalog.from')}
            <select value={a} onChange={(e) => setFrom(e.target.value)} data-testid="diff-from">
              {ids.map((x) => (
                <option key={x} translate="no">
                  {x}
                </option>
              ))}
            </select>
          </label>
          <label>
            {f.t('catalog.to')}
            <select value={b} onChange={(e) => setTo(e.target.value)} data-testid="diff-to">
              {ids.map((x) => (
                <option key={x} translate="no">
                  {x}
                </option>
              ))}
            </select>
          </label>
        </div>
        {a && b ? <DiffTable from={a} to={b} /> : null}
      </Section>
    </>
  );
}

const bump = (v: string) => (/\d+$/.test(v) ? v.replace(/\d+$/, (d) => String(Number(d) + 1)) : `${v}.1`);

// CodeMirror, loaded when the draft tab opens: no other page pays for it.
const YamlEditor = lazy(() => import('../components/YamlEditor'));

/**
 * The author's text of each stored draft, kept in this browser as written (comments, order,
 * layout): the API takes and gives back JSON documents, so regenerating YAML from the stored
 * document would lose them. Kept with the hash the server gave the version, so a kept text is
 * shown only while it still says what is stored.
 */
const KEPT = 'xinyong.catalogDraft:';
type Kept = { text: string; hash: string };
function keptText(ref: string): Kept | null {
  try {
    const k = JSON.parse(localStorage.getItem(KEPT + ref) ?? 'null') as Kept | null;
    return k && typeof k.text === 'string' && typeof k.hash === 'string' ? k : null;
  } catch {
    return null;
  }
}
function keepText(ref: string, k: Kept) {
  try {
    localStorage.setItem(KEPT + ref, JSON.stringify(k));
  } catch {
    // Storage full or refused: the draft is stored on the server all the same.
  }
}

interface StoredVersion {
  catalogId: string;
  version: string;
  status: string;
  hash: string;
  doc: CatalogDocT;
}

function Draft({ c }: { c: CatalogInForce }) {
  const f = useFormat();
  const initial = useMemo(() => stringifyYaml({ ...c.doc, version: bump(c.version) }, { lineWidth: 0 }), [c]);
  const [text, setText] = useState(initial);
  const [opened, setOpened] = useState<{ ref: string; kept: boolean } | null>(null);
  const [reveal, setReveal] = useState<{ at: number } | null>(null);
  const [result, setResult] = useState<{ kind: 'valid' | 'saved' | 'published'; text: string } | null>(null);
  const { busy, error, run } = useAction();
  const versions = useApi<Versions>('/v1/catalog/versions');
  const drafts = (versions.data?.versions ?? []).filter((v) => v.status === 'draft').map((v) => `${v.catalogId}@${v.version}`);
  // The API's problems in the UI's language: a problem whose rule has a name is said in the UI's words (the reason is English).
  const refused = useMemo(
    () => (error?.problem.errors ?? []).map((p) => ({ field: p.field, reason: catalogReason(p as CatalogProblem, f.t, f.lang) })),
    [error, f.t, f.lang],
  );
  // A refused document comes back with one problem per item and field: grouped by item.
  const problems = useMemo(() => {
    if (!refused.length) return null;
    const m: Problems = new Map();
    for (const p of refused) {
      const item = p.field.match(/^[a-zA-Z]+\[[^\]]+\]/)?.[0] ?? p.field.split('.')[0];
      m.set(item, [...(m.get(item) ?? []), p]);
    }
    return m;
  }, [refused]);
  const parsed = useMemo(() => {
    try {
      // YAML, as catalogs are written (JSON is YAML too).
      const doc = parseYaml(text) as CatalogDocT;
      if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { doc: null, error: '—' };
      return { doc, error: null };
    } catch (e) {
      return { doc: null, error: (e as Error).message };
    }
  }, [text]);
  // Each problem at its line of the text: the API's (by item and field) and YAML's own.
  const placed = useMemo<TextProblem[]>(
    () => [
      // The YAML library's own message is English: in the list and the editor, a sentence in the UI's language.
      ...(parsed.error ? syntaxProblems(text).map((p) => ({ ...p, reason: f.t('catalog.notYamlHere') })) : []),
      ...(refused.length && parsed.doc ? placeProblems(text, refused) : []),
    ],
    [text, parsed, refused, f.t],
  );
  const marks = useMemo(() => placed.map((p) => ({ from: p.from, to: p.to, message: p.field ? `${p.field}: ${p.reason}` : p.reason })), [placed]);

  const open = (ref: string) => {
    setResult(null);
    if (!ref) {
      setOpened(null);
      setText(initial);
      return;
    }
    void run(async () => {
      const r = await api<StoredVersion>(`/v1/catalog/versions/${encodeURIComponent(ref)}`);
      const kept = keptText(ref);
      const same = kept?.hash === r.hash;
      setText(same ? kept!.text : stringifyYaml(r.doc, { lineWidth: 0 }));
      setOpened({ ref, kept: same });
    });
  };

  const go = (kind: 'validate' | 'save' | 'publish') => {
    const doc = parsed.doc;
    if (!doc) return;
    if (kind === 'publish' && !window.confirm(f.t('catalog.confirmPublish', { v: `${doc.id}@${doc.version}` }))) return;
    setResult(null);
    const sent = text;
    const store = async () => {
      const r = await api<{ catalogId: string; version: string; hash: string; status: string }>('/v1/catalog/versions', { method: 'POST', body: doc });
      keepText(`${r.catalogId}@${r.version}`, { text: sent, hash: r.hash });
      return r;
    };
    void run(async () => {
      if (kind === 'validate') {
        const r = await api<{ version: string; hash: string }>('/v1/catalog/versions:validate', { method: 'POST', body: doc });
        setResult({ kind: 'valid', text: f.t('catalog.valid', { version: r.version, hash: r.hash.slice(0, 12) }) });
      } else if (kind === 'save') {
        const r = await store();
        setOpened({ ref: `${r.catalogId}@${r.version}`, kept: true });
        versions.reload();
        setResult({ kind: 'saved', text: f.t('catalog.saved', { v: `${r.catalogId}@${r.version}`, status: f.t(`catalog.st.${r.status}`, { defaultValue: r.status }) }) });
      } else {
        // Request publication of exactly what is in the editor: store it first (a version stored with
        // other content is refused, 409). Another author or an admin approves it (the requests tab).
        await store();
        const r = await api<{ id: string; catalog: string }>(`/v1/catalog/versions/${encodeURIComponent(`${doc.id}@${doc.version}`)}:publish`, { method: 'POST' });
        versions.reload();
        setResult({ kind: 'published', text: f.t('catalog.pr.requested', { v: r.catalog }) });
      }
    });
  };

  return (
    <>
      <Section title={f.t('catalog.draftTitle')} id="draft">
        <p>{f.t('catalog.draftIntro')}</p>
        <div className="toolbar">
          <label>
            {f.t('catalog.openDraft')}
            <select value={opened?.ref ?? ''} onChange={(e) => open(e.target.value)} disabled={busy} data-testid="draft-open">
              <option value="">{f.t('catalog.newDraft')}</option>
              {drafts.map((x) => (
                <option key={x} value={x}>
                  {x}
                </option>
              ))}
            </select>
          </label>
        </div>
        {opened && !opened.kept ? (
          <p className="small" role="status" data-testid="draft-regenerated">
            {f.t('catalog.regenerated', { v: opened.ref })}
          </p>
        ) : null}
        <p className="block" id="draft-doc-label">
          <strong>{f.t('catalog.document')}</strong>
        </p>
        <p className="small muted" id="draft-doc-keys">
          {f.t('catalog.editorKeys')}
        </p>
        <Suspense fallback={<Loading />}>
          <YamlEditor value={text} onChange={setText} label={f.t('catalog.document')} describedBy="draft-doc-keys" problems={marks} reveal={reveal} testId="draft-text" />
        </Suspense>
        {parsed.error ? (
          <p className="error" role="alert">
            {f.t('catalog.notYaml', { error: parsed.error, line: syntaxProblems(text)[0]?.line ?? 1 })}
          </p>
        ) : null}
        {placed.length ? (
          <ul className="problems" data-testid="draft-problems" aria-label={f.t('catalog.problemsInText')}>
            {placed.map((p, i) => (
              <li key={i}>
                <button type="button" className="link" onClick={() => setReveal({ at: p.from })}>
                  {f.t('catalog.atLine', { line: f.num(p.line) })}
                </button>{' '}
                {p.field ? <strong translate="no">{p.field}</strong> : null}
                {p.field ? ': ' : null}
                {p.reason}
              </li>
            ))}
          </ul>
        ) : null}
        <div className="toolbar">
          <button type="button" onClick={() => go('validate')} disabled={busy || !parsed.doc} data-testid="validate">
            {f.t('catalog.validate')}
          </button>
          <button type="button" onClick={() => go('save')} disabled={busy || !parsed.doc} data-testid="save-draft">
            {f.t('catalog.saveDraft')}
          </button>
          <button type="button" onClick={() => go('publish')} disabled={busy || !parsed.doc}>
            {f.t('catalog.publish')}
          </button>
          <button type="button" onClick={() => open('')} disabled={busy}>
            {f.t('catalog.reset')}
          </button>
        </div>
        {result ? (
          <p className="ok" role="status" data-testid="draft-result">
            {result.text}
          </p>
        ) : null}
        {error ? <ErrorBox error={error} /> : null}
        {problems ? (
          <p className="small" role="status">
            {f.t('catalog.problemsAtItems', { count: [...problems.values()].reduce((a, b) => a + b.length, 0) })}
          </p>
        ) : null}
      </Section>
      {parsed.doc && problems ? <Unplaced doc={parsed.doc} problems={problems} /> : null}
      {parsed.doc && problems ? <Browse doc={parsed.doc} problems={problems} inForce={c.doc} /> : null}
    </>
  );
}

/** Problems that belong to no item (the document's header, a whole section): listed on their own. */
function Unplaced({ doc, problems }: { doc: CatalogDocT; problems: Problems }) {
  const f = useFormat();
  const keys = new Set(SECTIONS.flatMap((s) => ((doc[s] as CatalogItem[] | undefined) ?? []).map((it) => `${s}[${String(it.code ?? it.id)}]`)));
  const rest = [...problems.entries()].filter(([k]) => !keys.has(k)).flatMap(([, v]) => v);
  if (rest.length === 0) return null;
  return (
    <Section title={f.t('catalog.documentProblems')} id="doc-problems">
      <ul className="problems">
        {rest.map((p, i) => (
          <li key={i}>
            <strong translate="no">{p.field}</strong>: {p.reason}
          </li>
        ))}
      </ul>
    </Section>
  );
}
