// Entry point of the sender's dashboard (/): GET /api/me decides between the sign-in screen and the app. Signing
// out (or the session ending) unmounts the app, which closes its socket and stops its timers, and asks again.

import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, endpoints } from './api.ts';
import { App } from './pages/app.tsx';
import { AuthCard, SignInPage } from './pages/signin-page.tsx';

type Session =
  | { state: 'checking' }
  | { state: 'signed-in'; me: { email: string } }
  | { state: 'signed-out' }
  | { state: 'unreachable'; message: string };

function Root() {
  const [session, setSession] = useState<Session>({ state: 'checking' });
  const check = useCallback(() => {
    setSession({ state: 'checking' });
    endpoints.me().then(
      (me) => setSession({ state: 'signed-in', me }),
      (err: unknown) =>
        setSession(
          err instanceof ApiError && err.status === 401
            ? { state: 'signed-out' }
            : { state: 'unreachable', message: err instanceof Error ? err.message : String(err) },
        ),
    );
  }, []);
  useEffect(check, [check]);

  switch (session.state) {
    case 'checking':
      return (
        <div class="boot">
          <span class="brand-mark" aria-hidden="true" />
          <span class="visually-hidden">Loading Pagetrail…</span>
        </div>
      );
    case 'signed-in':
      return <App me={session.me} onSignedOut={check} />;
    case 'signed-out':
      return <SignInPage onSignedIn={check} />;
    case 'unreachable':
      return (
        <AuthCard title="Pagetrail is unreachable" sub={session.message}>
          <button type="button" class="btn btn-secondary" onClick={check}>
            Try again
          </button>
        </AuthCard>
      );
  }
}

const root = document.getElementById('app') as HTMLElement;
// The server's loading mark is replaced by the same mark, now rendered by Preact.
root.replaceChildren();
render(<Root />, root);
