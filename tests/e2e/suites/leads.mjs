// End-to-end tests (see ../run.mjs): returns this suite's tests, each
// { name, fn({ page, api, shared, screenshot, ... }) } like those in run.mjs.
//
// Issue 4's lead screens: a scoring rule made in Admin → Lead scoring, a web
// form built in Admin → Web forms and submitted on its public page, the lead
// that arrives (score with its explanation in the list and on its page,
// channel, campaign, assignment rule, first response), converted into an
// existing account with a new opportunity; and the assignment rules editor
// (conditions, strategy, order by arrows and by dragging, active switch) with
// the reps' availability.
//
// The rules these tests create apply only to leads they make (source
// web_form; country XE), so the other suites' leads are not routed by them.
export function suite({ asAdmin, expect, Skip }) {
  return [
    {
      name: 'leads-form-to-convert',
      async fn(ctx) {
        const { page, api, screenshot, context } = ctx;
        if (!(await api.has('/forms'))) throw new Skip('no web forms on this server');
        // Set-up behind the UI's back: a team with a rep, a rule giving web-form
        // leads to that team, a campaign, and an account the convert should offer.
        const team = await api.post('/teams', { name: 'Inbound' });
        const rep = await api.post('/users', { email: 'rita.inbound@example.com', name: 'Rita Inbound', role: 'rep', team_id: team.id, password: 'rita inbound password 1' });
        const rule = await api.post('/assignment_rules', {
          name: 'Web leads to Inbound',
          position: 1,
          strategy: 'round_robin',
          team_id: team.id,
          conditions: { source: { in: ['web_form'] } },
        });
        await api.post('/campaigns', { name: 'Spring webinar', channel: 'web' });
        const acme = await api.post('/accounts', { name: 'Acme Analytics', domain: 'acme-analytics.example' });

        try {
          await formToConvert(ctx, { asAdmin, expect, rep, rule, acme });
        } finally {
          // Leave no rule routing other suites' web-form leads.
          const r = await api.get(`/assignment_rules/${rule.id}`);
          await api.patch(`/assignment_rules/${rule.id}`, { active: false }, r.version);
        }
      },
    },
    {
      name: 'leads-assignment-rules-editor',
      async fn(ctx) {
        const { page, api, screenshot } = ctx;
        if (!(await api.has('/assignment_rules'))) throw new Skip('no assignment rules on this server');
        const team = await api.post('/teams', { name: 'France' });
        const rep = await api.post('/users', { email: 'pierre.fr@example.com', name: 'Pierre Paris', role: 'rep', team_id: team.id, password: 'pierre paris password 1' });
        const first = await api.post('/assignment_rules', { name: 'XE big companies', position: 5, strategy: 'owner', user_id: rep.id, conditions: { country: { in: ['XE'] }, employees: { gte: 1000 } } });
        await api.post('/assignment_rules', { name: 'XE everything else', position: 6, strategy: 'least_loaded', team_id: team.id, conditions: { country: { in: ['XE'] } } });

        await asAdmin(ctx);
        await page.goto('/admin/lead-assignment');
        await page.getByRole('heading', { name: 'Lead assignment rules' }).waitFor();
        const list = page.getByRole('list', { name: 'Assignment rules' });
        await list.getByText('XE big companies').waitFor();
        // A territory rule: country, postcode range, source; round robin in a team.
        await page.getByRole('button', { name: 'Add rule' }).click();
        const editor = page.getByRole('form', { name: 'New assignment rule' });
        await editor.getByLabel('Rule name').fill('XE capital region');
        await editor.getByLabel('Countries (comma list)').fill('XE');
        await editor.getByLabel('Postcode from').fill('75000');
        await editor.getByLabel('Postcode to').fill('75999');
        await editor.getByRole('group', { name: 'Source' }).getByLabel('Partner').check();
        await editor.getByLabel('Give the lead to').selectOption('round_robin');
        await editor.getByLabel('Team').selectOption({ label: 'France' });
        await screenshot('rule-editor');
        await editor.getByRole('button', { name: 'Save rule' }).click();
        await page.getByText('Assignment rule “XE capital region” saved').waitFor();
        await list.getByText('country XE · postcode 75000–75999 · source Partner').waitFor();
        let rules = (await api.get('/assignment_rules?sort=position&limit=500')).data;
        const made = rules.find((r) => r.name === 'XE capital region');
        const cond = typeof made.conditions === 'string' ? JSON.parse(made.conditions) : made.conditions;
        expect(
          Object.keys(cond).sort().join() === 'country,postcode,source' &&
            JSON.stringify(cond.country) === '{"in":["XE"]}' &&
            JSON.stringify(cond.source) === '{"in":["partner"]}' &&
            cond.postcode.gte === '75000' && cond.postcode.lte === '75999' &&
            made.strategy === 'round_robin' && made.team_id === team.id,
          `saved rule ${JSON.stringify(made)}`,
        );
        const names = async () => (await list.getByTestId('assignment-rule').locator('strong').allInnerTexts()).filter((n) => n.startsWith('XE '));
        // Up with the arrows: the new rule (last) above "XE everything else".
        await page.getByRole('button', { name: 'Move XE capital region up' }).click();
        await page.getByText('Rule order saved').waitFor();
        await page.waitForFunction(() => !document.querySelector('[aria-label="Assignment rules"][aria-busy="true"]'));
        expect((await names()).join('|') === 'XE big companies|XE capital region|XE everything else', `order after arrow: ${await names()}`);
        // Drag "XE capital region" to the top of the XE rules.
        const src = list.getByTestId('assignment-rule').filter({ hasText: 'XE capital region' });
        const dst = list.getByTestId('assignment-rule').filter({ hasText: 'XE big companies' });
        await src.dragTo(dst);
        const dragged = 'XE capital region|XE big companies|XE everything else';
        for (let i = 0; i < 50 && (await names()).join('|') !== dragged; i++) await page.waitForTimeout(100);
        expect((await names()).join('|') === dragged, `order after drag: ${await names()}`);
        await page.waitForFunction(() => !document.querySelector('[aria-label="Assignment rules"][aria-busy="true"]'));
        for (let i = 0; i < 50; i++) {
          rules = (await api.get('/assignment_rules?sort=position&limit=500')).data.filter((r) => r.name.startsWith('XE '));
          if (rules.map((r) => r.name).join('|') === dragged) break;
          await page.waitForTimeout(100);
        }
        expect(rules.map((r) => r.name).join('|') === 'XE capital region|XE big companies|XE everything else', `saved order ${rules.map((r) => r.name)}`);
        // The active switch.
        await page.getByLabel('XE big companies is active').uncheck();
        await list.getByTestId('assignment-rule').filter({ hasText: 'XE big companies' }).getByText('inactive').waitFor();
        expect((await api.get(`/assignment_rules/${first.id}`)).active === false, 'rule deactivated');

        // Reps' availability: a wrong time zone is refused next to the field, then saved.
        const tz = page.getByLabel('Time zone of Pierre Paris');
        await tz.fill('Mars/Olympus_Mons');
        await page.getByLabel('Capacity of Pierre Paris').fill('25');
        await page.getByLabel('Out of office from of Pierre Paris').fill('2030-08-01');
        await page.getByLabel('Out of office until of Pierre Paris').fill('2030-08-15');
        await page.getByRole('button', { name: 'Save availability of Pierre Paris' }).click();
        const tzError = page.locator('td[data-label="Time zone"] .field-error');
        await tzError.waitFor();
        await screenshot('rep-error');
        await tz.fill('Europe/Paris');
        await page.getByRole('button', { name: 'Save availability of Pierre Paris' }).click();
        await page.getByText('Pierre Paris: availability saved').waitFor();
        const saved = await api.get(`/users/${rep.id}`);
        expect(saved.capacity === 25 && saved.time_zone === 'Europe/Paris' && saved.out_of_office_from === '2030-08-01' && saved.out_of_office_to === '2030-08-15', `rep ${JSON.stringify(saved)}`);
        await page.getByRole('heading', { name: 'Reps’ availability' }).scrollIntoViewIfNeeded();
        await screenshot('reps');

        // The rules at work: a partner's lead in XE 75011 goes to the France team by "XE capital region".
        const lead = await api.post('/leads', { last_name: 'Territoire', country: 'XE', postcode: '75011', source: 'partner' });
        expect(lead.assigned_by_rule === 'XE capital region' && lead.owner_id === rep.id, `routed lead ${JSON.stringify(lead)}`);
        await page.goto(`/leads/${lead.id}`);
        await page.getByTestId('lead-assignment').getByText('XE capital region').waitFor();
      },
    },
  ];
}

