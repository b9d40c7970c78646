import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { Preview as PreviewDto } from '../../../../shared/contract/dto';
import { useStores } from '../../components/context';
import { Empty } from '../../components/States';
import { describeError, type ShownError } from '../../station/errors';
import { svgDataUrl } from './svg';
import { t } from '../../i18n/t';

const MIN_INTERVAL_MS = 400;

/** The live preview of the current card, front and back, card number masked. */
export function Preview() {
  const { activity, api } = useStores();
  const currentId = useStore(activity, (s) => s.currentId);
  const record = useStore(activity, (s) => [...s.inFlight, ...s.recent].find((r) => r.id === s.currentId)?.recordId ?? '');
  const [preview, setPreview] = useState<PreviewDto | null>(null);
  const [error, setError] = useState<ShownError | null>(null);

  useEffect(() => {
    if (currentId == null) return;
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

  return (
    <section className="panel preview" aria-labelledby="preview-title">
      <h2 id="preview-title">{t('preview.title')}</h2>
      {!preview && !error && <Empty>{t('preview.empty')}</Empty>}
      {error && <p className="notice notice-bad">{error.title}: {error.message}</p>}
      {preview && (
        <div className="preview-sides" data-testid="preview">
          <img src={svgDataUrl(preview.front)} alt={t('preview.front', { record })} />
          <img src={svgDataUrl(preview.back)} alt={t('preview.back', { record })} />
          {preview.masked && <small className="muted">{t('preview.masked')}</small>}
        </div>
      )}
    </section>
  );
}
