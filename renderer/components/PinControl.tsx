import { useState } from 'react';
import { PIN_LABEL_LENGTH } from '../../app/model/pins.js';
import type { Pin } from '../../app/model/settings.js';
import { useActions, useApp } from '../store/store-context.js';

/**
 * Pin a port and name it ("Storefront API"): pinned ports are listed first and stay as "down"
 * rows when nothing listens. Lives in the details, not the action bar, which must stay one line.
 */
export function PinControl({ port }: { readonly port: number }) {
  const pin = useApp((s) => s.settings.pins.find((p) => p.port === port));
  // Keyed by port and saved label: another row, or a label saved elsewhere, starts a fresh draft.
  return <PinEditor key={`${port}|${pin?.label ?? ''}`} port={port} pin={pin} />;
}

function PinEditor({ port, pin }: { readonly port: number; readonly pin: Pin | undefined }) {
  const actions = useActions();
  const [draft, setDraft] = useState(pin?.label ?? '');
  // Editing the label of a pinned port saves it; before pinning, the draft waits for "Pin".
  const save = (): void => {
    if (pin !== undefined && (pin.label ?? '') !== draft.trim()) actions.setPin(port, true, draft);
  };
  return (
    <div className="pin-control">
      <button
        type="button"
        className="btn"
        aria-pressed={pin !== undefined}
        title="Pinned ports are listed first, and shown as down when nothing listens"
        onClick={() => actions.setPin(port, pin === undefined, draft || null)}
      >
        Pin port {port}
      </button>
      <label className="pin-label">
        <span>Label</span>
        <input
          type="text"
          className="pin-input"
          value={draft}
          maxLength={PIN_LABEL_LENGTH}
          placeholder="e.g. Storefront API"
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => setDraft(e.currentTarget.value)}
          onBlur={save}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              e.stopPropagation();
              save();
            }
          }}
        />
      </label>
    </div>
  );
}