// The body of leads-form-to-convert (its set-up and clean-up are in the test).
async function formToConvert(ctx, { asAdmin, expect, rep, rule, acme }) {
  const { page, api, screenshot, context } = ctx;
  await asAdmin(ctx);
  // 1. A scoring rule, made in the UI.
  await page.goto('/admin/lead-scoring');
  await page.getByRole('heading', { name: 'Lead scoring rules' }).waitFor();
  await page.getByRole('button', { name: 'Add rule' }).click();
  const editor = page.getByRole('form', { name: 'New scoring rule' });
  await editor.getByLabel('Rule name').fill('Finance decision maker');
  await editor.getByLabel('Points').fill('25');
  await editor.getByLabel('Field', { exact: true }).selectOption('title');
  await editor.getByLabel('Condition').selectOption('contains');
  await editor.getByLabel('Value').fill('CFO');
  await editor.getByRole('button', { name: 'Save rule' }).click();
  await page.getByText('Rule “Finance decision maker” saved').waitFor();
  await page.getByRole('list', { name: 'Scoring rules' }).getByText('Title contains CFO').waitFor();

  await page.getByRole('button', { name: 'Add rule' }).click();
  const second = page.getByRole('form', { name: 'New scoring rule' });
  await second.getByLabel('Rule name').fill('Company given');
  await second.getByLabel('Points').fill('10');
  await second.getByLabel('Field', { exact: true }).selectOption('company');
  await second.getByLabel('Condition').selectOption('is_null');
  await second.getByLabel('Value').fill('false');
  await second.getByRole('button', { name: 'Save rule' }).click();
  await page.getByText('Rule “Company given” saved').waitFor();
  await screenshot('scoring-rules');
  const rules = (await api.get('/scoring_rules?filter=object:eq:leads')).data;
  expect(rules.some((r) => r.name === 'Finance decision maker' && r.field === 'title' && r.operator === 'contains' && r.points === 25), `scoring rule saved: ${JSON.stringify(rules)}`);

  // 2. The forms builder.
  await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Web forms' }).click();
  await page.getByRole('heading', { name: 'Web forms', level: 2 }).waitFor();
  await page.getByRole('button', { name: 'New form' }).click();
  await page.getByLabel('Form name').fill('Website contact');
  await page.getByLabel('Campaign').selectOption({ label: 'Spring webinar' });
  await page.getByLabel('Add a field').selectOption({ label: 'Title' });
  await page.getByRole('button', { name: 'Add field' }).click();
  await page.getByLabel('Label of Title').fill('Your role');
  await page.getByLabel('Title is required').check();
  await page.getByRole('button', { name: 'Move Title up' }).click();
  await page.getByLabel('Thank-you text', { exact: true }).fill('Thanks! Rita will call you.');
  await page.getByRole('button', { name: 'Create form' }).click();
  await page.getByText('Form “Website contact” created').waitFor();
  const embed = page.getByTestId('embed-box');
  await embed.waitFor();
  const url = await embed.getByLabel('Public address').inputValue();
  expect(/\/f\/[^/]+\.[^/]+$/.test(url), `public URL ${url}`);
  expect((await embed.getByLabel('Embed in a page (iframe)').inputValue()).includes(`src="${url}"`), 'iframe snippet points at the form');
  await embed.scrollIntoViewIfNeeded();
  await screenshot('form-builder');
  const forms = (await api.get('/forms')).data;
  const form = forms.find((f) => f.name === 'Website contact');
  expect(form && form.fields.map((f) => f.field).join(',') === 'first_name,last_name,email,title,company', `field order ${JSON.stringify(form?.fields)}`);
  expect(form.fields[3].label === 'Your role' && form.fields[3].required, 'label and required flag saved');

  // 3. Someone fills in the public form (a fresh page: no session needed).
  const visitor = await context.newPage();
  await visitor.goto(url);
  await visitor.getByRole('heading', { name: 'Website contact' }).waitFor();
  await visitor.getByLabel('First name').fill('Carla');
  await visitor.getByLabel('Last name').fill('Finanza');
  await visitor.getByLabel('Email').fill('carla@acme-analytics.example');
  expect((await visitor.getByLabel('Your role').getAttribute('required')) !== null, 'the role is a required field');
  await visitor.getByLabel('Your role').fill('CFO');
  await visitor.getByLabel('Company').fill('Acme Analytics');
  await visitor.getByRole('button', { name: 'Send' }).click();
  await visitor.getByText('Thanks! Rita will call you.').waitFor();
  await visitor.screenshot({ path: `${process.env.RAPPORT_E2E_OUT ?? 'build/e2e'}/leads-form-to-convert-public-thanks.png` });
  await visitor.close();

  // 4. The lead is in the list with its score; the tooltip says why.
  const leads = (await api.get(`/leads?filter=form_id:eq:${form.id}`)).data;
  expect(leads.length === 1, `one lead from the form, got ${leads.length}`);
  const lead = leads[0];
  expect(lead.source === 'web_form' && lead.score === 35 && lead.owner_id === rep.id && lead.assignment_rule_id === rule.id, `lead ${JSON.stringify(lead)}`);
  await page.goto('/admin/forms');
  await page.getByTestId(`form-recent-${form.id}`).getByText('1', { exact: true }).waitFor();
  await page.goto('/leads');
  const row = page.locator('tbody tr').filter({ hasText: 'Finanza' });
  const cell = row.getByTestId('score-cell');
  await cell.getByText('35').waitFor();
  const why = await cell.getAttribute('title');
  expect(why === 'Finance decision maker +25, Company given +10', `score tooltip: ${why}`);
  await cell.hover();
  await screenshot('lead-list');

  // 5. Its page: the explanation, channel, campaign, rule, first response.
  await row.getByRole('link').first().click();
  await page.getByRole('heading', { name: 'Carla Finanza', level: 1 }).waitFor();
  const panel = page.getByTestId('lead-panel');
  await panel.getByRole('table', { name: 'Why this score' }).getByText('Finance decision maker').waitFor();
  await panel.getByText('+25').waitFor();
  await panel.getByText('Spring webinar').waitFor();
  await panel.getByText('Web form', { exact: true }).first().waitFor();
  await panel.getByTestId('lead-assignment').getByText('Web leads to Inbound').waitFor();
  await panel.getByTestId('lead-first-response').getByText(/Waiting \d+ min/).waitFor();
  await screenshot('lead-page');

  // 6. Qualified, then converted into the existing account with a new deal.
  await api.patch(`/leads/${lead.id}`, { status: 'qualified' }, lead.version);
  await page.reload();
  await panel.getByRole('button', { name: 'Convert…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Convert lead' });
  await dialog.getByText('Use existing').first().waitFor();
  const existing = dialog.getByRole('radio', { name: /Use existing Acme Analytics/ });
  expect(await existing.isChecked(), 'the existing account with the same domain is suggested');
  await dialog.getByLabel('Amount').fill('-5');
  await dialog.getByRole('button', { name: 'Convert', exact: true }).click();
  await dialog.locator('.field-error').first().waitFor();
  await screenshot('convert-error');
  await dialog.getByLabel('Amount').fill('18000');
  await screenshot('convert-dialog');
  await dialog.getByRole('button', { name: 'Convert', exact: true }).click();
  await page.waitForURL(/\/opportunities\//);
  await page.getByText(/Lead converted/).waitFor();
  const converted = await api.get(`/leads/${lead.id}`);
  expect(converted.status === 'converted' && converted.converted_account_id === acme.id && converted.converted_opportunity_id, `converted ${JSON.stringify(converted)}`);
  const opp = await api.get(`/opportunities/${converted.converted_opportunity_id}`);
  expect(opp.amount === 18000 && opp.account_id === acme.id, `opportunity ${JSON.stringify(opp)}`);
  expect(page.url().endsWith(`/opportunities/${opp.id}`), 'went to the new opportunity');
  await screenshot('opportunity');
  await page.goto(`/leads/${lead.id}`);
  const became = page.getByTestId('lead-became');
  await became.getByRole('link', { name: 'Acme Analytics', exact: true }).waitFor();
  await became.getByRole('link', { name: 'Carla Finanza', exact: true }).waitFor();
  await became.getByRole('link', { name: opp.name, exact: true }).waitFor();
  await screenshot('lead-became');
}
