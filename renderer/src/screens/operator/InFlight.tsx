import { useStore } from 'zustand';
import { useStores } from '../../components/context';
import { ProgressBar } from '../../components/ProgressBar';
import { Empty } from '../../components/States';
import { Icon } from '../../components/Icon';
import { t } from '../../i18n/t';

/** The cards in the machine now: which step each one is at and how far. */
export function InFlight() {
  const rows = useStore(useStores().activity, (s) => s.inFlight);
  return (
    <section className="panel inflight" aria-labelledby="inflight-title">
      <h2 id="inflight-title">{t('inflight.title')}</h2>
      {!rows.length && <Empty>{t('inflight.empty')}</Empty>}
      <ul className="inflight-list">
        {rows.map((r) => {
          const step = r.step ? t(`step.${r.step}`) : t('state.in_progress');
          return (
            <li key={r.id} className="inflight-item" data-testid="inflight-item">
              <div className="inflight-line">
                <Icon name="play" size={20} />
                <span className="mono">{t('inflight.card', { record: r.recordId, pan: r.maskedPan })}</span>
                <strong>{step}</strong>
                {r.attempt > 1 && <span className="muted">{t('inflight.attempt', { n: r.attempt })}</span>}
              </div>
              <ProgressBar done={r.progress != null ? Math.round(r.progress * 100) : undefined} total={r.progress != null ? 100 : undefined} label={`${r.recordId}: ${step}`} />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
