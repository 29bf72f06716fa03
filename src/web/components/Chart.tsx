/**
 * An Apache ECharts chart (SVG renderer, with ECharts' own aria description) and, for screen
 * readers and for anyone who wants the numbers, the same data as a table under a disclosure.
 */
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { AriaComponent, DatasetComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import type { EChartsCoreOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

echarts.use([BarChart, LineChart, PieChart, GridComponent, TooltipComponent, LegendComponent, DatasetComponent, AriaComponent, SVGRenderer]);

export interface ChartProps {
  id: string;
  title: string;
  option: EChartsCoreOption;
  /** The numbers behind the chart: header row, then data rows (a cell may link to what it counts). */
  table: { head: string[]; rows: (string | number | ReactNode)[][] };
  height?: number;
  onClick?: (dataIndex: number, seriesIndex: number) => void;
  /** Shown between the caption and the chart: its range, its scale. */
  controls?: ReactNode;
  /** A line under the chart (how to read it, what a click does). */
  note?: ReactNode;
  /** The value axis' scale, for a reader of the page (`data-scale`). */
  scale?: 'linear' | 'log';
}

export function Chart({ id, title, option, table, height = 260, onClick, controls, note, scale }: ChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  // The latest click handler, without redrawing the chart when only the handler changed.
  const click = useRef(onClick);
  click.current = onClick;
  const { t } = useTranslation();
  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'svg' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.setOption({ animation: false, aria: { enabled: true, label: { description: `${title}. ${t('chart.tableHint')}` } }, ...option }, true);
  }, [option, title, t]);
  useEffect(() => {
    const c = chart.current;
    c?.on('click', (p) => click.current?.(p.dataIndex, p.seriesIndex ?? 0));
    return () => void c?.off('click');
  }, []);
  return (
    <figure className="chart" id={id} data-testid={`chart-${id}`} data-scale={scale}>
      <figcaption>{title}</figcaption>
      {controls ? <div className="chart-controls">{controls}</div> : null}
      <div ref={el} className="chart-canvas" style={{ height }} />
      {note ? <p className="small muted">{note}</p> : null}
      <details>
        <summary>{t('chart.showData')}</summary>
        <table className="data">
          <thead>
            <tr>
              {table.head.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((r, i) => (
              <tr key={i}>
                {r.map((c, j) => (j === 0 ? <th key={j} scope="row">{c}</th> : <td key={j}>{c}</td>))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
