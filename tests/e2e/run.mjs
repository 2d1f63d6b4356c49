#!/usr/bin/env node
// End-to-end tests of the web app: `node tests/e2e/run.mjs` (make test runs
// it through ctest as `e2e`). Env: RAPPORT_BINARY, RAPPORT_E2E_OUT,
// E2E_ONLY=<regexp of test names>.
import { ADMIN_EMAIL, DESKTOP, NEW_PASSWORD, PHONE, Skip, expect, run, signIn } from './harness.mjs';

const E2E_ADMIN = 'e2e.admin@example.com';
const E2E_PASSWORD = 'e2e admin password 42';

async function setup({ api, shared }) {
  // A second administrator with a chosen password, so every test but the
  // first-sign-in one starts signed in without depending on it.
  await api.post('/users', { email: E2E_ADMIN, name: 'Erin Example', role: 'admin', password: E2E_PASSWORD });
  const pipelines = (await api.get('/pipelines')).data;
  shared.pipeline = pipelines.find((p) => p.is_default) ?? pipelines[0];
  shared.stages = (await api.get(`/stages?filter=pipeline_id:eq:${shared.pipeline.id}&sort=position`)).data;
  shared.hasSearch = await api.has('/search?q=a');
  shared.hasViews = await api.has('/views');
  shared.hasExport = await api.has('/leads/export.csv');
  shared.hasAggregate = await api.has('/opportunities/aggregate?group_by=stage_id&sum=amount');
}

const asAdmin = (ctx) => signIn(ctx, E2E_ADMIN, E2E_PASSWORD);

