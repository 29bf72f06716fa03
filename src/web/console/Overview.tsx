/** Overview: grades per scheme, list sizes and flows, records by area and province, cases, audit chain. */
import { useMemo, useState } from 'react';
import { useApi } from '../api';
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
              <GradeChart key={sc.code} s={s} scheme={sc.code} grades={sc.grades} />
            ))}
            <ListSizes s={s} />
            <ListFlows s={s} />
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

function GradeChart({ s, scheme, grades }: { s: Stats; scheme: string; grades: string[] }) {
  const f = useFormat();
  const counts = grades.map((g) => s.grades[scheme]?.[g] ?? 0);
  const option = useMemo(
    () => ({
      tooltip: {},
      grid: { left: 60, right: 16, top: 16, bottom: 30 },
      xAxis: { type: 'category', data: grades },
      yAxis: { type: 'value' },
      series: [{ type: 'bar', data: counts.map((n, i) => ({ value: n, itemStyle: { color: GRADE_COLOURS[grades[i]] ?? '#57606a' } })) }],
    }),
    [grades, counts.join()],
  );
  const title = f.t('overview.grades', { scheme: f.t(`schemes.${scheme}`, { defaultValue: scheme }) });
  return <Chart id={`grades-${scheme}`} title={title} option={option} table={{ head: [f.t('overview.grade'), f.t('overview.subjects')], rows: grades.map((g, i) => [g, f.num(counts[i])]) }} />;
}

function ListSizes({ s }: { s: Stats }) {
  const f = useFormat();
  const lists = s.lists;
  const option = useMemo(
    () => ({
      tooltip: {},
      grid: { left: 200, right: 16, top: 8, bottom: 24 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: lists.map((l) => l.name), inverse: true, axisLabel: { width: 190, overflow: 'truncate' } },
      series: [{ type: 'bar', data: lists.map((l) => ({ value: s.listSizes[l.code] ?? 0, itemStyle: { color: l.color === 'red' ? '#cf222e' : '#24292f' } })) }],
    }),
    [s, lists],
  );
  return (
    <Chart
      id="list-sizes"
      title={f.t('overview.listSizes')}
      option={option}
      height={300}
      table={{ head: [f.t('lists.list'), f.t('lists.colour'), f.t('overview.subjects')], rows: lists.map((l) => [l.name, f.t(`lists.${l.color}`), f.num(s.listSizes[l.code] ?? 0)]) }}
    />
  );
}

function ListFlows({ s }: { s: Stats }) {
  const f = useFormat();
  const withFlows = s.lists.filter((l) => (s.listFlows[l.code] ?? []).length > 0);
  const [code, setCode] = useState(withFlows[0]?.code ?? s.lists[0]?.code ?? '');
  const flows = useMemo(() => (s.listFlows[code] ?? []).slice(-24), [s, code]);
  const monthF = new Intl.DateTimeFormat(f.lang, { year: 'numeric', month: 'short', timeZone: 'UTC' });
  const month = (m: string) => monthF.format(new Date(`${m}-01T00:00:00Z`));
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { data: [f.t('overview.inflow'), f.t('overview.outflow')], bottom: 0 },
      grid: { left: 50, right: 16, top: 16, bottom: 50 },
      xAxis: { type: 'category', data: flows.map((m) => month(m.month)) },
      yAxis: { type: 'value' },
      series: [
        { name: f.t('overview.inflow'), type: 'line', data: flows.map((m) => m.inflow), itemStyle: { color: '#cf222e' } },
        { name: f.t('overview.outflow'), type: 'line', data: flows.map((m) => m.outflow), itemStyle: { color: '#1a7f37' } },
      ],
    }),
    [flows, f.lang],
  );
  return (
    <div>
      <label className="inline">
        {f.t('overview.flowList')}
        <select value={code} onChange={(e) => setCode(e.target.value)}>
          {s.lists.map((l) => (
            <option key={l.code} value={l.code}>
              {l.name}
            </option>
          ))}
        </select>
      </label>
      <Chart
        id="list-flows"
        title={f.t('overview.flows', { list: s.lists.find((l) => l.code === code)?.name ?? code })}
        option={option}
        table={{ head: [f.t('overview.month'), f.t('overview.inflow'), f.t('overview.outflow')], rows: flows.map((m) => [month(m.month), f.num(m.inflow), f.num(m.outflow)]) }}
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
  const option = useMemo(
    () => ({
      tooltip: {},
      grid: { left: 90, right: 16, top: 8, bottom: 24 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', inverse: true, data: rows.map(([p]) => province(p)) },
      series: [{ type: 'bar', data: rows.map(([, n]) => n), itemStyle: { color: '#0969da' } }],
    }),
    [rows.join(), f.lang],
  );
  return (
    <Chart
      id="records-by-province"
      title={f.t('overview.byProvince')}
      option={option}
      height={Math.max(160, rows.length * 26 + 40)}
      table={{ head: [f.t('overview.province'), f.t('overview.code'), f.t('overview.records')], rows: rows.map(([p, n]) => [province(p), p, f.num(n)]) }}
    />
  );
}
