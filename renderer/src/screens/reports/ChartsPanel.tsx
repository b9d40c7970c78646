import { useStore } from 'zustand';
import type { ReportsStore } from '../../stores/reports';
import { BarChart } from '../../components/charts/BarChart';
import { Throughput } from '../../components/charts/Throughput';
import { YieldBar } from '../../components/charts/YieldBar';
import { ErrorBox } from '../../components/ErrorBox';
import { formatTimestamp } from '../../format/format';
import { reasonText } from '../../i18n/reasons';
import { t } from '../../i18n/t';
import { durationText, percentText } from './report-text';

const BUCKETS = [1, 5, 10, 15, 30, 60, 120, 240, 480, 1440];
/** A bucket size giving at most ~60 columns over the range. */
export function bucketFor(rangeMs: number): number {
  return BUCKETS.find((m) => rangeMs / (m * 60_000) <= 60) ?? 1440;
}

export function ChartsPanel({ store }: { store: ReportsStore }) {
  const charts = useStore(store, (s) => s.charts);
  const devices = useStore(store, (s) => s.devices);
  const error = useStore(store, (s) => s.chartsError);
  const minutes = charts ? Math.round(charts.throughput.bucketMs / 60_000) : 0;
  const processed = charts?.throughput.buckets.some((b) => b.passed + b.spoiled > 0);
  return (
    <section className="panel" aria-labelledby="charts-title" data-testid="charts">
      <h2 id="charts-title">{t('charts.title')}</h2>
      {error && <ErrorBox error={error} />}
      {charts && (
        <div className="chart-grid">
          <div>
            <h3>{t('charts.yield')}</h3>
            {charts.yield.processed ? (
              <YieldBar
                title={t('charts.yield')}
                passed={charts.yield.passed}
                processed={charts.yield.processed}
                caption={t('charts.yieldValue', { pct: percentText(charts.yield.ratio), passed: charts.yield.passed, processed: charts.yield.processed })}
              />
            ) : (
              <p className="hint">{t('charts.yieldNone')}</p>
            )}
          </div>
          <div>
            <h3>{t('charts.rejects')}</h3>
            {charts.rejectReasons.length ? (
              <BarChart
                title={t('charts.rejects')}
                testId="chart-rejects"
                bars={charts.rejectReasons.map((r) => ({ label: reasonText(r.reason)?.summary ?? r.reason, value: r.count, text: `${r.count} (${r.reason})` }))}
              />
            ) : (
              <p className="hint">{t('charts.rejectsNone')}</p>
            )}
          </div>
          <div>
            <h3>{t('charts.throughput', { minutes })}</h3>
            {processed ? (
              <Throughput
                title={t('charts.throughput', { minutes })}
                buckets={charts.throughput.buckets}
                label={(b) => t('charts.bucket', { time: formatTimestamp(b.start), passed: b.passed, spoiled: b.spoiled })}
                axisTime={(ms) => formatTimestamp(ms).slice(5, 16)}
                legend={{ passed: t('charts.passed'), spoiled: t('charts.spoiled') }}
              />
            ) : (
              <p className="hint">{t('charts.throughputNone')}</p>
            )}
          </div>
        </div>
      )}
      {devices && (
        <div className="chart-grid">
          <div>
            <h3>{t('charts.devices')} — {t('charts.faults')}</h3>
            {devices.devices.length ? (
              <BarChart title={`${t('charts.devices')} — ${t('charts.faults')}`} testId="chart-faults" bars={devices.devices.map((d) => ({ label: d.name, value: d.faults }))} />
            ) : (
              <p className="hint">{t('charts.devicesNone')}</p>
            )}
          </div>
          <div>
            <h3>{t('charts.devices')} — {t('charts.downtime')}</h3>
            {devices.devices.length > 0 && (
              <BarChart
                title={`${t('charts.devices')} — ${t('charts.downtime')}`}
                testId="chart-downtime"
                bars={devices.devices.map((d) => ({
                  label: d.name,
                  value: d.downtimeMs,
                  text: durationText(d.downtimeMs) + (d.intervals.some((i) => i.ongoing) ? ` (${t('charts.ongoing')})` : ''),
                }))}
              />
            )}
          </div>
        </div>
      )}
    </section>
  );
}