const tests = [
  {
    name: 'login-first-password',
    always: true,
    async fn({ page, server, screenshot }) {
      await page.goto('/');
      await page.getByLabel('Email').fill(ADMIN_EMAIL);
      await page.getByLabel('Password', { exact: true }).fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('login-error').getByText('Wrong email or password').waitFor();
      await screenshot('wrong-password');
      await page.getByLabel('Password', { exact: true }).fill(server.oneTimePassword);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Choose your password' }).waitFor();
      await page.getByLabel('New password', { exact: true }).fill('short');
      await page.getByLabel('Repeat the new password').fill('short');
      await page.getByRole('button', { name: /Save password/ }).click();
      await page.getByText('Use at least 10 characters.').waitFor();
      await screenshot('choose-password');
      await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
      await page.getByRole('button', { name: /Save password/ }).click();
      await page.getByRole('heading', { name: /Good (morning|afternoon|evening)/ }).waitFor();
      await screenshot('my-day');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByText('You are signed out.').waitFor();
      await page.getByLabel('Email').fill(ADMIN_EMAIL);
      await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Leads' }).waitFor();
    },
  },
  {
    name: 'lead-create-edit-field-errors',
    async fn(ctx) {
      const { page, api, screenshot } = ctx;
      await asAdmin(ctx);
      await page.goto('/leads');
      await page.getByRole('button', { name: 'New lead' }).click();
      const dialog = page.getByRole('dialog', { name: 'New lead' });
      await dialog.getByLabel('Last name').fill('Lovelace');
      await dialog.getByLabel('First name').fill('Ada');
      await dialog.getByLabel('Company').fill('Analytical Engines');
      await dialog.getByLabel('Email').fill('ada-at-example');
      await dialog.getByRole('button', { name: 'Create lead' }).click();
      // The API's message next to the field, the typed text kept.
      const emailRow = dialog.locator('.form-row.has-error');
      await emailRow.getByText('not a valid email').waitFor();
      expect((await emailRow.locator('label').innerText()).startsWith('Email'), 'the error sits with the Email field');
      expect((await dialog.getByLabel('Email').inputValue()) === 'ada-at-example', 'the typed e-mail is kept');
      expect((await dialog.getByLabel('Company').inputValue()) === 'Analytical Engines', 'other input is kept');
      await screenshot('create-field-error');
      await dialog.getByLabel('Email').fill('ada@example.com');
      await dialog.getByRole('button', { name: 'Create lead' }).click();
      await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
      const id = page.url().split('/').pop();
      // Inline edit.
      await page.getByRole('button', { name: 'Edit Company' }).click();
      await page.locator('#field-company').fill('Analytical Engines Ltd');
      await page.locator('#field-company').press('Enter');
      await page.locator('[data-field="company"] .field-text').getByText('Analytical Engines Ltd').waitFor();
      await page.getByText(/changed\s+Company\s+from/).waitFor();
      // Inline edit refused by the API: message under the field, input kept.
      await page.getByRole('button', { name: 'Edit Email' }).click();
      await page.locator('#field-email').fill('still wrong');
      await page.locator('#field-email').press('Enter');
      await page.locator('[data-field="email"] .field-error').getByText('not a valid email').waitFor();
      expect((await page.locator('#field-email').inputValue()) === 'still wrong', 'inline input kept after the error');
      await screenshot('inline-field-error');
      await page.locator('#field-email').press('Escape');
      const lead = await api.get(`/leads/${id}`);
      expect(lead.company === 'Analytical Engines Ltd' && lead.email === 'ada@example.com', `saved lead ${JSON.stringify(lead)}`);
      // Log a call from the quick box; it shows in the timeline.
      await page.getByRole('tab', { name: 'Log a call' }).click();
      await page.getByLabel('Call notes').fill('Interested in the analytical engine; call back Friday.');
      await page.getByRole('button', { name: 'Log a call' }).last().click();
      await page.locator('.timeline-list').getByText('Interested in the analytical engine').waitFor();
    },
  },
  {
    name: 'pipeline-drag-and-keyboard',
    async fn(ctx) {
      const { page, api, shared, screenshot } = ctx;
      const [first, second, third] = shared.stages;
      const acct = await api.post('/accounts', { name: 'Globex' });
      const opp = await api.post('/opportunities', { name: 'Drag Me Deal', account_id: acct.id, amount: 12000, currency: 'EUR' });
      await api.post('/opportunities', { name: 'Stay Put Deal', amount: 3000, currency: 'EUR' });
      expect(opp.stage_id === first.id, 'a new deal starts in the first stage');
      await asAdmin(ctx);
      await page.goto('/pipeline');
      const card = page.getByTestId('deal-card').filter({ hasText: 'Drag Me Deal' });
      const target = page.locator(`section.column[data-stage="${second.name}"]`);
      await card.waitFor();
      const from = await card.boundingBox();
      const to = await target.boundingBox();
      await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
      await page.mouse.down();
      await page.mouse.move(from.x + from.width / 2 + 20, from.y + from.height / 2, { steps: 4 });
      await page.mouse.move(to.x + to.width / 2, to.y + 120, { steps: 12 });
      await screenshot('dragging');
      await page.mouse.up();
      await target.getByTestId('deal-card').filter({ hasText: 'Drag Me Deal' }).waitFor();
      await page.getByText(`moved to ${second.name}`).first().waitFor();
      let saved = await api.get(`/opportunities/${opp.id}`);
      expect(saved.stage_id === second.id, `stage after drag is ${second.name}`);
      expect(saved.probability === second.probability, 'probability follows the stage');
      if (shared.hasAggregate) {
        await target.getByTestId('column-totals').getByText('1', { exact: true }).waitFor();
      }
      // The keyboard: focus, Space, Right, Space.
      const moved = target.getByTestId('deal-card').filter({ hasText: 'Drag Me Deal' });
      await moved.focus();
      const live = page.locator('[id^="DndLiveRegion"]');
      await page.keyboard.press('Space');
      await live.getByText(`is over ${second.name}`).waitFor({ state: 'attached' });
      await page.keyboard.press('ArrowRight');
      await live.getByText(`is over ${third.name}`).waitFor({ state: 'attached' });
      await page.keyboard.press('Space');
      await page.locator(`section.column[data-stage="${third.name}"]`).getByTestId('deal-card').filter({ hasText: 'Drag Me Deal' }).waitFor();
      saved = await api.get(`/opportunities/${opp.id}`);
      expect(saved.stage_id === third.id, `stage after keyboard move is ${third.name}`);
    },
  },
  {
    name: 'search-ctrl-k',
    async fn(ctx) {
      const { page, api, shared } = ctx;
      if (!shared.hasSearch) throw new Skip('GET /api/v1/search is not on this server yet');
      const c = await api.post('/contacts', { first_name: 'Zebedee', last_name: 'Quartermain', email: 'zq@example.com' });
      await asAdmin(ctx);
      await page.goto('/my-day');
      await page.getByRole('heading', { name: /Good/ }).waitFor();
      await page.keyboard.press('Control+K');
      await page.getByPlaceholder(/Search people/).fill('Quarterm');
      await page.getByRole('option', { name: /Zebedee Quartermain/ }).waitFor();
      await ctx.screenshot('results');
      await page.keyboard.press('Enter');
      await page.waitForURL(`**/contacts/${c.id}`);
      await page.getByRole('heading', { name: 'Zebedee Quartermain', level: 1 }).waitFor();
    },
  },
  {
    name: 'custom-field-everywhere',
    async fn(ctx) {
      const { page, api, screenshot } = ctx;
      const lead = await api.post('/leads', { first_name: 'Grace', last_name: 'Hopper', company: 'Navy' });
      await asAdmin(ctx);
      await page.goto('/admin/fields');
      await page.getByLabel('Label').fill('Contract reference');
      expect((await page.getByLabel('API name').inputValue()) === 'contract_reference', 'API name derived from the label');
      await page.getByRole('button', { name: 'Add field' }).click();
      await page.getByText('Field “Contract reference” added').waitFor();
      await page.locator('code', { hasText: 'contract_reference' }).waitFor();
      await screenshot('admin');
      // On the record page, without reloading anything.
      await page.goto(`/leads/${lead.id}`);
      await page.getByRole('button', { name: 'Edit Contract reference' }).click();
      await page.locator('#field-contract_reference').fill('CR-2024-17');
      await page.locator('#field-contract_reference').press('Enter');
      await page.locator('[data-field="contract_reference"] .field-text').getByText('CR-2024-17').waitFor();
      const saved = await api.get(`/leads/${lead.id}`);
      expect(saved.contract_reference === 'CR-2024-17', 'custom value saved');
      // In the list's column chooser, and as a column.
      await page.goto('/leads');
      await page.getByRole('button', { name: 'Columns' }).click();
      await page.getByRole('checkbox', { name: /Contract reference/ }).check();
      await page.locator('thead').getByText('Contract reference').waitFor();
      await page.locator('tbody').getByText('CR-2024-17').waitFor();
    },
  },
  {
    name: 'conflict-412',
    async fn(ctx) {
      const { page, api, screenshot } = ctx;
      const lead = await api.post('/leads', { first_name: 'Alan', last_name: 'Turing', company: 'Bletchley' });
      await asAdmin(ctx);
      await page.goto(`/leads/${lead.id}`);
      await page.getByRole('heading', { name: 'Alan Turing', level: 1 }).waitFor();
      // Someone else saves the record behind the UI's back.
      await api.patch(`/leads/${lead.id}`, { company: 'Changed behind your back', title: 'Dr' }, lead.version);
      await page.getByRole('button', { name: 'Edit Company' }).click();
      await page.locator('#field-company').fill('My edit');
      await page.locator('#field-company').press('Enter');
      const dialog = page.getByTestId('conflict-dialog');
      await dialog.getByText('Changed behind your back').waitFor();
      await dialog.getByRole('cell', { name: 'My edit' }).waitFor();
      await screenshot('dialog');
      await dialog.getByRole('button', { name: 'Re-apply my edit' }).click();
      await page.locator('[data-field="company"] .field-text').getByText('My edit').waitFor();
      await page.locator('[data-field="title"] .field-text').getByText('Dr').waitFor();
      const saved = await api.get(`/leads/${lead.id}`);
      expect(saved.company === 'My edit' && saved.title === 'Dr' && saved.version === 3, `after re-apply: ${JSON.stringify(saved)}`);
    },
  },
  {
    name: 'list-filter-bulk-views-export',
    async fn(ctx) {
      const { page, api, shared, screenshot } = ctx;
      for (const n of ['Bulkley', 'Bulkmore', 'Bulkwell']) await api.post('/leads', { last_name: n, company: 'Bulk Ltd', status: 'new' });
      await asAdmin(ctx);
      await page.goto('/leads');
      await page.getByLabel('Last name starts with…').fill('Bulk');
      await page.locator('tbody tr').filter({ hasText: 'Bulkwell' }).waitFor();
      await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 3);
      await page.getByLabel('Select all shown').check();
      await page.getByLabel('Change status').selectOption('working');
      await page.getByText('Updated 3 leads').waitFor();
      const after = (await api.get('/leads?filter=last_name:starts_with:Bulk')).data;
      expect(after.length === 3 && after.every((l) => l.status === 'working'), 'bulk status change saved');
      // A filter chip from the builder.
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.getByLabel('Field').selectOption('status');
      await page.getByLabel('Condition').selectOption('eq');
      await page.getByLabel('Value').selectOption('working');
      await page.getByRole('button', { name: 'Add filter' }).click();
      await page.getByText('Status is Working').waitFor();
      await screenshot('filtered');
      if (shared.hasViews) {
        await page.getByRole('button', { name: /All records/ }).click();
        await page.getByLabel('Name of the new view').fill('Working bulk leads');
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await page.getByText('View “Working bulk leads” saved').waitFor();
        await page.goto('/leads');
        await page.getByRole('button', { name: /All records/ }).click();
        await page.getByRole('button', { name: 'Working bulk leads' }).click();
        await page.getByText('Status is Working').waitFor();
      }
      if (shared.hasExport) {
        const href = await page.getByRole('link', { name: /Export/ }).getAttribute('href');
        const r = await ctx.context.request.get(href);
        const csv = await r.text();
        expect(r.ok() && csv.includes('Bulkwell'), `CSV export of the view: ${r.status()} ${csv.slice(0, 200)}`);
      }
      if (!shared.hasViews || !shared.hasExport)
        console.log(`     note: ${!shared.hasViews ? 'saved views' : ''} ${!shared.hasExport ? 'CSV export' : ''} not on this server: not tested`);
    },
  },
];

