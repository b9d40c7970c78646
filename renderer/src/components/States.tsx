import { t } from '../i18n/t';

export function Loading({ label }: { label?: string }) {
  return (
    <div className="state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('queue.loading')}</span>
    </div>
  );
}

export function Empty({ children }: { children: string }) {
  return <p className="state-empty">{children}</p>;
}
