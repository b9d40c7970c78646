import { useRef } from 'react';
import { useStore } from 'zustand';
import { useStores } from '../../components/context';
import { ErrorBox } from '../../components/ErrorBox';
import { Icon } from '../../components/Icon';
import { ProgressBar } from '../../components/ProgressBar';
import { describeError } from '../../station/errors';
import { t } from '../../i18n/t';
import { formatCount, formatDuration } from '../../format/format';

/** Choose a batch file, read it as text, hand it to the station; show every problem it finds. */
export function ImportButton() {
  const { batches } = useStores();
  const importing = useStore(batches, (s) => s.importing);
  const input = useRef<HTMLInputElement>(null);

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    let content: string;
    try {
      content = await file.text();
    } catch (e) {
      batches.setState({
        importing: { fileName: file.name, running: false, result: null, error: { ...describeError(t('import.failed', { file: file.name }), e), message: t('import.readFailed', { message: String((e as Error)?.message ?? e) }) } },
      });
      return;
    } finally {
      if (input.current) input.current.value = '';
    }
    await batches.getState().importFile(file.name, content);
  };

  return (
    <div className="import">
      <input ref={input} id="import-file" type="file" className="sr-only" accept=".json,.csv,.txt,.xml,.dat,application/json,text/*" onChange={(e) => void onFile(e.target.files?.[0])} disabled={importing?.running} />
      <label htmlFor="import-file" className={'btn btn-large' + (importing?.running ? ' btn-disabled' : '')} tabIndex={-1}>
        <Icon name="upload" /> {t('import.choose')}
      </label>
    </div>
  );
}

/** Progress, result or every problem of the last import, under the batch bar. */
export function ImportStatus() {
  const { batches, tasks } = useStores();
  const importing = useStore(batches, (s) => s.importing);
  const task = useStore(tasks, (s) => s.tasks.find((p) => !p.finished));
  if (!importing) return null;
  return (
    <div className="import-status">
      {importing?.running && (
        <div className="import-progress" role="status" aria-live="polite">
          <span>{t('import.working', { file: importing.fileName })}</span>
          <ProgressBar done={task?.done} total={task?.total} label={t('import.working', { file: importing.fileName })} />
          {task && task.rate !== undefined && (
            <span className="import-rate">{t('import.checked', { done: formatCount(task.done), total: formatCount(task.total), rate: formatCount(Math.round(task.rate)), eta: formatDuration((task.etaMs ?? 0) / 1000) })}</span>
          )}
          {task?.cancellable && (
            <button type="button" className="btn" onClick={() => void batches.getState().cancelImport(task.taskId)}>
              {t('import.cancel')}
            </button>
          )}
        </div>
      )}
      {importing?.result && (
        <p className="notice notice-ok" role="status">
          <Icon name="check" size={20} /> {t('import.done', { id: importing.result.batchId, records: importing.result.records })}
        </p>
      )}
      {importing?.error && (
        // The station's message already says how many problems there are (and how many are listed).
        <ErrorBox error={importing.error} onDismiss={() => batches.getState().clearImport()} />
      )}
    </div>
  );
}
