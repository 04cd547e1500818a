'use client';
// Admin pages show their content to a signed-in admin (session cookie) and a sign-in form to everyone else.
import { createContext, useCallback, useContext, useEffect, useId, useState, type ReactNode } from 'react';
import { api, loupe } from '../../lib/api';
import { ErrorNotice } from '../ErrorNotice';
import './admin.css';

interface Session {
  admin: boolean;
  via: 'session' | 'key' | null;
  signInEnabled: boolean;
}

const SignOutContext = createContext<() => Promise<void>>(async () => undefined);
export const useSignOut = () => useContext(SignOutContext);

export function AdminGate({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<unknown>(null);

  const refresh = useCallback(async () => {
    try {
      setSession(await api<Session>('/api/v1/auth/session', { cache: 'no-store' }));
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const signOut = useCallback(async () => {
    await loupe.logout().catch(() => undefined);
    await refresh();
  }, [refresh]);

  if (error) return <ErrorNotice error={error} />;
  if (!session) return <p role="status">Checking your session…</p>;
  if (!session.admin) return <SignIn enabled={session.signInEnabled} onSignedIn={refresh} />;
  return <SignOutContext.Provider value={signOut}>{children}</SignOutContext.Provider>;
}

function SignIn({ enabled, onSignedIn }: { enabled: boolean; onSignedIn: () => Promise<void> }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  return (
    <div className="signin panel">
      <h1>Admin sign-in</h1>
      {enabled ? (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            setBusy(true);
            setError(null);
            try {
              await loupe.login(password);
              setPassword('');
              await onSignedIn();
            } catch (err) {
              setError(err);
            } finally {
              setBusy(false);
            }
          }}
        >
          <label htmlFor={id}>Admin password</label>
          <input
            id={id}
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoFocus
          />
          <ErrorNotice error={error} />
          <button type="submit" className="button primary" disabled={busy || !password}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      ) : (
        <p className="notice">
          Admin sign-in is disabled on this server: set <code>LOUPE_ADMIN_PASSWORD</code> and restart. API keys still
          work for scripts.
        </p>
      )}
    </div>
  );
}
