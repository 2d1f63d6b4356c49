import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter, Route, Routes } from 'react-router';
import { CallListPage } from './CallListPage';

const member = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  version: 1,
  created_at: '',
  updated_at: '',
  campaign_id: 'c1',
  member_object: 'leads',
  member_id: `lead-${id}`,
  status: 'sent',
  call_outcome: null,
  last_called_at: null,
  call_count: null,
  callback_at: null,
  ...extra,
});

interface Call {
  method: string;
  url: string;
  body: Record<string, unknown> | null;
}

let calls: Call[];
let nextAnswers: unknown[];
let outcomeAnswers: Array<{ status: number; body: unknown }>;

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

beforeEach(() => {
  calls = [];
  nextAnswers = [];
  outcomeAnswers = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string, init?: RequestInit) => {
      const url = String(input);
      const method = init?.method ?? 'GET';
      calls.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : null });
      if (url.endsWith('/call_list/next')) return json(200, nextAnswers.length > 1 ? nextAnswers.shift() : nextAnswers[0]);
      if (url.includes('/outcome')) {
        const a = outcomeAnswers.shift() ?? { status: 200, body: { member: member('x'), activity: { id: 'a1' }, task: null } };
        return json(a.status, a.body);
      }
      if (url.endsWith('/settings')) return json(200, { call_retry_hours: 4, call_max_attempts: 3 });
      if (url.endsWith('/campaigns/c1')) return json(200, { id: 'c1', version: 1, created_at: '', updated_at: '', name: 'Spring calls' });
      return json(404, { error: { code: 'not_found', message: 'no route' } });
    }),
  );
});

afterEach(() => vi.unstubAllGlobals());

function renderPage() {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={['/campaigns/c1/call']}>
        <Routes>
          <Route path="/campaigns/:id/call" element={<CallListPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const pat = {
  member: member('m1', { call_count: 1, call_outcome: 'no_answer', last_called_at: '2026-03-01T10:00:00Z' }),
  person: { object: 'leads', id: 'lead-m1', first_name: 'Pat', last_name: 'First', company: 'Acme', phone: '+44 20 7946 0001', email: 'pat@acme.example' },
  recent_calls: [{ id: 'a0', subject: 'Call: no answer', description: 'Try after lunch', done_at: '2026-03-01T10:00:00Z', owner_id: 'u1' }],
  locked_until: '2026-03-01T14:15:00Z',
  remaining: 2,
  retry_later: 0,
  next_retry_at: null,
};
const sam = {
  ...pat,
  member: member('m2'),
  person: { object: 'leads', id: 'lead-m2', first_name: 'Sam', last_name: 'Second', phone: '+44 20 7946 0002' },
  recent_calls: [],
  remaining: 1,
};
const empty = { member: null, person: null, recent_calls: [], locked_until: null, remaining: 0, retry_later: 1, next_retry_at: '2030-01-01T10:00:00Z' };

const posts = () => calls.filter((c) => c.method === 'POST');

describe('CallListPage', () => {
  it('shows the person, their number and last call, and logs an outcome in one click', async () => {
    nextAnswers = [pat, sam];
    renderPage();
    await screen.findByRole('heading', { name: 'Pat First' });
    expect(screen.getByRole('link', { name: /Phone/ }).getAttribute('href')).toBe('tel:+442079460001');
    expect(screen.getByTestId('call-attempts').textContent).toContain('1 of 3');
    expect(screen.getByText('Try after lunch')).toBeTruthy();
    await userEvent.type(screen.getByLabelText(/^Notes/), 'Left a message with reception');
    await userEvent.click(screen.getByRole('button', { name: /Voicemail/ }));
    await screen.findByRole('heading', { name: 'Sam Second' });
    expect(posts()).toHaveLength(1);
    expect(posts()[0].url).toBe('/api/v1/campaigns/c1/call_list/m1/outcome');
    expect(posts()[0].body).toEqual({ outcome: 'voicemail', notes: 'Left a message with reception' });
    expect(screen.getByTestId('call-logged').textContent).toContain('Voicemail');
    expect((screen.getByLabelText(/^Notes/) as HTMLTextAreaElement).value).toBe('');
  });

  it('schedules a callback for tomorrow 9:00 in two clicks', async () => {
    nextAnswers = [pat, empty];
    outcomeAnswers = [
      { status: 200, body: { member: member('m1'), activity: { id: 'a1' }, task: { id: 't1', subject: 'Call back Pat First', due_at: '2030-01-01T08:00:00Z' } } },
    ];
    renderPage();
    await screen.findByRole('heading', { name: 'Pat First' });
    await userEvent.click(screen.getByRole('button', { name: /Call back/ }));
    await userEvent.click(screen.getByRole('button', { name: /Tomorrow 9:00/ }));
    await screen.findByRole('heading', { name: 'No one left to call' });
    const n = new Date();
    const expected = new Date(n.getFullYear(), n.getMonth(), n.getDate() + 1, 9, 0, 0, 0).toISOString();
    expect(posts()[0].body).toEqual({ outcome: 'callback', callback_at: expected });
    expect(screen.getByTestId('call-logged').textContent).toContain('Call back Pat First');
    expect(screen.getByTestId('call-empty').textContent).toMatch(/1 member did not answer and comes back 4 hours after the last try/);
  });

  it("shows the API's refusal inline and lets the rep move on", async () => {
    nextAnswers = [pat, sam];
    outcomeAnswers = [{ status: 409, body: { error: { code: 'conflict', message: 'member_id: another rep is calling this member', field: 'member_id' } } }];
    renderPage();
    await screen.findByRole('heading', { name: 'Pat First' });
    await userEvent.keyboard('2');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Another rep is calling this member');
    expect(posts()[0].body).toEqual({ outcome: 'no_answer' });
    expect(screen.getByRole('heading', { name: 'Pat First' })).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Get the next person' }));
    await screen.findByRole('heading', { name: 'Sam Second' });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('keys do nothing while typing notes; Escape leaves the callback picker', async () => {
    nextAnswers = [pat, sam];
    renderPage();
    await screen.findByRole('heading', { name: 'Pat First' });
    await userEvent.type(screen.getByLabelText(/^Notes/), '123');
    expect(posts()).toHaveLength(0);
    (document.activeElement as HTMLElement).blur();
    await userEvent.keyboard('6');
    expect(screen.getByRole('group', { name: 'Call back when' })).toBeTruthy();
    await userEvent.keyboard('{Escape}');
    expect(screen.getByRole('group', { name: 'Call outcome' })).toBeTruthy();
    await waitFor(() => expect(posts()).toHaveLength(0));
  });
});
