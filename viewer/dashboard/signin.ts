// The sign-in screen shown when /api/me answers 401.

import { endpoints } from './api.ts';
import { h, render } from './dom.ts';

export function renderSignIn(root: HTMLElement, onSignedIn: () => void): void {
  const email = h('input', {
    type: 'email',
    name: 'email',
    id: 'signin-email',
    autocomplete: 'username',
    required: true,
    placeholder: 'you@company.com',
  });
  const password = h('input', {
    type: 'password',
    name: 'password',
    id: 'signin-password',
    autocomplete: 'current-password',
    required: true,
  });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Sign in');

  const form = h(
    'form',
    { class: 'signin-form', novalidate: true },
    h('label', { class: 'field', for: 'signin-email' }, h('span', { class: 'field-label' }, 'Email'), email),
    h('label', { class: 'field', for: 'signin-password' }, h('span', { class: 'field-label' }, 'Password'), password),
    error,
    submit,
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    if (!email.value.trim() || !password.value) {
      error.textContent = 'Enter your email and password.';
      error.hidden = false;
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    try {
      await endpoints.signIn(email.value.trim(), password.value);
      onSignedIn();
    } catch (err) {
      error.textContent = err instanceof Error ? err.message : 'Sign-in failed.';
      error.hidden = false;
      submit.disabled = false;
      submit.textContent = 'Sign in';
      password.select();
    }
  });

  render(
    root,
    h(
      'main',
      { class: 'signin' },
      h(
        'div',
        { class: 'signin-card' },
        h(
          'div',
          { class: 'brand brand-lg' },
          h('span', { class: 'brand-mark', 'aria-hidden': 'true' }),
          h('span', { class: 'brand-name' }, 'Pagetrail'),
        ),
        h('h1', { class: 'signin-title' }, 'Sign in to your account'),
        h('p', { class: 'signin-sub' }, 'See who reads your documents, page by page, as it happens.'),
        form,
      ),
    ),
  );
  email.focus();
}
