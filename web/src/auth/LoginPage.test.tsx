import { describe, expect, it, vi, afterEach } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { AuthProvider } from './AuthContext';
import { LoginPage } from './LoginPage';

function respond(status: number, body: unknown) {
  return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
}

function setup(loginAnswer: () => Promise<Response>) {
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string) => (String(url).includes('/auth/me') ? respond(401, { error: { code: 'unauthenticated', message: 'sign in', field: null } }) : loginAnswer())),
  );
  render(
    <QueryClientProvider client={new QueryClient()}>
      <AuthProvider>
        <LoginPage />
      </AuthProvider>
    </QueryClientProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('LoginPage', () => {
  it('says clearly when the password is wrong, and clears it', async () => {
    setup(() => respond(401, { error: { code: 'unauthenticated', message: 'wrong email or password', field: null } }));
    await userEvent.type(screen.getByLabelText('Email'), 'a@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'nope');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText(/Wrong email or password/)).toBeTruthy();
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe('a@example.com');
  });
  it("shows the server's lock-out message", async () => {
    setup(() => respond(429, { error: { code: 'rate_limited', message: 'try again in 15 minutes', field: null } }));
    await userEvent.type(screen.getByLabelText('Email'), 'a@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'nope');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const msg = await screen.findByText(/try again in 15 minutes/);
    expect(msg.textContent).toMatch(/Too many failed sign-ins/);
  });
});

describe('lock-out message', () => {
  it('says minutes, not hundreds of seconds', async () => {
    const { inMinutes } = await import('./LoginPage');
    expect(inMinutes('too many failed sign-in attempts; try again in 899 seconds')).toBe('too many failed sign-in attempts; try again in 15 minutes');
    expect(inMinutes('try again in 30 seconds')).toBe('try again in 30 seconds');
  });
});
