/**
 * The parts of a subject's record shared by the console (reviewers) and the portal (the subject
 * themself): the score waterfall per scheme, the timeline of records, list entries and measures in
 * force, and the access log.
 */
import { useMemo, useState } from 'react';
import { useFormat } from '../i18n';
import type { names as catalogNames } from '../catalog';
import type { AccessLogItem, Entry, Measure, SchemeResult, TimelineItem } from '../types';
import { Chart } from './Chart';
import { statusHistory } from './RecordDialog';
import { Section } from './Page';
import { Empty } from './Status';
import { Head } from './Table';

type Names = ReturnType<typeof catalogNames>;

/**
 * Whether a view computed under `catalog` (`id@version`) may take its texts from the catalog in
 * force, in the UI language: only when it is that catalog (a view as of another time may have
 * been computed under another version). Otherwise the texts are shown as the server gave them.
 */
const underCatalog = (n: Names, catalog: string | undefined) => n.catalog !== null && (catalog === undefined || catalog === n.catalog);

/** Base, one bar per contribution, final: a waterfall drawn as a stacked bar with an invisible base. */
export function Waterfall({ r, n, onRecord, catalog }: { r: SchemeResult; n: Names; onRecord: (id: string) => void; catalog?: string }) {
  const f = useFormat();
  const [picked, setPicked] = useState<number | null>(null);
  const live = underCatalog(n, catalog);
  const basisOf = (x: { ruleId: string; legalBasis: string }) => (live ? n.basis(`schemes[${r.scheme}].rules[${x.ruleId}]`) : null) ?? x.legalBasis;
  const { option, rows } = useMemo(() => {
    const cats = [f.t('subject.base'), ...r.breakdown.map((b) => n.recordType(b.recordType)), f.t('subject.final')];
    const invisible: number[] = [0];
    const total: (number | string)[] = [r.base];
    const up: (number | string)[] = ['-'];
    const down: (number | string)[] = ['-'];
    let level = r.base;
    for (const b of r.breakdown) {
      const next = level + b.points;
      invisible.push(Math.min(level, next));
      total.push('-');
      up.push(b.points > 0 ? b.points : '-');
      down.push(b.points < 0 ? -b.points : '-');
      level = next;
    }
    invisible.push(0);
    total.push(r.score);
    up.push('-');
    down.push('-');
    const option = {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 56, right: 16, top: 16, bottom: 60 },
      xAxis: { type: 'category', data: cats, axisLabel: { rotate: cats.length > 5 ? 30 : 0, interval: 0 } },
      yAxis: { type: 'value', min: (v: { min: number }) => Math.max(0, Math.floor((v.min * 0.9) / 10) * 10) },
      series: [
        { type: 'bar', stack: 'w', itemStyle: { color: 'transparent' }, emphasis: { disabled: true }, data: invisible, tooltip: { show: false } },
        { name: f.t('subject.score'), type: 'bar', stack: 'w', itemStyle: { color: '#0550ae' }, data: total },
        { name: f.t('subject.gain'), type: 'bar', stack: 'w', itemStyle: { color: '#1a7f37' }, data: up },
        { name: f.t('subject.loss'), type: 'bar', stack: 'w', itemStyle: { color: '#cf222e' }, data: down },
      ],
    };
    const rows = [[f.t('subject.base'), '', f.num(r.base), ''], ...r.breakdown.map((b) => [n.rule(b.ruleId), n.recordType(b.recordType), (b.points > 0 ? '+' : '') + f.num(b.points), basisOf(b)]), [f.t('subject.final'), '', f.num(r.score), r.grade]];
    return { option, rows };
  }, [r, f.lang, n]);
  const b = picked !== null ? r.breakdown[picked] : null;
  return (
    <div className="waterfall" data-testid={`waterfall-${r.scheme}`}>
      <p className="score-line">
        <span className={`grade g-${r.grade}`} data-testid={`grade-${r.scheme}`}>{r.grade}</span> {f.t('subject.scoreLine', { score: f.num(r.score), base: f.num(r.base) })}
        {r.cappedBy ? <span className="badge sentence st-disputed"> {f.t('subject.capped', { grade: r.cappedBy.grade, rule: n.rule(r.cappedBy.ruleId) })}</span> : null}
      </p>
      <Chart
        id={`waterfall-${r.scheme}`}
        title={f.t('subject.waterfall', { scheme: n.scheme(r.scheme) })}
        option={option}
        onClick={(i) => i >= 1 && i <= r.breakdown.length && setPicked(i - 1)}
        table={{ head: [f.t('subject.step'), f.t('record.type'), f.t('subject.points'), f.t('subject.legalBasis')], rows }}
      />
      {r.breakdown.length === 0 ? <Empty>{f.t('subject.noContributions')}</Empty> : null}
      <table className="data">
        <caption className="sr-only">{f.t('subject.contributions')}</caption>
        <Head cols={[f.t('subject.points'), f.t('subject.rule'), f.t('subject.record'), f.t('subject.counts'), f.t('subject.legalBasis')]} />
        <tbody>
          {r.breakdown.map((x, i) => (
            <tr key={`${x.recordId}-${x.ruleId}`} className={picked === i ? 'picked' : undefined}>
              <td className={x.points < 0 ? 'neg num' : 'pos num'}>{(x.points > 0 ? '+' : '') + f.num(x.points)}</td>
              <td>
                {/* The rule's identifier, as the catalog writes it (rules have no names: the record type beside it says what it is about). */}
                <code translate="no">{x.ruleId}</code>
                {x.capGrade ? <span className="muted"> {f.t('subject.capsAt', { grade: x.capGrade })}</span> : null}
                {x.disputed ? <span className="badge st-disputed">{f.t('recordStatus.disputed')}</span> : null}
              </td>
              <td>
                <button type="button" className="link" onClick={() => onRecord(x.recordId)}>
                  {n.recordType(x.recordType)}
                </button>
              </td>
              <td>{f.t('subject.fromUntil', { from: f.date(x.from), until: x.until ? f.date(x.until) : f.t('subject.untilExit') })}</td>
              <td className="small">{basisOf(x)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {b ? (
        <p className="notice" role="status">
          {f.t('subject.picked', { rule: n.rule(b.ruleId), points: f.num(b.points), basis: basisOf(b) })}
        </p>
      ) : null}
    </div>
  );
}

export function Timeline({ items, n, onRecord }: { items: TimelineItem[]; n: Names; onRecord: (id: string) => void }) {
  const f = useFormat();
  if (items.length === 0) return <Empty>{f.t('subject.noRecords')}</Empty>;
  return (
    <ol className="timeline" data-testid="timeline">
      {items.map((r) => (
        <li key={r.id} className={`area-${r.area}`}>
          <time dateTime={r.occurredAt}>{f.date(r.occurredAt)}</time>
          <div>
            <button type="button" className="link" onClick={() => onRecord(r.id)}>
              {n.recordType(r.type)}
            </button>{' '}
            <span className={`badge st-${r.status}`} data-testid={`status-${r.id}`}>
              {f.t(`recordStatus.${r.status}`, { defaultValue: r.status })}
            </span>
            <div className="muted small">
              {f.t(`areas.${r.area}`)} · {n.source(r.source)} · {f.t('subject.recordedOn', { date: f.date(r.recordedAt) })}
              {r.statuses.length > 0 ? ` · ${statusHistory(r).map((s) => `${f.t(`recordStatus.${s.status}`, { defaultValue: s.status })} ${f.date(s.at)}`).join(' → ')}` : ''}
            </div>
          </div>
        </li>
      ))}
    </ol>
  );
}

export function EntriesTable({ entries, n, catalog }: { entries: Entry[]; n: Names; catalog?: string }) {
  const f = useFormat();
  const live = underCatalog(n, catalog);
  if (entries.length === 0) return <Empty>{f.t('subject.noEntries')}</Empty>;
  return (
    <table className="data" data-testid="entries">
      <Head cols={[f.t('lists.list'), f.t('lists.status'), f.t('lists.since'), f.t('lists.ends'), f.t('lists.grounds')]} />
      <tbody>
        {entries.map((e) => {
          const rule = e.reasons[0] ? n.entryRule(e.list, e.reasons[0].ruleId) : null;
          return (
            <tr key={e.id} data-list={e.list} data-status={e.status}>
              <td>{n.list(e.list)}</td>
              <td>
                <span className={`badge st-${e.status}`}>{f.t(`entryStatus.${e.status}`, { defaultValue: e.status })}</span>
                {e.endedAt ? <div className="small muted">{f.t('lists.endedOn', { date: f.date(e.endedAt), reason: e.endReason ?? '' })}</div> : null}
              </td>
              <td>{f.date(e.since)}</td>
              <td>
                {e.until ? f.date(e.until) : f.t('subject.untilExit')}
                {rule?.exitOn ? <div className="small muted">{f.t('lists.exitOn', { what: n.recordType(rule.exitOn) })}</div> : null}
              </td>
              <td className="small">
                {e.via ? <div>{f.t('lists.via', { role: f.t(`legalRoles.${e.via.role}`, { defaultValue: e.via.role }) })}</div> : null}
                {e.reasons.map((r, i) => (
                  <div key={i}>
                    {r.recordType ? n.recordType(r.recordType) : r.grade ? `${n.scheme(r.grade.scheme)} ${r.grade.grade}` : n.rule(r.ruleId)} — {(live ? n.basis(`lists[${e.list}].entries[${r.ruleId}]`) : null) ?? r.legalBasis}
                  </div>
                ))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** A grade condition as the API writes it (`enterprise-class:D`): the scheme by its name, then the grade. */
const gradeCond = (n: Names, g: string) => {
  const i = g.lastIndexOf(':');
  return i > 0 ? `${n.scheme(g.slice(0, i))} ${g.slice(i + 1)}` : g;
};

/** Measures in force, one row per action and effect: a measure triggered by several lists shows once, with each list and legal basis. */
export function MeasuresTable({ measures, n, catalog }: { measures: Measure[]; n: Names; catalog?: string }) {
  const f = useFormat();
  const fromCatalog = underCatalog(n, catalog);
  if (measures.length === 0) return <Empty>{f.t('subject.noMeasures')}</Empty>;
  const rows = new Map<string, { effect: string; action: string; because: Set<string>; authority: Set<string>; basis: Set<string> }>();
  for (const m of measures) {
    const key = `${m.effect}|${m.action}`;
    const r = rows.get(key) ?? { effect: m.effect, action: m.action, because: new Set<string>(), authority: new Set<string>(), basis: new Set<string>() };
    r.because.add(m.list ? n.list(m.list) : m.grade ? gradeCond(n, m.grade) : '');
    // From the catalog, in the UI language, when it has the measure (a subject view is not read again for a language switch).
    r.authority.add((fromCatalog ? n.authority(m.measure) : null) ?? m.authority);
    r.basis.add((fromCatalog ? n.basis(`measures[${m.measure}]`) : null) ?? m.legalBasis);
    rows.set(key, r);
  }
  return (
    <table className="data" data-testid="measures">
      <Head cols={[f.t('measures.effect'), f.t('measures.action'), f.t('measures.because'), f.t('measures.authority'), f.t('subject.legalBasis')]} />
      <tbody>
        {[...rows.entries()].map(([key, m]) => (
          <tr key={key} data-effect={m.effect} data-action={m.action}>
            <td>
              <span className={`badge eff-${m.effect}`}>{f.t(`effects.${m.effect}`, { defaultValue: m.effect })}</span>
            </td>
            <td>{n.action(m.action)}</td>
            <td>{[...m.because].join('; ')}</td>
            <td>{[...m.authority].join('; ')}</td>
            <td className="small">
              {[...m.basis].map((b) => (
                <div key={b}>{b}</div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Who read or checked, as a person reads it: an API key by its name and role; a demo sign-in
 * (`dev:<role>-<random>`) as its role; a staff sign-in or the command line by who it was.
 */
function Actor({ by }: { by: AccessLogItem['by'] }) {
  const f = useFormat();
  const m = by.id ? null : /^(dev|oidc|cli):(.+)$/.exec(by.name);
  const [kind, rest] = m ? [m[1], m[2]] : ['', ''];
  if (kind === 'dev') {
    const role = rest.replace(/-[^-]*$/, '');
    return <>{f.t('access.demoActor', { role: f.t(`roles.${role}`, { defaultValue: role }) })}</>;
  }
  if (kind === 'oidc') return <>{f.t('access.oidcActor', { who: rest })}</>;
  if (kind === 'cli') return <>{f.t('access.cliActor', { who: rest })}</>;
  return (
    <>
      {by.name} <span className="muted">({f.t(`roles.${by.role}`, { defaultValue: by.role })})</span>
    </>
  );
}

/** `action`: an action of the catalog by its name, for the purpose of a check (else shown as the server wrote it). */
export function AccessLog({ items, action }: { items: AccessLogItem[]; action?: (code: string) => string }) {
  const f = useFormat();
  if (items.length === 0) return <Empty>{f.t('subject.noAccess')}</Empty>;
  return (
    <table className="data" data-testid="access-log">
      <Head cols={[f.t('access.when'), f.t('access.who'), f.t('access.what'), f.t('access.purpose')]} />
      <tbody>
        {items.map((a, i) => (
          <tr key={i}>
            <td>{f.dateTime(a.at)}</td>
            <td>
              <Actor by={a.by} />
            </td>
            <td>
              {f.t(`accessActions.${a.action.replace(/\./g, '_')}`, { defaultValue: a.action })}
              {a.decision ? ` — ${f.t(`effects.${a.decision}`, { defaultValue: a.decision })}` : ''}
            </td>
            <td>{a.checkedAction && action ? f.t('access.checkPurpose', { action: action(a.checkedAction) }) : (a.purpose ?? '—')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SchemesAndLists({ v, n, onRecord }: { v: { catalog?: string; state: { schemes: SchemeResult[]; entries: Entry[] }; related: Entry[]; measures: Measure[]; timeline?: TimelineItem[] }; n: Names; onRecord: (id: string) => void }) {
  const f = useFormat();
  return (
    <>
      <Section title={f.t('subject.scores')} id="scores">
        {v.state.schemes.length === 0 ? <Empty>{f.t('subject.noSchemes')}</Empty> : null}
        {v.state.schemes.map((r) => (
          <Waterfall key={r.scheme} r={r} n={n} onRecord={onRecord} catalog={v.catalog} />
        ))}
      </Section>
      <Section title={f.t('subject.entries')} id="entries">
        <EntriesTable entries={[...v.state.entries, ...v.related]} n={n} catalog={v.catalog} />
      </Section>
      <Section title={f.t('subject.measures')} id="measures">
        <MeasuresTable measures={v.measures} n={n} catalog={v.catalog} />
      </Section>
      <Section title={f.t('subject.timeline')} id="timeline">
        <Timeline items={v.timeline ?? []} n={n} onRecord={onRecord} />
      </Section>
    </>
  );
}
