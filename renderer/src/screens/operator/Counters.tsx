import { useStore } from 'zustand';
import { useStores } from '../../components/context';
import { ProgressBar } from '../../components/ProgressBar';
import { formatCount, formatDuration, formatRate, tally } from '../../format/format';
import { t } from '../../i18n/t';
import { showsRate } from './state-icon';

export function Counters() {
  const { counts, engine } = useStores();
  const c = useStore(counts, (s) => s.counts);
  const batchId = useStore(counts, (s) => s.batchId);
  const status = useStore(engine, (s) => s.status);
  const tl = tally(c);
  // During a stop (emergency or not) a rate and an ETA would be made up: they show only while it runs.
  const live = status && status.batchId === batchId && showsRate(status);
  const cells: [string, string, string][] = [
    ['done', t('counters.done'), tl ? formatCount(tl.done) : t('counters.unknown')],
    ['passed', t('counters.passed'), formatCount(tl?.passed)],
    ['failed', t('counters.failed'), formatCount(tl?.failed)],
    ['remaining', t('counters.remaining'), formatCount(tl?.remaining)],
    ['rate', t('counters.rate'), live ? formatRate(status.cardsPerHour) : t('counters.unknown')],
    ['eta', t('counters.eta'), live ? formatDuration(status.etaSeconds) : t('counters.unknown')],
  ];
  return (
    <section className="panel counters" aria-labelledby="counters-title">
      <h2 id="counters-title" className="sr-only">
        {t('counters.title')}
      </h2>
      <dl className="counter-grid">
        {cells.map(([k, label, value]) => (
          <div key={k} className={`counter counter-${k}`} data-testid={`counter-${k}`}>
            <dt>{label}</dt>
            <dd title={value}>
              {value}
              {/* The total on its own line: "Done 10 / 10…" cut at the end read as finished. */}
              {k === 'done' && tl && <span className="counter-of"> / {formatCount(tl.total)}</span>}
            </dd>
          </div>
        ))}
      </dl>
      {tl && <ProgressBar done={tl.done} total={tl.total} label={t('counters.title')} />}
    </section>
  );
}
