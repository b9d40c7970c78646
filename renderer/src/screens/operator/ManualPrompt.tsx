import { useEffect, useRef, useState } from 'react';
import type { ManualPromptDto } from '../../../../shared/contract/areas/manual';
import { useStores } from '../../components/context';
import { ErrorBox } from '../../components/ErrorBox';
import { Icon } from '../../components/Icon';
import { describeError, type ShownError } from '../../station/errors';
import { t } from '../../i18n/t';

export function instructionText(p: Pick<ManualPromptDto, 'instruction' | 'deviceId'>): string {
  const device = p.deviceId ?? t('manual.device');
  return t(`manual.${p.instruction}`, { device });
}

/** Manual workstation mode: one big instruction at a time; Enter (or the button) confirms it. */
export function ManualPrompt() {
  const { api } = useStores();
  const [prompt, setPrompt] = useState<ManualPromptDto | null>(null);
  const [waiting, setWaiting] = useState(0);
  const [error, setError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let live = true;
    const off = api.on('manual.prompt', (p) => {
      setPrompt(p);
      setError(null);
    });
    api.call('manual.pending', {}).then(
      (r) => {
        if (!live) return;
        setPrompt((cur) => cur ?? r.prompts[0] ?? null);
        setWaiting(Math.max(0, r.prompts.length - 1));
      },
      () => {
        // A station without manual mode, or not allowed: no prompt to show.
      },
    );
    return () => {
      live = false;
      off();
    };
  }, [api]);

  useEffect(() => {
    if (prompt?.needsConfirmation) button.current?.focus();
  }, [prompt?.promptId]);

  if (!prompt) return null;
  const confirm = async () => {
    if (busy || !prompt.needsConfirmation) return;
    setBusy(true);
    try {
      await api.call('manual.confirm', { promptId: prompt.promptId });
      setPrompt((cur) => (cur?.promptId === prompt.promptId ? null : cur));
      setWaiting((n) => Math.max(0, n - 1));
    } catch (e) {
      setError(describeError(t('manual.failed'), e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel manual" aria-labelledby="manual-title" data-testid="manual-prompt" data-instruction={prompt.instruction}>
      <h2 id="manual-title">{t('manual.title')}</h2>
      <p className="manual-instruction" role="status" aria-live="assertive">
        <Icon name="info" size={40} /> {instructionText(prompt)}
      </p>
      <p className="mono">{t('manual.card', { record: prompt.recordId, pan: prompt.maskedPan })}</p>
      {prompt.needsConfirmation ? (
        <button ref={button} type="button" className="big-btn big-go manual-confirm" aria-keyshortcuts="Enter" disabled={busy} onClick={() => void confirm()}>
          <Icon name="check" size={36} />
          <span className="big-label">{t('manual.confirm')}</span>
          <kbd>{t('manual.confirmKey')}</kbd>
        </button>
      ) : (
        <p className="hint">{t('manual.waitDevice')}</p>
      )}
      {waiting > 0 && <p className="muted">{t('manual.more', { count: waiting })}</p>}
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
    </section>
  );
}
