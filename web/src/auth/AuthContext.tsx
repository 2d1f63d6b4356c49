// The signed-in user: asks /auth/me once on load, then follows logins,
// logouts and the API's 401s (session expired elsewhere) and
// "choose a new password first" answers.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, api, onSessionEvent, setCsrfToken } from '../api/client';
import type { Session, User } from '../api/types';

type State =
  | { status: 'loading' }
  | { status: 'signed_out'; notice?: string }
  | { status: 'must_change_password'; user: User; currentPassword?: string }
  | { status: 'signed_in'; user: User };

interface AuthApi {
  state: State;
  user: User | null;
  login(email: string, password: string): Promise<void>;
  changePassword(current: string, next: string): Promise<void>;
  logout(): Promise<void>;
}

const Ctx = createContext<AuthApi | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ status: 'loading' });
  const qc = useQueryClient();

  useEffect(() => {
    let cancelled = false;
    api
      .get<Session>('/auth/me')
      .then((s) => {
        if (cancelled) return;
        setCsrfToken(s.csrf_token);
        setState(s.must_change_password ? { status: 'must_change_password', user: s.user } : { status: 'signed_in', user: s.user });
      })
      .catch(() => !cancelled && setState({ status: 'signed_out' }));
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(
    () =>
      onSessionEvent((e) => {
        if (e === 'signed_out') {
          setCsrfToken('');
          qc.clear();
          setState({ status: 'signed_out', notice: 'Your session has ended. Sign in again to continue.' });
        } else {
          setState((s) => (s.status === 'signed_in' ? { status: 'must_change_password', user: s.user } : s));
        }
      }),
    [qc],
  );

  const login = useCallback(async (email: string, password: string) => {
    const s = await api.post<Session>('/auth/login', { email, password });
    setCsrfToken(s.csrf_token);
    qc.clear();
    setState(
      s.must_change_password
        ? { status: 'must_change_password', user: s.user, currentPassword: password }
        : { status: 'signed_in', user: s.user },
    );
  }, [qc]);

  const changePassword = useCallback(async (current: string, next: string) => {
    await api.post('/auth/password', { current_password: current, new_password: next });
    setState((s) => (s.status === 'must_change_password' ? { status: 'signed_in', user: s.user } : s));
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.post('/auth/logout');
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
    setCsrfToken('');
    qc.clear();
    setState({ status: 'signed_out', notice: 'You are signed out.' });
  }, [qc]);

  const value = useMemo<AuthApi>(
    () => ({
      state,
      user: state.status === 'signed_in' || state.status === 'must_change_password' ? state.user : null,
      login,
      changePassword,
      logout,
    }),
    [state, login, changePassword, logout],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAuth(): AuthApi {
  const v = useContext(Ctx);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

/** The signed-in user (only under the signed-in app). */
export function useMe(): User {
  const { user } = useAuth();
  if (!user) throw new Error('not signed in');
  return user;
}