// A tour of the main pages at phone and desktop size, for the eye (and a
// layout-shift budget on the list page).
for (const [label, viewport] of [
  ['desktop', DESKTOP],
  ['phone', PHONE],
]) {
  tests.push({
    name: `tour-${label}`,
    viewport,
    async fn(ctx) {
      const { page, api, shared, screenshot } = ctx;
      const acct = await api.post('/accounts', { name: `Initech ${label}`, industry: 'Software', city: 'Austin', country: 'US' });
      const contact = await api.post('/contacts', { first_name: 'Peter', last_name: `Gibbons ${label}`, account_id: acct.id, email: 'peter@initech.example', title: 'Engineer' });
      const opp = await api.post('/opportunities', { name: `TPS upgrade ${label}`, account_id: acct.id, contact_id: contact.id, amount: 48000, currency: 'USD', close_date: '2030-06-30' });
      const me = (await api.get('/users?filter=email:eq:e2e.admin@example.com')).data[0];
      const soon = new Date(Date.now() + 3600e3).toISOString();
      await api.post('/activities', { type: 'task', subject: 'Send the TPS report', due_at: new Date(Date.now() - 86400e3).toISOString(), owner_id: me.id, related_object: 'opportunities', related_id: opp.id });
      await api.post('/activities', { type: 'meeting', subject: 'Demo at Initech', due_at: soon, owner_id: me.id, related_object: 'accounts', related_id: acct.id });
      await api.post('/activities', { type: 'call', subject: 'Intro call', done_at: new Date().toISOString(), related_object: 'accounts', related_id: acct.id, description: 'Spoke with Peter about the TPS reports.' });
      await api.post('/leads', { first_name: 'Michael', last_name: `Bolton ${label}`, company: 'Initrode', owner_id: me.id, status: 'new', email: 'mb@initrode.example' });
      await asAdmin(ctx);
      await page.goto('/my-day');
      await page.getByText('Send the TPS report').first().waitFor();
      await screenshot('my-day');
      await page.evaluate(() => {
        window.__cls = 0;
        new PerformanceObserver((l) => l.getEntries().forEach((e) => (window.__cls += e.hadRecentInput ? 0 : e.value))).observe({ type: 'layout-shift', buffered: true });
      });
      await page.goto('/leads');
      await page.locator('tbody tr').first().waitFor();
      await page.waitForTimeout(400);
      const cls = await page.evaluate(
        () =>
          new Promise((res) => {
            let v = 0;
            new PerformanceObserver((l) => l.getEntries().forEach((e) => (v += e.hadRecentInput ? 0 : e.value))).observe({ type: 'layout-shift', buffered: true });
            setTimeout(() => res(v), 100);
          }),
      );
      console.log(`     layout shift on /leads (${label}): ${cls.toFixed(4)}`);
      expect(cls < 0.1, `cumulative layout shift ${cls} under 0.1`);
      await screenshot('leads');
      await page.goto(`/accounts/${acct.id}`);
      await page.getByText('Spoke with Peter').waitFor();
      await page.locator('.related').getByText(`Peter Gibbons ${label}`).waitFor();
      await screenshot('account');
      await page.goto(`/opportunities/${opp.id}`);
      await page.getByRole('heading', { name: `TPS upgrade ${label}` }).waitFor();
      await screenshot('opportunity');
      await page.goto('/pipeline');
      await page.getByTestId('deal-card').first().waitFor();
      await screenshot('pipeline');
      await page.goto('/contacts');
      await page.locator('tbody tr').first().waitFor();
      await screenshot('contacts');
      await page.goto('/admin/users');
      await page.getByRole('heading', { name: 'Users' }).waitFor();
      await screenshot('admin');
      if (label === 'phone') {
        await page.getByRole('button', { name: 'Menu' }).click();
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Opportunities' }).waitFor();
        await page.waitForTimeout(250);
        await screenshot('menu');
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Opportunities' }).click();
        await page.locator('tbody tr').first().waitFor();
        await screenshot('opportunities');
      }
      await page.keyboard.press('Control+K');
      await page.getByPlaceholder(/Search people/).fill(shared.hasSearch ? 'Gibb' : 'lead');
      await page.waitForTimeout(400);
      await screenshot('palette');
    },
  });
}

const failures = await run(tests, setup);
process.exit(failures ? 1 : 0);
