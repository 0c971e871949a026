// The dashboard's building blocks: a titled card, a headline figure.

import type { ComponentChildren } from 'preact';

export function Card(props: {
  title: string;
  class?: string;
  actions?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <section class={`card${props.class ? ` ${props.class}` : ''}`}>
      <div class="card-head">
        <h2 class="card-title">{props.title}</h2>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

export function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div class="stat">
      <p class="stat-value">{value}</p>
      <p class="stat-label">{label}</p>
      {hint && <p class="stat-hint">{hint}</p>}
    </div>
  );
}
