import { describe, expect, it, vi } from 'vitest';
import { useState } from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { InlineField } from './InlineField';
import type { Field, RecordData } from '../api/types';
import type { InputValue } from '../lib/fieldValue';

const email: Field = { name: 'email', label: 'Email', type: 'email', required: false, read_only: false, custom: false, indexed: false };
const record: RecordData = { id: '1', version: 1, created_at: '', updated_at: '', email: 'a@example.com' };

function Harness({ onSave }: { onSave: (v: InputValue) => string | undefined }) {
  const [draft, setDraft] = useState<InputValue | undefined>(undefined);
  const [error, setError] = useState<string | undefined>();
  return (
    <InlineField
      field={email}
      record={record}
      draft={draft}
      error={error}
      onStart={() => setDraft('a@example.com')}
      onDraft={setDraft}
      onSave={() => {
        const e = onSave(draft!);
        setError(e);
        if (!e) setDraft(undefined);
      }}
      onCancel={() => setDraft(undefined)}
      onToggle={() => {}}
    />
  );
}

describe('InlineField', () => {
  it("shows the API's message under the field and keeps what was typed", async () => {
    const save = vi.fn(() => 'email: is not a valid email address');
    render(
      <QueryClientProvider client={new QueryClient()}>
        <MemoryRouter>
          <Harness onSave={save} />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Edit Email' }));
    const input = screen.getByLabelText(/Email/, { selector: 'input' }) as HTMLInputElement;
    await userEvent.clear(input);
    await userEvent.type(input, 'nope{Enter}');
    expect(save).toHaveBeenCalledWith('nope');
    expect(screen.getByRole('alert').textContent).toBe('email: is not a valid email address');
    expect(input.value).toBe('nope');
    expect(input.getAttribute('aria-invalid')).toBe('true');
  });
  it('Escape cancels the edit', async () => {
    render(
      <QueryClientProvider client={new QueryClient()}>
        <MemoryRouter>
          <Harness onSave={() => undefined} />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Edit Email' }));
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('textbox')).toBeNull();
  });
});
