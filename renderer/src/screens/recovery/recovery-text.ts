import type { RecoveredCardDto } from '../../../../shared/contract/areas/recovery';
import type { DeviceStatus } from '../../../../shared/domain/device';
import { reasonText } from '../../i18n/reasons';
import { stepName, unitText } from '../supervisor/stopped-at';
import { t } from '../../i18n/t';

// Where a card was and what the journal last knows of it, in the catalogue's words: the step and
// its unit counted from 1, the device by its name, the action as "had started" / "done" / "failed".

export function whereText(step: string | null, slot: number | null, deviceId: string | null, devices: readonly DeviceStatus[]): string {
  if (!step) return t('recovery.unknown');
  const where = unitText(step, slot);
  if (!deviceId) return where;
  const device = devices.find((d) => d.id === deviceId)?.name ?? deviceId;
  return device.toLowerCase() === where.toLowerCase() ? where : t('recovery.whereDevice', { where, device });
}

export function lastText(last: RecoveredCardDto['last']): string {
  if (!last) return t('recovery.unknown');
  const step = stepName(last.step);
  if (last.phase === 'intent') return t('recovery.last.intent', { step });
  if (last.ok) return t('recovery.last.ok', { step });
  return t('recovery.last.failed', { step, reason: reasonText(last.reason)?.summary ?? t('recovery.unknown') });
}
