import { useState, type FormEvent } from 'react';
import { useAuth } from './AuthContext';
import { ApiError } from '../api/client';

const MIN_LENGTH = 10;

/** Shown after signing in with a one-time password: the API allows nothing else until a new one is chosen. */
export function ChangePasswordPage({ knownCurrent }: { knownCurrent?: string }) {
  const { changePassword, logout, user } = useAuth();
  const [current, setCurrent] = useState(knownCurrent ?? '');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (next.length < MIN_LENGTH) {
      setError({ field: 'new_password', message: `Use at least ${MIN_LENGTH} characters.` });
      return;
    }
    if (next !== confirm) {
      setError({ field: 'confirm', message: 'The two passwords differ.' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await changePassword(current, next);
    } catch (err) {
      setError(err instanceof ApiError ? { field: err.field, message: err.message } : { field: null, message: String(err) });
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (f: string) =>
    error && error.field === f ? (
      <div className="field-error" id={`${f}-error`}>
        {error.message}
      </div>
    ) : null;

  return (
    <div className="auth-page">
      <form className="auth-card" onSubmit={submit} noValidate aria-labelledby="pw-title">
        <div className="brand brand-lg" aria-hidden="true">
          <span className="brand-mark">R</span> Rapport
        </div>
        <h1 id="pw-title">Choose your password</h1>
        <p className="muted">
          {user?.email ? `${user.email}, you` : 'You'} signed in with a one-time password. Choose your own to continue: at least{' '}
          {MIN_LENGTH} characters.
        </p>
        {!knownCurrent && (
          <>
            <label htmlFor="pw-current">One-time password</label>
            <input id="pw-current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
            {fieldError('current_password')}
          </>
        )}
        <label htmlFor="pw-new">New password</label>
        <input
          id="pw-new"
          type="password"
          autoComplete="new-password"
          autoFocus
          value={next}
          onChange={(e) => setNext(e.target.value)}
          aria-invalid={error?.field === 'new_password' || undefined}
          aria-describedby="new_password-error"
        />
        {fieldError('new_password')}
        <label htmlFor="pw-confirm">Repeat the new password</label>
        <input
          id="pw-confirm"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          aria-invalid={error?.field === 'confirm' || undefined}
        />
        {fieldError('confirm')}
        <div className="form-error" role="alert">
          {error && !['new_password', 'confirm', 'current_password'].includes(error.field ?? '') ? error.message : ''}
        </div>
        <button className="btn primary block" type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save password and continue'}
        </button>
        <button className="btn link block" type="button" onClick={() => void logout()}>
          Sign out
        </button>
      </form>
    </div>
  );
}
