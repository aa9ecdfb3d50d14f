import { useActions, useApp } from '../store/store-context.js';

/** A polite status line for copies, opens and failures. */
export function ToastView() {
  const toast = useApp((s) => s.toast);
  const actions = useActions();
  return (
    <div className="toast-region" role="status" aria-live="polite">
      {toast ? (
        <button type="button" className={`toast tone-${toast.tone}`} onClick={actions.dismissToast}>
          {toast.text}
        </button>
      ) : null}
      {toast?.action ? (
        <button
          type="button"
          className="toast-action"
          onClick={() => {
            const run = toast.action?.run;
            actions.dismissToast();
            run?.();
          }}
        >
          {toast.action.label}
        </button>
      ) : null}
    </div>
  );
}
