import { t, hasMessage } from './t';

/** A failure reason code in plain words plus the action it asks for. Unknown codes still read sensibly. */
export function reasonText(code: string | null | undefined): { summary: string; action: string } | null {
  if (!code) return null;
  const key = `reason.${code}`;
  const actionKey = `reason.${code}.action`;
  if (hasMessage(key) && hasMessage(actionKey)) return { summary: t(key), action: t(actionKey) };
  return { summary: t('reason.unknown', { code }), action: t('reason.unknown.action') };
}
