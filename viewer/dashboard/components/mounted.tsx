// Hosts a page still built with the DOM helpers until it becomes a component: its effect mounts the view into
// this element and calls the view's dispose on unmount.

import { useEffect, useRef } from 'preact/hooks';

export function Mounted({ render }: { render: (root: HTMLElement) => () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const mount = useRef(render);
  useEffect(() => (ref.current ? mount.current(ref.current) : undefined), []);
  return <div ref={ref} class="mounted-view" />;
}
