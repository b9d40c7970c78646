import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { useStores } from '../../components/context';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorBox } from '../../components/ErrorBox';
import { Icon, type IconName } from '../../components/Icon';
import { allowedActions, type EngineAction } from '../../stores/engine';
import { actionForKey, SHORTCUTS } from './shortcuts';
import { ReportEntry } from './ReportEntry';
import { engineStateView } from './state-icon';
import { t } from '../../i18n/t';
import { engineWords } from '../../i18n/status-words';

/** Start / Pause / Resume / Stop / Emergency stop: large, labelled, with their keys. */
export function Controls({ batchId }: { batchId: string | null }) {
  const { engine, devices } = useStores();
  const status = useStore(engine, (s) => s.status);
  const pending = useStore(engine, (s) => s.pending);
  const error = useStore(engine, (s) => s.error);
  const deviceList = useStore(devices, (s) => s.list);
  const [confirmStop, setConfirmStop] = useState(false);
  const state = status?.state ?? 'idle';
  const allowed = allowedActions(status, !!batchId);
  const paused = state === 'paused';
  const blocked = !!status?.pathCards && !['running', 'pausing', 'paused', 'stopping'].includes(state);

  const run = (a: EngineAction) => {
    if (!allowed[a]) return;
    if (a === 'stop') setConfirmStop(true);
    else void engine.getState().act(a, batchId ?? undefined);
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const a = actionForKey(e.key, paused);
      // F9 is handled for every view by components/emergency.ts.
      if (!a || a === 'estop') return;
      e.preventDefault();
      run(a);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const engineBatch = status?.batchId;
  const view = engineStateView(status);
  // Why the line is as it is, in the catalogue's words (the engine's own line is the log's).
  const words = engineWords(status, deviceList);
  return (
    <section className="panel controls" aria-labelledby="controls-title">
      <div className="controls-head">
        <h2 id="controls-title">{t('engine.title')}</h2>
        <span className={`engine-state ${view.className}`} role="status" aria-live="polite" data-testid="engine-state">
          <Icon name={view.icon} />
          {view.label}
          {engineBatch && <span className="engine-batch">{t('engine.batchLabel', { id: engineBatch })}</span>}
        </span>
        <ReportEntry batchId={batchId} />
      </div>
      {words && (
        <div className="engine-message" data-testid="engine-message">
          <p>{words.text}</p>
          {words.action && <p className="engine-action">{t('devices.action', { action: words.action })}</p>}
        </div>
      )}
      {!batchId && <p className="hint">{t('engine.noBatch')}</p>}
      {blocked && <p className="hint">{t('engine.pathBlocked')}</p>}
      <div className="control-row">
        <BigButton icon="play" label={t('engine.start')} keyName={SHORTCUTS.start} kind="go" disabled={!allowed.start} busy={pending === 'start'} onClick={() => run('start')} />
        {paused ? (
          <BigButton icon="play" label={t('engine.resume')} keyName={SHORTCUTS.toggle} kind="go" disabled={!allowed.resume} busy={pending === 'resume'} onClick={() => run('resume')} />
        ) : (
          <BigButton icon="pause" label={t('engine.pause')} keyName={SHORTCUTS.toggle} kind="neutral" disabled={!allowed.pause} busy={pending === 'pause'} onClick={() => run('pause')} />
        )}
        <BigButton icon="stop" label={t('engine.stop')} keyName={SHORTCUTS.stop} kind="neutral" disabled={!allowed.stop} busy={pending === 'stop'} onClick={() => run('stop')} />
        <BigButton icon="estop" label={t('engine.estop')} keyName={SHORTCUTS.estop} kind="estop" disabled={false} busy={pending === 'estop'} onClick={() => run('estop')} />
      </div>
      {error && <ErrorBox error={error} onDismiss={() => engine.getState().clearError()} />}
      {confirmStop && (
        <ConfirmDialog
          title={t('engine.stopConfirm.title')}
          confirmLabel={t('engine.stopConfirm.ok')}
          danger
          onCancel={() => setConfirmStop(false)}
          onConfirm={() => {
            setConfirmStop(false);
            void engine.getState().act('stop');
          }}
        >
          <p>{t('engine.stopConfirm.body')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function BigButton(p: { icon: IconName; label: string; keyName: string; kind: 'go' | 'neutral' | 'estop'; disabled: boolean; busy: boolean; onClick(): void }) {
  return (
    <button type="button" className={`big-btn big-${p.kind}`} disabled={p.disabled} aria-busy={p.busy} aria-keyshortcuts={p.keyName} onClick={p.onClick}>
      <Icon name={p.icon} size={36} />
      <span className="big-label">{p.label}</span>
      <kbd>{p.keyName}</kbd>
    </button>
  );
}
