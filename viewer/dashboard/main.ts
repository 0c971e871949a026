// Entry point of the sender's dashboard (/): sign-in or the app, decided by GET /api/me.

import { ApiError, endpoints } from './api.ts';
import { renderApp } from './app.ts';
import { h, render } from './dom.ts';
import { renderSignIn } from './signin.ts';

const root = document.getElementById('app') as HTMLElement;

async function boot(): Promise<void> {
  try {
    const me = await endpoints.me();
    // Signing out reloads the page: no socket, timer or listener of the old session survives.
    renderApp(root, me, () => location.assign('/'));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      renderSignIn(root, () => void boot());
      return;
    }
    const retry = h('button', { type: 'button', class: 'btn btn-secondary' }, 'Try again');
    retry.addEventListener('click', () => void boot());
    render(
      root,
      h(
        'main',
        { class: 'signin' },
        h(
          'div',
          { class: 'signin-card' },
          h('h1', { class: 'signin-title' }, 'Pagetrail is unreachable'),
          h('p', { class: 'signin-sub' }, err instanceof Error ? err.message : String(err)),
          retry,
        ),
      ),
    );
  }
}

void boot();
