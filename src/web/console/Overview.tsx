/** Overview: grades per scheme, list sizes and flows, records by area and province, cases, audit chain. */
import { useMemo, useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { q, useApi } from '../api';
import { Chart } from '../components/Chart';
import { Page } from '../components/Page';
import { ErrorBox, Loading } from '../components/Status';
import { useFormat } from '../i18n';
import type { Role } from '../session';
import type { Stats } from '../types';
import { provinceName } from './provinces';

const GRADE_COLOURS: Record<string, string> = { AAA: '#1a7f37', AA: '#2da44e', A: '#4ac26b', B: '#d4a72c', C: '#e16f24', D: '#cf222e' };

export function OverviewPage({ role }: { role: Role }) {
  const f = useFormat();
  const { t } = f;
  const stats = useApi<Stats>('/v1/stats');
  const verify = useApi<{ ok: boolean; count?: number; head?: string; problem?: Record<string, unknown> }>(role === 'admin' ? '/v1/audit:verify' : null);
  const s = stats.data;
  return (
    <Page title={t('overview.title')} intro={s ? t('overview.intro', { asOf: f.dateTime(s.asOf), subjects: f.num(Object.values(s.subjectsByKind).reduce((a, b) => a + b, 0)), records: f.num(s.records) }) : undefined}>
      {stats.loading && !s ? <Loading what={t('overview.title')} /> : null}
      {stats.error ? <ErrorBox error={stats.error} onRetry={stats.reload} /> : null}
      {s ? (
        <>
          <div className="kpis">
            <Kpi label={t('overview.objectionsOpen')} value={f.num(s.cases.objections.open)} />
            <Kpi label={t('overview.objectionsOverdue')} value={f.num(s.cases.objections.overdue)} alert={s.cases.objections.overdue > 0} />
            <Kpi label={t('overview.repairsOpen')} value={f.num(s.cases.repairs.open)} />
            <Kpi label={t('overview.repairsOverdue')} value={f.num(s.cases.repairs.overdue)} alert={s.cases.repairs.overdue > 0} />
            <Kpi label={t('overview.auditEntries')} value={f.num(s.audit.entries)} />
            {role === 'admin' ? (
              <Kpi
                label={t('overview.chain')}
                value={verify.loading ? t('status.loading') : verify.error ? t('overview.chainUnknown') : verify.data?.ok ? t('overview.chainOk') : t('overview.chainBroken')}
                alert={verify.data?.ok === false}
                testid="chain-status"
              />
            ) : null}
          </div>
          <div className="grid two">
            {s.schemes.map((sc) => (
              <GradeChart key={sc.code} s={s} scheme={sc.code} grades={sc.grades} canOpen={role === 'reviewer'} />
            ))}
            <ListSizes s={s} canOpen={role === 'reviewer'} />
            <ListFlows s={s} canOpen={role === 'reviewer'} />
            <ByArea s={s} />
            <ByProvince s={s} />
          </div>
        </>
      ) : null}
    </Page>
  );
}

function Kpi({ label, value, alert, testid }: { label: string; value: string; alert?: boolean; testid?: string }) {
  return (
    <div className={alert ? 'kpi alert' : 'kpi'} data-testid={testid}>
      <div className="kpi-value">{value}</div>
      <div className="kpi-label">{label}</div>
    </div>
  );
}

/**
 * Whether a bar chart of these counts needs a logarithmic value axis: some non-zero group is under
 * 2% of the largest, so on a linear axis it would be a bar a few pixels high, or none.
 */
export const smallGroupsVanish = (counts: number[]) => {
  const nonZero = counts.filter((n) => n > 0);
  return nonZero.length > 1 && Math.min(...nonZero) * 50 < Math.max(...nonZero);
};

/**
 * A value axis, linear or logarithmic. On a log axis a zero has no bar (log 0 is not a number) and
 * the axis starts at 0.5, so a group of one is still a bar of its own height; its labels are the
 * whole numbers only.
 */
function valueAxis(log: boolean, num: (n: number) => string) {
  return log ? { type: 'log', logBase: 10, min: 0.5, axisLabel: { formatter: (v: number) => (v >= 1 ? num(v) : '') } } : { type: 'value', axisLabel: { formatter: (v: number) => num(v) } };
}

/** The scale toggle of a chart: starts logarithmic where small groups would vanish, and says so. */
function useScale(id: string, counts: number[]): { log: boolean; control: ReactNode; note: ReactNode } {
  const f = useFormat();
  const auto = smallGroupsVanish(counts);
  const [chosen, setChosen] = useState<boolean | null>(null);
  const log = chosen ?? auto;
  return {
    log,
    control: (
      <label className="inline small">
        <input type="checkbox" checked={log} onChange={(e) => setChosen(e.target.checked)} data-testid={`log-${id}`} />
        {f.t('charts.logScale')}
      </label>
    ),
    note: log ? f.t('charts.logNote') : null,
  };
}

function GradeChart({ s, scheme, grades, canOpen }: { s: Stats; scheme: string; grades: string[]; canOpen: boolean }) {
  const f = useFormat();
  const navigate = useNavigate();
  const counts = grades.map((g) => s.grades[scheme]?.[g] ?? 0);
  const id = `grades-${scheme}`;
  const { log, control, note } = useScale(id, counts);
  const option = useMemo(
    () => ({
      tooltip: {},
      grid: { left: 60, right: 16, top: 16, bottom: 30 },
      xAxis: { type: 'category', data: grades },
      yAxis: valueAxis(log, f.num),
      // A non-zero group is never less than a few pixels high, even on a linear axis; zero has no bar.
      series: [{ type: 'bar', barMinHeight: 4, cursor: canOpen ? 'pointer' : 'default', data: counts.map((n, i) => ({ value: n === 0 ? null : n, itemStyle: { color: GRADE_COLOURS[grades[i]] ?? '#57606a' } })) }],
    }),
    [grades, counts.join(), log, f.lang, canOpen],
  );
  const schemeName = f.t(`schemes.${scheme}`, { defaultValue: scheme });
  const title = f.t('overview.grades', { scheme: schemeName });
  // The subjects behind a bar: those holding that grade now, on the Subjects page.
  const open = (grade: string) => `/subjects${q({ scheme, grade })}`;
  return (
    <Chart
      id={id}
      title={title}
      option={option}
      controls={control}
      note={
        <>
          {note} {canOpen ? f.t('charts.clickHintGrades') : null}
        </>
      }
      scale={log ? 'log' : 'linear'}
      onClick={canOpen ? (i) => grades[i] && navigate(open(grades[i])) : undefined}
      table={{
        head: [f.t('overview.grade'), f.t('overview.subjects')],
        rows: grades.map((g, i) => [canOpen && counts[i] > 0 ? <Link to={open(g)} aria-label={f.t('charts.openGrade', { grade: g, scheme: schemeName })}>{g}</Link> : g, f.num(counts[i])]),
      }}
    />
  );
}

function ListSizes({ s, canOpen }: { s: Stats; canOpen: boolean }) {
  const f = useFormat();
  const navigate = useNavigate();
  const lists = s.lists;
  const counts = lists.map((l) => s.listSizes[l.code] ?? 0);
  const { log, control, note } = useScale('list-sizes', counts);
  const name = (l: Stats['lists'][number]) => f.tx(l.name);
  const option = useMemo(
    () => ({
      tooltip: {},
      grid: { left: 200, right: 16, top: 8, bottom: 24 },
      xAxis: valueAxis(log, f.num),
      yAxis: { type: 'category', data: lists.map(name), inverse: true, axisLabel: { width: 190, overflow: 'truncate' } },
      series: [{ type: 'bar', barMinHeight: 4, cursor: canOpen ? 'pointer' : 'default', data: lists.map((l, i) => ({ value: counts[i] === 0 ? null : counts[i], itemStyle: { color: l.color === 'red' ? '#cf222e' : '#24292f' } })) }],
    }),
    [s, lists, log, f.lang, canOpen],
  );
  const open = (code: string) => `/lists${q({ list: code })}`;
  return (
    <Chart
      id="list-sizes"
      title={f.t('overview.listSizes')}
      option={option}
      height={300}
      controls={control}
      scale={log ? 'log' : 'linear'}
      note={
        <>
          {note} {canOpen ? f.t('charts.clickHint') : null}
        </>
      }
      onClick={canOpen ? (i) => lists[i] && navigate(open(lists[i].code)) : undefined}
      table={{
        head: [f.t('lists.list'), f.t('lists.colour'), f.t('overview.subjects')],
        rows: lists.map((l) => [canOpen ? <Link to={open(l.code)} aria-label={f.t('charts.openList', { list: name(l) })}>{name(l)}</Link> : name(l), f.t(`lists.${l.color}`), f.num(s.listSizes[l.code] ?? 0)]),
      }}
    />
  );
}

const RANGES = ['30d', '90d', '1y', 'all'] as const;

function ListFlows({ s, canOpen }: { s: Stats; canOpen: boolean }) {
  const f = useFormat();
  const navigate = useNavigate();
  const withFlows = s.lists.filter((l) => (s.listFlows[l.code] ?? []).length > 0);
  const [code, setCode] = useState(withFlows[0]?.code ?? s.lists[0]?.code ?? '');
  const [range, setRange] = useState<(typeof RANGES)[number]>('1y');
  // The range is the server's: days for 30 and 90 days, months for a year and all time, every period present.
  const ranged = useApi<Stats>(`/v1/stats${q({ range })}`);
  const flows = ranged.data?.flows;
  const points = flows?.lists[code] ?? [];
  const byDay = flows?.bucket === 'day';
  const monthF = new Intl.DateTimeFormat(f.lang, { year: 'numeric', month: 'short', timeZone: 'UTC' });
  const dayF = new Intl.DateTimeFormat(f.lang, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const period = (p: string) => (p.length === 10 ? dayF.format(new Date(`${p}T00:00:00Z`)) : monthF.format(new Date(`${p}-01T00:00:00Z`)));
  const listName = f.tx(s.lists.find((l) => l.code === code)?.name) || code;
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { data: [f.t('overview.inflow'), f.t('overview.outflow')], bottom: 0 },
      grid: { left: 50, right: 16, top: 16, bottom: 50 },
      xAxis: { type: 'category', data: points.map((m) => period(m.period)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: f.t('overview.inflow'), type: 'bar', data: points.map((m) => m.inflow), itemStyle: { color: '#cf222e' }, cursor: canOpen ? 'pointer' : 'default' },
        { name: f.t('overview.outflow'), type: 'bar', data: points.map((m) => m.outflow), itemStyle: { color: '#1a7f37' }, cursor: canOpen ? 'pointer' : 'default' },
      ],
    }),
    [points, f.lang, canOpen],
  );
  const open = `/lists${q({ list: code })}`;
  return (
    <div>
      <div className="chart-controls">
        <label className="inline">
          {f.t('overview.flowList')}
          <select value={code} onChange={(e) => setCode(e.target.value)} data-testid="flow-list">
            {s.lists.map((l) => (
              <option key={l.code} value={l.code}>
                {f.tx(l.name)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          {f.t('charts.range')}
          <select value={range} onChange={(e) => setRange(e.target.value as (typeof RANGES)[number])} data-testid="flow-range">
            {RANGES.map((r) => (
              <option key={r} value={r}>
                {f.t(`charts.ranges.${r}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {ranged.error ? <ErrorBox error={ranged.error} onRetry={ranged.reload} /> : null}
      {ranged.loading && !flows ? <Loading /> : null}
      <Chart
        id="list-flows"
        title={f.t(byDay ? 'charts.flowsByDay' : 'charts.flowsByMonth', { list: listName })}
        option={option}
        note={canOpen ? <Link to={open}>{f.t('charts.openList', { list: listName })}</Link> : null}
        onClick={canOpen ? () => navigate(open) : undefined}
        table={{ head: [byDay ? f.t('charts.day') : f.t('overview.month'), f.t('overview.inflow'), f.t('overview.outflow')], rows: points.map((m) => [period(m.period), f.num(m.inflow), f.num(m.outflow)]) }}
      />
    </div>
  );
}

function ByArea({ s }: { s: Stats }) {
  const f = useFormat();
  const areas = Object.entries(s.recordsByArea);
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [{ type: 'pie', radius: ['35%', '65%'], data: areas.map(([a, n]) => ({ name: f.t(`areas.${a}`), value: n })) }],
    }),
    [areas.join(), f.lang],
  );
  return <Chart id="records-by-area" title={f.t('overview.byArea')} option={option} table={{ head: [f.t('overview.area'), f.t('overview.records')], rows: areas.map(([a, n]) => [f.t(`areas.${a}`), f.num(n)]) }} />;
}

function ByProvince({ s }: { s: Stats }) {
  const f = useFormat();
  const rows = Object.entries(s.recordsByProvince).sort((a, b) => b[1] - a[1]);
  const province = (p: string) => (p === 'unknown' ? f.t('overview.unknownProvince') : provinceName(p, f.lang));
  const { log, control, note } = useScale('records-by-province', rows.map(([, n]) => n));
  const option = useMemo(
    () => ({
      tooltip: {},
      grid: { left: 90, right: 16, top: 8, bottom: 24 },
      xAxis: valueAxis(log, f.num),
      yAxis: { type: 'category', inverse: true, data: rows.map(([p]) => province(p)) },
      series: [{ type: 'bar', barMinHeight: 4, data: rows.map(([, n]) => (n === 0 ? null : n)), itemStyle: { color: '#0969da' } }],
    }),
    [rows.join(), f.lang, log],
  );
  return (
    <Chart
      id="records-by-province"
      title={f.t('overview.byProvince')}
      option={option}
      controls={control}
      note={note}
      scale={log ? 'log' : 'linear'}
      height={Math.max(160, rows.length * 26 + 40)}
      table={{ head: [f.t('overview.province'), f.t('overview.code'), f.t('overview.records')], rows: rows.map(([p, n]) => [province(p), p, f.num(n)]) }}
    />
  );
}
