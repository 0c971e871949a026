// A saved on/off switch: `save` stores the new state and resolves to what was stored (a permission prompt may
// refuse); the box is disabled while saving and goes back to its old state if saving fails.

import { useEffect, useState } from 'preact/hooks';

export function Switch(props: {
  id: string;
  label: string;
  checked: boolean;
  hint?: string;
  save: (on: boolean) => Promise<boolean>;
}) {
  const [on, setOn] = useState(props.checked);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setOn(props.checked), [props.checked]);
  const change = async (next: boolean) => {
    setBusy(true);
    setError(null);
    setOn(next);
    try {
      setOn(await props.save(next));
    } catch (err) {
      setOn(!next);
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="settings-row">
      <label class="check" for={props.id}>
        <input
          type="checkbox"
          id={props.id}
          checked={on}
          disabled={busy}
          onChange={(e) => void change(e.currentTarget.checked)}
        />
        <span>{props.label}</span>
      </label>
      {props.hint && <p class="settings-hint">{props.hint}</p>}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
