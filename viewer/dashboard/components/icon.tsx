// The dashboard's icons as a component, drawn from the same path data as the DOM helper's.

import { PATHS, type IconName } from '../dom.ts';

export function Icon({ name, class: className = 'icon' }: { name: IconName; class?: string }) {
  return (
    <svg viewBox="0 0 24 24" class={className} aria-hidden="true">
      {PATHS[name].map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}
