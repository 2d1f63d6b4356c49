// End-to-end tests (see ../run.mjs): returns this suite's tests, each
// { name, fn({ page, api, shared, screenshot, ... }) } like those in run.mjs.
//
// Issue 5, follow-up cadences (docs/decisions/015): an administrator builds a
// cadence in Admin → Cadences (a bad day is named on its step), a rep's lead
// page applies it, shows the next step and skips one; the account page shows
// the next renewal.
export function suite({ asAdmin, expect, Skip }) {
  void Skip;
  return [
    {
      name: 'cadences-admin-apply-skip',
      async fn(ctx) {
        const { page, api, screenshot } = ctx;
        const lead = await api.post('/leads', { first_name: 'Ada', last_name: 'Lovelace', company: 'Engines Ltd' });

        // 1. Admin → Cadences: the default three steps, with a mistake first.
        await asAdmin(ctx);
        await page.goto('/admin');
        await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Cadences' }).click();
        await page.getByRole('heading', { name: 'Follow-up cadences' }).waitFor();
        await page.getByRole('button', { name: 'New cadence' }).click();
        const form = page.getByRole('form', { name: 'New cadence' });
        await form.getByLabel('Name').fill('Inbound lead follow-up');
        await form.getByLabel('Step 2 day').fill('-1');
        await form.getByRole('button', { name: 'Create cadence' }).click();
        await form.getByRole('alert').getByText(/must not be negative/i).waitFor();
        await screenshot('step-error');
        expect((await api.get('/cadences')).data.length === 0, 'nothing saved with a bad step');
        await form.getByLabel('Step 2 day').fill('2');
        await form.getByLabel('Step 3 subject').fill('Demo for {{company}}');
        await form.getByRole('button', { name: 'Create cadence' }).click();
        const item = page.getByRole('list', { name: 'Cadences' }).getByRole('listitem').filter({ hasText: 'Inbound lead follow-up' });
        await item.getByText('Call day 0 → Email day 2 → Meeting day 7').waitFor();
        await screenshot('cadence-list');
        const cadence = (await api.get('/cadences')).data[0];
        expect(cadence.steps.length === 3 && cadence.steps[2].subject === 'Demo for {{company}}', 'the steps were saved');

        // 2. The lead page: apply it, see the next step, skip it.
        await page.goto(`/leads/${lead.id}`);
        const panel = page.getByTestId('cadence-panel');
        await panel.getByText('Not following a cadence.').waitFor();
        await panel.getByLabel('Cadence to apply').selectOption({ label: 'Inbound lead follow-up (3 steps)' });
        await panel.getByRole('button', { name: 'Apply cadence' }).click();
        await panel.getByText(/Step 1 of 3 · Call/).waitFor();
        await panel.getByRole('link', { name: 'Call {{first_name}}'.replace('{{first_name}}', 'Ada') }).waitFor();
        await screenshot('applied');
        const tasks = (await api.get(`/activities?filter=related_id:eq:${lead.id}`)).data;
        expect(tasks.length === 1 && tasks[0].type === 'call' && tasks[0].subject === 'Call Ada', 'the first task exists');
        await panel.getByRole('button', { name: /Skip the current step/ }).click();
        await panel.getByText(/Step 2 of 3 · Email/).waitFor();
        await screenshot('skipped');
        const en = (await api.get(`/cadence_enrollments?filter=related_id:eq:${lead.id}`)).data[0];
        expect(en.steps_skipped === 1 && en.current_step === 2, 'one step skipped, on step 2');
        // Applied cadences are no longer offered for this record.
        const options = await panel.getByLabel('Cadence to apply').locator('option').allInnerTexts();
        expect(!options.some((o) => o.includes('Inbound lead follow-up')), `offered: ${options.join(', ')}`);
      },
    },
    {
      name: 'cadences-renewal-on-account',
      async fn(ctx) {
        const { page, api, screenshot } = ctx;
        const won = (await api.get('/stages?filter=kind:eq:won')).data[0];
        const acct = await api.post('/accounts', { name: 'Renewco' });
        const end = new Date(Date.now() + 200 * 86400e3).toISOString().slice(0, 10);
        await api.post('/opportunities', {
          name: 'Renewco subscription', account_id: acct.id, amount: 24000, currency: 'EUR',
          stage_id: won.id, close_reason: 'price', contract_end_date: end,
        });
        await asAdmin(ctx);
        await page.goto(`/accounts/${acct.id}`);
        const tile = page.getByTestId('next-renewal');
        await tile.getByRole('link').waitFor();
        const text = await tile.innerText();
        expect(/24[,.\s\u202f]?000/.test(text), `next renewal shows the amount: ${text}`);
        await screenshot('account-next-renewal');
      },
    },
  ];
}
