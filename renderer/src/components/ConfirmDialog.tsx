import { useEffect, useRef, type ReactNode } from 'react';
import { t } from '../i18n/t';
import { CLOSE_DIALOGS } from './emergency';

// A modal built on <dialog>: the browser traps focus and Escape cancels. Used before every
// action that cannot be undone.
export function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  confirmDisabled?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  // The emergency stop cancels whatever was being confirmed (see emergency.ts).
  const onCancel = props.onCancel;
  useEffect(() => {
    window.addEventListener(CLOSE_DIALOGS, onCancel);
    return () => window.removeEventListener(CLOSE_DIALOGS, onCancel);
  }, [onCancel]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (!props.confirmDisabled && !props.busy) props.onConfirm();
        }}
      >
        <h2 id="dialog-title">{props.title}</h2>
        <div className="dialog-body">{props.children}</div>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={props.onCancel}>
            {t('dialog.cancel')}
          </button>
          <button type="submit" className={'btn ' + (props.danger ? 'btn-danger' : 'btn-primary')} disabled={props.confirmDisabled || props.busy}>
            {props.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
