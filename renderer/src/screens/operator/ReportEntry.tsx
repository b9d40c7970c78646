import { useStore } from 'zustand';
import { useStores } from '../../components/context';
import { Icon } from '../../components/Icon';
import { t } from '../../i18n/t';

/** The operator's way to their batch's vault figures and sign-off (the reports view, on this batch). */
export function ReportEntry({ batchId }: { batchId: string | null }) {
  const { ui } = useStores();
  if (!batchId) return null;
  return (
    <button type="button" className="btn" title={t('reports.openHint', { id: batchId })} onClick={() => ui.getState().setScreen('reports')}>
      <Icon name="check" size={20} />
      {t('reports.open')}
    </button>
  );
}
