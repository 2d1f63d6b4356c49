import { useState, type FormEvent } from 'react';
import { useAuth } from './AuthContext';
import { ApiError } from '../api/client';

export function LoginPage({ notice }: { notice?: string }) {
  const { login } = useAuth();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<{ message: string; field: string | null; locked: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password);
    } catch (err) {
      if (err instanceof ApiError) {
        const locked = err.status === 429;
        setError({
          message:
            err.status === 401
              ? 'Wrong email or password. Check both and try again.'
              : locked
                ? `Too many failed sign-ins: ${inMinutes(err.message)}`
                : err.message,
          field: err.field,
          locked,
        });
      } else {
        setError({ message: String(err), field: null, locked: false });
      }
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="auth-page">
      <form className="auth-card" onSubmit={submit} noValidate aria-labelledby="login-title">
        <div className="brand brand-lg" aria-hidden="true">
          <span className="brand-mark">R</span> Rapport
        </div>
        <h1 id="login-title">Sign in</h1>
        {notice && !error && <p className="notice">{notice}</p>}
        <label htmlFor="login-email">Email</label>
        <input
          id="login-email"
          type="email"
          autoComplete="username"
          autoFocus
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          aria-invalid={error?.field === 'email' || undefined}
        />
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={(error && error.field !== 'email') || undefined}
        />
        <div className={`form-error${error?.locked ? ' locked' : ''}`} role="alert" data-testid="login-error">
          {error?.message}
        </div>
        <button className="btn primary block" type="submit" disabled={busy || !email || !password}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          Forgot your password? Ask an administrator, or run <code>rapport user reset-password --email …</code>
        </p>
      </form>
    </div>
  );
}

/** "try again in 899 seconds" reads better as "try again in 15 minutes". */
export function inMinutes(message: string): string {
  return message.replace(/in (\d+) seconds/, (all, n: string) => {
    const s = Number(n);
    if (s < 90) return all;
    const m = Math.ceil(s / 60);
    return `in ${m} minutes`;
  });
}
