// The sign-in screen shown when /api/me answers 401; the server's message is shown on a failed attempt.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { endpoints } from '../api.ts';

export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const emailField = useRef<HTMLInputElement>(null);
  const passwordField = useRef<HTMLInputElement>(null);
  useEffect(() => emailField.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    if (!email.trim() || !password) {
      setError('Enter your email and password.');
      return;
    }
    setBusy(true);
    try {
      await endpoints.signIn(email.trim(), password);
      onSignedIn();
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Sign-in failed.');
      setBusy(false);
      passwordField.current?.select();
    }
  };

  return (
    <AuthCard title="Sign in to your account" sub="See who reads your documents, page by page, as it happens.">
      <form class="signin-form" noValidate onSubmit={(e) => void submit(e)}>
        <label class="field" for="signin-email">
          <span class="field-label">Email</span>
          <input
            ref={emailField}
            type="email"
            name="email"
            id="signin-email"
            autocomplete="username"
            required
            placeholder="you@company.com"
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label class="field" for="signin-password">
          <span class="field-label">Password</span>
          <input
            ref={passwordField}
            type="password"
            name="password"
            id="signin-password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthCard>
  );
}

/** The centred card of the signed-out screens. */
export function AuthCard({ title, sub, children }: { title: string; sub: string; children: ComponentChildren }) {
  return (
    <main class="signin">
      <div class="signin-card">
        <div class="brand brand-lg">
          <span class="brand-mark" aria-hidden="true" />
          <span class="brand-name">Pagetrail</span>
        </div>
        <h1 class="signin-title">{title}</h1>
        <p class="signin-sub">{sub}</p>
        {children}
      </div>
    </main>
  );
}
