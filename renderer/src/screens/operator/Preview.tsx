import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { Preview as PreviewDto } from '../../../../shared/contract/dto';
import { useStores } from '../../components/context';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Icon } from '../../components/Icon';
import { Empty } from '../../components/States';
import { describeError, type ShownError } from '../../station/errors';
import { svgDataUrl } from './svg';
import { t } from '../../i18n/t';

const MIN_INTERVAL_MS = 400;

/** The live preview of the current card, front and back, card number masked. A supervisor may
 * reveal the full number of the card shown (confirmed, and logged by the station). */
export function Preview() {
  const { activity, api, session } = useStores();
  const currentId = useStore(activity, (s) => s.currentId);
  const record = useStore(activity, (s) => [...s.inFlight, ...s.recent].find((r) => r.id === s.currentId)?.recordId ?? '');
  const mayReveal = useStore(session, (s) => s.info?.user?.role === 'supervisor');
  const [preview, setPreview] = useState<PreviewDto | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const [asking, setAsking] = useState(false);

  useEffect(() => {
    // No current card (another batch chosen, nothing in the machine yet): nothing of the last one stays.
    if (currentId == null) {
      setPreview(null);
      setError(null);
      return;
    }
    let live = true;
    // Cards can change faster than a person can look: after the first, wait a moment before asking.
    const timer = setTimeout(() => {
      api.call('cards.preview', { cardId: currentId, reveal: false }).then(
        (p) => {
          if (live) {
            setPreview(p);
            setError(null);
          }
        },
        (e) => {
          if (live) setError(describeError(t('preview.failed'), e));
        },
      );
    }, preview ? MIN_INTERVAL_MS : 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [currentId, api]);

  const ask = async (reveal: boolean) => {
    setAsking(false);
    if (currentId == null) return;
    try {
      const p = await api.call('cards.preview', { cardId: currentId, reveal });
      setPreview(p);
      setError(null);
    } catch (e) {
      setError(describeError(t('preview.reveal.failed'), e));
    }
  };

  const shown = preview;
  return (
    <section className="panel preview" aria-labelledby="preview-title">
      <h2 id="preview-title">{t('preview.title')}</h2>
      {!shown && !error && <Empty>{t('preview.empty')}</Empty>}
      {error && <p className="notice notice-bad">{error.title}: {error.message}</p>}
      {shown && !shown.available && (
        <p className="notice preview-done" data-testid="preview-done" role="status">
          <Icon name="info" size={20} /> {t('preview.done')}
        </p>
      )}
      {shown && shown.available && (
        <div className="preview-sides" data-testid="preview">
          <img src={svgDataUrl(shown.front)} alt={t('preview.front', { record })} />
          <img src={svgDataUrl(shown.back)} alt={t('preview.back', { record })} />
          {shown.masked ? (
            <small className="muted">{t('preview.masked')}</small>
          ) : (
            <p className="notice notice-warn" role="status">
              <Icon name="warn" size={20} /> {t('preview.revealed')}
            </p>
          )}
          {mayReveal && shown.masked && (
            <button type="button" className="btn" onClick={() => setAsking(true)}>
              {t('preview.reveal')}
            </button>
          )}
          {!shown.masked && (
            <button type="button" className="btn" onClick={() => void ask(false)}>
              {t('preview.hide')}
            </button>
          )}
        </div>
      )}
      {asking && (
        <ConfirmDialog title={t('preview.reveal.title', { record })} confirmLabel={t('preview.reveal.ok')} onCancel={() => setAsking(false)} onConfirm={() => void ask(true)}>
          <p>{t('preview.reveal.body')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
