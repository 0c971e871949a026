// The dashboard's building blocks: a titled card, a headline figure, a mounted legacy DOM view.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

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

/** Hosts a view still written against the DOM helpers; `render` runs again when `key` changes. */
export function DomIsland({ render, key: renderKey }: { render: (root: HTMLElement) => void; key: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const latest = useRef(render);
  latest.current = render;
  useEffect(() => {
    if (ref.current) latest.current(ref.current);
  }, [renderKey]);
  return <div ref={ref} />;
}
