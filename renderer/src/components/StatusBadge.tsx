import type { CardState } from '../../../shared/domain/card-state';
import { t } from '../i18n/t';
import { Icon, type IconName } from './Icon';

// State shown with an icon AND words, never by colour alone.
const ICON: Record<CardState, IconName> = {
  queued: 'clock',
  held: 'hold',
  in_progress: 'play',
  passed: 'check',
  failed: 'cross',
  rejected: 'cross',
  reworked: 'info',
};

export function CardStateBadge({ state }: { state: CardState }) {
  return (
    <span className={`badge badge-${state}`}>
      <Icon name={ICON[state]} size={18} />
      <span>{t(`state.${state}`)}</span>
    </span>
  );
}
