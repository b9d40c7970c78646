import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { CallOutput } from '../../../../shared/contract/channels';
import type { RecoveredCardDto } from '../../../../shared/contract/areas/recovery';
import { useStores } from '../../components/context';
import { ErrorBox } from '../../components/ErrorBox';
import { CardStateBadge } from '../../components/StatusBadge';
import { Empty, Loading } from '../../components/States';
import { describeError, type ShownError } from '../../station/errors';
import { formatTimestamp } from '../../format/format';
import { lastText, whereText } from './recovery-text';
import { t } from '../../i18n/t';

/** After a crash: the card that was in each module, what the journal knows of it, and the way
 * to the decision queue where interrupted cards are rejected or reworked. */
export function RecoveryScreen() {
  const { api, ui, devices } = useStores();
  const [status, setStatus] = useState<CallOutput<'recovery.status'> | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  useEffect(() => {
    api.call('recovery.status', {}).then(setStatus, (e) => setError(describeError(t('recovery.failed'), e)));
    // Devices by name, for where each card was.
    void devices.getState().load();
  }, [api, devices]);
  // A card recovered at this start that still waits is in the first table already: not twice.
  const shown = new Set(status?.recovered.map((r) => r.cardId));
  const others = status?.awaitingDecision.filter((r) => !shown.has(r.cardId)) ?? [];
  return (
    <section className="panel recovery" aria-labelledby="recovery-title" data-testid="recovery-screen">
      <h1 id="recovery-title" className="h2">
        {t('recovery.title')}
      </h1>
      {error && <ErrorBox error={error} />}
      {!status && !error && <Loading />}
      {status && !status.recovered.length && <Empty>{t('recovery.none')}</Empty>}
      {status && status.recovered.length > 0 && (
        <>
          <p>{t('recovery.intro', { at: formatTimestamp(status.startedAt) })}</p>
          <CardTable rows={status.recovered} />
        </>
      )}
      {status && status.awaitingDecision.length > 0 && (
        <>
          <h2>{t('recovery.waiting', { count: status.awaitingDecision.length })}</h2>
          {status.truncated && <p className="notice">{t('recovery.truncated')}</p>}
          {others.length < status.awaitingDecision.length && <p>{t('recovery.waitingAbove')}</p>}
          {others.length > 0 && <CardTable rows={others} />}
        </>
      )}
      <button type="button" className="btn btn-primary btn-large" onClick={() => ui.getState().setScreen('supervisor')}>
        {t('recovery.toDecisions')}
      </button>
    </section>
  );
}

function CardTable({ rows }: { rows: RecoveredCardDto[] }) {
  const devices = useStore(useStores().devices, (s) => s.list);
  return (
    <div className="table-wrap">
      <table className="log-table">
        <thead>
          <tr>
            <th scope="col">{t('recovery.col.card')}</th>
            <th scope="col">{t('recovery.col.where')}</th>
            <th scope="col">{t('recovery.col.last')}</th>
            <th scope="col">{t('recovery.col.state')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.cardId}`} data-record={r.recordId}>
              <td className="mono">
                {r.batchId} · {r.recordId} · {r.maskedPan}
              </td>
              <td>{whereText(r.step, r.slot, r.deviceId, devices)}</td>
              <td>{lastText(r.last)}</td>
              <td>
                <CardStateBadge state={r.state} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
