/**
 * The decision point, as a ticket office or procurement portal sees it: may this subject do this?
 * The answer comes with its measures, reasons and legal basis, and a receipt. An ID number typed
 * here is sent once and cleared: the page never shows it. Any other subject stays as typed.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, holdsIdNumber, maskIdNumbers, scopeAllows, subjectRef, useAction } from '../api';
import { names, useCatalogLoad } from '../catalog';
import { Page, Section } from '../components/Page';
import { ErrorBox, Empty } from '../components/Status';
import { useFormat } from '../i18n';
import { useSession } from '../session';
import type { CheckAnswer } from '../../app/check-shapes';
import type { Localized } from '../../domain/types';

/**
 * The answer, as the server defines it once (app/check-shapes.ts), with its texts in the language
 * asked for; its reasons as the gate writes them.
 */
type Answer = Localized<CheckAnswer>;
type CheckResult = Omit<Answer, 'measures'> & { measures: (Omit<Answer['measures'][number], 'reasons'> & { reasons: { recordType?: string; ruleId: string; legalBasis: string }[] })[] };

/** A subject reference as a reader reads it: `cn-uscc:9137…` as "统一社会信用代码 9137…" (the scheme by its name). */
const shownRef = (ref: string, t: (k: string, o?: Record<string, unknown>) => string) => {
  const m = /^(cn-uscc|cn-rid):\s*(.+)$/.exec(ref);
  return m ? `${t(`idSchemes.${m[1]}`)} ${m[2]}` : ref;
};

export function ChecksPage() {
  const f = useFormat();
  const { session } = useSession();
  const { catalog: c, error: catalogError, reload } = useCatalogLoad(session?.token ?? null);
  const n = names(c, f.lang);
  const actions = (c?.doc.actions ?? []).map((a) => String(a.code ?? a.id));
  const allowed = actions.filter((a) => scopeAllows(session?.scopes ?? [], a));
  const [action, setAction] = useState('');
  const [subject, setSubject] = useState('');
  const [result, setResult] = useState<{ who: string; r: CheckResult; lang: string } | null>(null);
  const { busy, error, run } = useAction();
  // The answer in another language after a switch: its receipt read again (no new check is made).
  useEffect(() => {
    if (!result || result.lang === f.lang) return;
    let live = true;
    const { who } = result;
    void api<{ decided: CheckResult }>(`/v1/checks/${encodeURIComponent(result.r.receipt)}`).then(
      (x) => live && setResult({ who, r: x.decided, lang: f.lang }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [f.lang, result]);
  const act = action || allowed[0] || '';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ref = subject.trim();
    const sent = subjectRef(ref);
    // An ID number is sent once and cleared, and what the page keeps of it is masked as the server
    // masks it; anything else (a credit code, an internal id) stays in the form, after an error too.
    const idNumber = !sent.startsWith('cn-uscc:') && holdsIdNumber(ref);
    const who = idNumber ? maskIdNumbers(ref) : ref;
    if (idNumber) setSubject('');
    setResult(null);
    await run(async () => {
      const r = await api<CheckResult>('/v1/checks', { method: 'POST', body: { subject: sent, action: act } });
      setResult({ who, r, lang: f.lang });
    });
  };
  return (
    <Page title={f.t('checks.title')} intro={f.t('checks.intro')}>
      {catalogError ? <ErrorBox error={catalogError} onRetry={reload} /> : null}
      <form className="card" onSubmit={submit} aria-labelledby="check-h">
        <h2 id="check-h">{f.t('checks.ask')}</h2>
        <label>
          {f.t('checks.action')}
          <select value={act} onChange={(e) => setAction(e.target.value)} data-testid="check-action">
            {allowed.map((a) => (
              <option key={a} value={a}>
                {n.action(a)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {f.t('checks.subject')}
          <input value={subject} onChange={(e) => setSubject(e.target.value)} required autoComplete="off" maxLength={80} data-testid="check-subject" aria-describedby="check-subject-help" />
        </label>
        <p id="check-subject-help" className="small muted">
          {f.t('checks.subjectHelp')}
        </p>
        <button type="submit" disabled={busy || !act} data-testid="check-submit">
          {f.t('checks.submit')}
        </button>
      </form>
      {error ? <ErrorBox error={error} /> : null}
      {result ? (
        <Section title={f.t('checks.answer')} id="answer">
          <p className={`decision d-${result.r.decision}`} data-testid="check-decision">
            {f.t(`effects.${result.r.decision}`, { defaultValue: result.r.decision })} — {f.t('checks.answerLine', { who: shownRef(result.who, f.t), action: n.action(result.r.action) })}
          </p>
          {!result.r.known ? <p className="notice">{f.t('checks.unknown')}</p> : null}
          <p className="small muted">
            {f.t('checks.receipt', { receipt: result.r.receipt, at: f.dateTime(result.r.at), catalog: result.r.catalog })}
          </p>
          {result.r.measures.length === 0 ? <Empty>{f.t('checks.noMeasures')}</Empty> : null}
          <ul className="measures">
            {result.r.measures.map((m, i) => (
              <li key={i}>
                <span className={`badge eff-${m.effect}`}>{f.t(`effects.${m.effect}`, { defaultValue: m.effect })}</span> <strong>{n.measure(m.measure)}</strong> — {m.authority}
                {m.list ? <div>{f.t('checks.becauseList', { list: n.list(m.list), since: f.date(m.since), until: m.until ? f.date(m.until) : f.t('subject.untilExit') })}</div> : null}
                <div className="small">{m.legalBasis}</div>
                {m.reasons.map((r, j) => (
                  <div key={j} className="small muted">
                    {r.recordType ? n.recordType(r.recordType) : n.rule(r.ruleId)} — {(m.list && result.r.catalog === n.catalog ? n.basis(`lists[${m.list}].entries[${r.ruleId}]`) : null) ?? r.legalBasis}
                  </div>
                ))}
                {m.appeal ? <div className="small">{f.t('checks.appeal', { text: m.appeal })}</div> : null}
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
    </Page>
  );
}
