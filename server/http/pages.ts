// HTML shells for the reader, the dashboard and the unavailable-link page (scripts and styles are separate files).

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function shell(title: string, body: string, assets: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<title>${esc(title)}</title>${assets}</head><body>${body}</body></html>`;
}

export function readerPage(p: { title: string; token: string; pageCount: number; allowDownload: boolean; documentId: string }): string {
  return shell(`${p.title} · Pagetrail`,
    `<main id="reader" data-token="${esc(p.token)}" data-page-count="${p.pageCount}" data-allow-download="${p.allowDownload}" data-title="${esc(p.title)}"></main>`,
    `<link rel="stylesheet" href="/assets/reader.css"><script type="module" src="/assets/reader.js"></script>`);
}

export function dashboardPage(): string {
  return shell('Pagetrail', '<main id="app"></main>',
    '<link rel="stylesheet" href="/assets/dashboard.css"><script type="module" src="/assets/dashboard.js"></script>');
}

export function unavailablePage(message = 'This link is no longer available.'): string {
  return shell('Link unavailable · Pagetrail', `<main class="unavailable"><h1>${esc(message)}</h1><p>Ask the sender for a new link.</p></main>`,
    '<link rel="stylesheet" href="/assets/unavailable.css">');
}
