// The pages in front of a gated link's reader: passcode, email address, the code mailed to it, and the page a
// refused reader sees. Server-rendered plain forms (the CSP allows no inline script; forms post only to 'self').
import { escapeHtml, layout } from './pages.ts';

const LOCK =
  '<path d="M7 11V8a5 5 0 0 1 10 0v3"/><rect x="5" y="11" width="14" height="10" rx="2"/><path d="M12 15v2"/>';
const MAIL = '<rect x="3" y="5" width="18" height="14" rx="2"/><path d="M3 7l9 6 9-6"/>';
const STOP = '<circle cx="12" cy="12" r="9"/><path d="M5.6 5.6l12.8 12.8"/>';

function card(opts: { title: string; icon: string; heading: string; text: string; form?: string; error?: string }) {
  const error = opts.error ? `\n        <p class="gate-error" role="alert">${escapeHtml(opts.error)}</p>` : '';
  const body = `    <main class="unavailable">
      <div class="unavailable-card gate-card">
        <svg class="unavailable-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${opts.icon}</svg>
        <h1>${escapeHtml(opts.heading)}</h1>
        <p>${escapeHtml(opts.text)}</p>${error}${opts.form ?? ''}
      </div>
    </main>`;
  return layout({
    title: opts.title,
    styles: ['/assets/unavailable.css'],
    bodyClass: 'unavailable-body gate-body',
    body,
  });
}

const action = (token: string, step: string) => `/v/${escapeHtml(encodeURIComponent(token))}/access/${step}`;

function form(token: string, step: string, fields: string, button: string): string {
  return `
        <form class="gate-form" method="post" action="${action(token, step)}">${fields}
          <button type="submit" class="gate-button">${escapeHtml(button)}</button>
        </form>`;
}

export function passcodePage(token: string, error?: string): string {
  return card({
    title: 'Passcode required',
    icon: LOCK,
    heading: 'This document is protected',
    text: 'Enter the passcode the sender gave you.',
    error,
    form: form(
      token,
      'passcode',
      `
          <label class="gate-label" for="passcode">Passcode</label>
          <input class="gate-input" id="passcode" name="passcode" type="password" autocomplete="off" required maxlength="128" autofocus>`,
      'Open document',
    ),
  });
}

export function emailPage(token: string, error?: string): string {
  return card({
    title: 'Confirm your email',
    icon: MAIL,
    heading: 'Confirm your email address',
    text: 'The sender asks readers to confirm their address. We will mail you a 6-digit code.',
    error,
    form: form(
      token,
      'email',
      `
          <label class="gate-label" for="email">Email address</label>
          <input class="gate-input" id="email" name="email" type="email" autocomplete="email" required maxlength="254" autofocus>`,
      'Send code',
    ),
  });
}

export function codePage(token: string, codeId: string, email: string, error?: string): string {
  return card({
    title: 'Enter your code',
    icon: MAIL,
    heading: 'Check your inbox',
    text: `We sent a 6-digit code to ${email || 'your address'}. It is valid for 10 minutes.`,
    error,
    form: form(
      token,
      'code',
      `
          <input type="hidden" name="c" value="${escapeHtml(codeId)}">
          <label class="gate-label" for="code">Code</label>
          <input class="gate-input gate-code" id="code" name="code" type="text" inputmode="numeric" pattern="[0-9]{6}" autocomplete="one-time-code" required maxlength="6" autofocus>`,
      'Verify',
    ),
  });
}

export function refusedPage(text: string): string {
  return card({
    title: 'Access refused',
    icon: STOP,
    heading: 'You cannot open this document',
    text,
    error: undefined,
    form: '\n        <p class="unavailable-hint">If you think this is a mistake, ask the sender for access.</p>',
  });
}
