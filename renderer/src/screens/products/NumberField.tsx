import { useEffect, useState } from 'react';

/** A number input that lets people type through invalid states ("1", "1.", "1.5", "-"): the
 * text is local, and only a finite number reaches the product. */
export function NumberField({ label, value, onChange, name, step = 0.1, invalid }: {
  label: string;
  value: unknown;
  onChange(n: number): void;
  name: string;
  step?: number;
  invalid?: boolean;
}) {
  const shown = typeof value === 'number' ? String(value) : '';
  const [text, setText] = useState(shown);
  useEffect(() => {
    // Follow changes made elsewhere (raw JSON editor) unless they are what we typed.
    if (Number(text) !== value || text.trim() === '') setText(shown);
  }, [shown]);
  return (
    <label className="field field-num">
      <span>{label}</span>
      <input
        name={name}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        aria-invalid={invalid || (text.trim() !== '' && !Number.isFinite(Number(text))) || undefined}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          const n = Number(e.target.value);
          if (e.target.value.trim() !== '' && Number.isFinite(n)) onChange(n);
        }}
        onKeyDown={(e) => {
          // Arrow keys nudge by a step: positions are tuned by eye against the preview.
          if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
          e.preventDefault();
          const base = Number.isFinite(Number(text)) ? Number(text) : 0;
          const n = Math.round((base + (e.key === 'ArrowUp' ? step : -step) * (e.shiftKey ? 10 : 1)) * 1000) / 1000;
          setText(String(n));
          onChange(n);
        }}
      />
    </label>
  );
}
