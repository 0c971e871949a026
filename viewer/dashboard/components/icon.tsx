// The dashboard's icons (24x24, stroked) and the component that draws one.

export const PATHS = {
  upload: ['M12 16V4', 'M7 9l5-5 5 5', 'M5 20h14'],
  doc: ['M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z', 'M14 3v5h5'],
  link: [
    'M10 14a4 4 0 0 0 5.66 0l3-3a4 4 0 0 0-5.66-5.66l-1 1',
    'M14 10a4 4 0 0 0-5.66 0l-3 3a4 4 0 0 0 5.66 5.66l1-1',
  ],
  copy: ['M9 9h10v10H9z', 'M5 15V5h10'],
  check: ['M5 12l5 5 9-10'],
  trash: ['M4 7h16', 'M10 11v6M14 11v6', 'M6 7l1 13h10l1-13', 'M9 7V4h6v3'],
  back: ['M15 18l-6-6 6-6'],
  eye: ['M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12z', 'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6z'],
  download: ['M12 4v11', 'M7 10l5 5 5-5', 'M5 20h14'],
  clock: ['M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z', 'M12 7v5l3 2'],
  mail: ['M3 6h18v12H3z', 'M3 7l9 6 9-6'],
  reply: ['M10 8L4 13l6 5', 'M4 13h11a5 5 0 0 1 5 5v1'],
  pointer: ['M5 3l14 8-6 2-2 6z'],
  logout: ['M15 4h4v16h-4', 'M10 8l-4 4 4 4', 'M6 12h10'],
  alert: ['M12 3l10 18H2z', 'M12 10v4', 'M12 17v.5'],
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, class: className = 'icon' }: { name: IconName; class?: string }) {
  return (
    <svg viewBox="0 0 24 24" class={className} aria-hidden="true">
      {PATHS[name].map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}
