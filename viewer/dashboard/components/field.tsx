// A labelled form field: the label wraps its input, so a click on the words focuses it.

import type { ComponentChildren } from 'preact';

export function Field({
  label,
  class: extra,
  children,
}: {
  label: string;
  class?: string;
  children: ComponentChildren;
}) {
  return (
    <label class={`field${extra ? ` ${extra}` : ''}`}>
      <span class="field-label">{label}</span>
      {children}
    </label>
  );
}
