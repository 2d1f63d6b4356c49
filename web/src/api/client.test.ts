import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, buildQuery, fieldMessage, onSessionEvent, setCsrfToken } from './client';

afterEach(() => vi.unstubAllGlobals());

describe('API client', () => {
  it('repeats filters in the query string and drops empty values', () => {
    expect(buildQuery([['filter', 'a:eq:1'], ['filter', 'b:gt:2'], ['cursor', undefined], ['limit', 50]])).toBe('?filter=a%3Aeq%3A1&filter=b%3Agt%3A2&limit=50');
    expect(buildQuery([])).toBe('');
  });
  it('strips the field name from a message shown next to that field', () => {
    expect(fieldMessage('email: is not a valid email address', 'email')).toBe('Is not a valid email address');
    expect(fieldMessage('wrong email or password', null)).toBe('wrong email or password');
  });
  it('sends the CSRF token and If-Match on unsafe requests, and reads API errors', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ error: { code: 'precondition_failed', message: 'changed', field: null } }), { status: 412 }));
    vi.stubGlobal('fetch', fetch);
    setCsrfToken('tok');
    const err = (await api.patch('/leads/1', { a: 1 }, 3).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(412);
    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>)['X-CSRF-Token']).toBe('tok');
    expect((init.headers as Record<string, string>)['If-Match']).toBe('"3"');
  });
  it('tells the app when the session is gone', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{"error":{"code":"unauthenticated","message":"sign in","field":null}}', { status: 401 })));
    const seen: string[] = [];
    const off = onSessionEvent((e) => seen.push(e));
    await api.get('/leads').catch(() => {});
    off();
    expect(seen).toEqual(['signed_out']);
  });
});
