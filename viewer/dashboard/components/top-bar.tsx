// The top bar: brand, the sections (the current one marked), the signed-in address and Sign out.

import { useEffect, useRef, useState } from 'preact/hooks';
import { SECTIONS, type Section } from '../hooks/use-route.ts';
import { Icon } from './icon.tsx';

export function TopBar({ email, section, onSignOut }: { email: string; section: Section; onSignOut(): Promise<void> }) {
  const [leaving, setLeaving] = useState(false);
  const nav = useRef<HTMLElement>(null);
  // On a phone the sections scroll sideways: keep the current one in view.
  useEffect(() => {
    nav.current?.querySelector('[aria-current="page"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [section]);
  return (
    <header class="topbar">
      <a class="brand" href="#/">
        <span class="brand-mark" aria-hidden="true" />
        <span class="brand-name">Pagetrail</span>
      </a>
      <nav class="topbar-nav" aria-label="Sections" ref={nav}>
        {SECTIONS.map((s) => (
          <a key={s.page} href={s.href} aria-current={s.page === section ? 'page' : undefined}>
            {s.label}
          </a>
        ))}
      </nav>
      <div class="topbar-right">
        <span class="user-email hide-sm">{email}</span>
        <button
          type="button"
          class="btn btn-ghost btn-sm"
          disabled={leaving}
          onClick={() => {
            setLeaving(true);
            void onSignOut().finally(() => setLeaving(false));
          }}
        >
          <Icon name="logout" />
          <span class="hide-sm">Sign out</span>
        </button>
      </div>
    </header>
  );
}
