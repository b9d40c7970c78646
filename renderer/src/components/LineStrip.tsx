import { useEffect } from 'react';
import { useStore } from 'zustand';
import { useStores } from './context';
import { Icon } from './Icon';
import { pressEmergencyStop } from './emergency';
import { engineStateView } from '../screens/operator/state-icon';
import { SHORTCUTS } from '../screens/operator/shortcuts';
import { formatCount, tally } from '../format/format';
import { t } from '../i18n/t';

/**
 * The line at a glance on every view but Production (which has the full controls): its state,
 * the batch's counters, the emergency stop, and the way back to the controls.
 */
export function LineStrip() {
  const { engine, ui } = useStores();
  const status = useStore(engine, (s) => s.status);
  const pending = useStore(engine, (s) => s.pending);
  useEffect(() => {
    void engine.getState().load();
  }, [engine]);
  const view = engineStateView(status);
  const tl = tally(status?.counts);
  return (
    <section className="line-strip" aria-label={t('strip.title')} data-testid="line-strip">
      <span className={`engine-state ${view.className} strip-state`} role="status" aria-live="polite" data-testid="strip-state">
        <Icon name={view.icon} />
        {view.label}
      </span>
      {status?.batchId && <span className="strip-batch">{t('engine.batchLabel', { id: status.batchId })}</span>}
      {tl && (
        <span className="strip-counts" data-testid="strip-counts">
          {t('strip.counts', { done: formatCount(tl.done), total: formatCount(tl.total), passed: formatCount(tl.passed), failed: formatCount(tl.failed) })}
        </span>
      )}
      <button type="button" className="btn strip-go" onClick={() => ui.getState().setScreen('operator')}>
        {t('strip.toControls')}
      </button>
      <button type="button" className="strip-estop" aria-keyshortcuts={SHORTCUTS.estop} aria-busy={pending === 'estop'} onClick={() => pressEmergencyStop(engine)}>
        <Icon name="estop" />
        <span>{t('engine.estop')}</span>
        <kbd>{SHORTCUTS.estop}</kbd>
      </button>
    </section>
  );
}
