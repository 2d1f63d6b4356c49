// End-to-end tests (see ../run.mjs): returns this suite's tests, each
// { name, fn({ page, api, shared, screenshot, ... }) } like those in run.mjs.
//
// Issue 4, campaigns (docs/decisions/020-campaign-screens.md): an
// administrator finds Campaigns in the navigation, adds members three ways
// (API, the leads list's bulk "Add to campaign", the campaign page's search),
// changes a response in place, downloads the mailing CSV, then works the call
// list: "no answer" in one click, "call back tomorrow 9:00" in two, "reached"
// with the keyboard, until nobody is left to call.
import { readFileSync } from 'node:fs';

export function suite({ asAdmin, expect, Skip }) {
  void Skip;
  return [
    {
      name: 'campaigns-members-mailing-call-list',
      async fn(ctx) {
        const { page, api, screenshot } = ctx;
        const campaign = await api.post('/campaigns', {
          name: 'Spring ring-round',
          channel: 'telemarketing',
          status: 'active',
          start_date: '2026-03-01',
          end_date: '2026-04-30',
          budget: 5000,
          actual_cost: 1200,
          currency: 'EUR',
        });
        const pat = await api.post('/leads', {
          first_name: 'Pat', last_name: 'Caller', company: 'Caller Ltd', email: 'pat@caller.example',
          phone: '+44 20 7946 0101', street: '1 High Street', postcode: 'AB1 2CD', city: 'Leeds', country: 'United Kingdom',
        });
        const sam = await api.post('/leads', { first_name: 'Sam', last_name: 'Dialer', company: 'Dial Co', phone: '+44 20 7946 0102' });
        const uma = await api.post('/leads', { first_name: 'Uma', last_name: 'Zeppelin', company: 'Airship plc', phone: '+49 30 1234567' });
        await api.post(`/campaigns/${campaign.id}/members`, { lead_ids: [pat.id] });

        await asAdmin(ctx);
        // 1. The leads list: select Sam, "Add to campaign".
        await page.goto('/leads');
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).waitFor();
        await page.getByLabel('Select Sam Dialer').check();
        const bulk = page.getByRole('region', { name: 'Bulk actions' });
        await bulk.getByLabel('Add to campaign').waitFor();
        await screenshot('bulk');
        await bulk.getByLabel('Add to campaign').selectOption({ label: 'Spring ring-round' });
        await page.getByText('Added 1 lead to “Spring ring-round”').waitFor();

        // 2. Campaigns in the navigation, then the campaign's page.
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click();
        await page.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
        await page.getByRole('link', { name: 'Spring ring-round' }).waitFor();
        await screenshot('list');
        await page.getByRole('link', { name: 'Spring ring-round' }).click();
        await page.getByRole('heading', { name: 'Spring ring-round', level: 1 }).waitFor();
        const panel = page.getByTestId('campaign-panel');
        const table = panel.getByRole('table', { name: 'Campaign members' });
        await table.getByRole('link', { name: 'Sam Dialer' }).waitFor();
        await table.getByRole('link', { name: 'Pat Caller' }).waitFor();

        // 3. Add Uma by searching leads.
        await panel.getByLabel('Search among').selectOption('leads');
        await panel.getByLabel('Find leads to add').fill('Zepp');
        await panel.getByRole('option', { name: 'Uma Zeppelin' }).click();
        await panel.getByRole('status').getByText('Uma Zeppelin added').waitFor();
        await table.getByRole('link', { name: 'Uma Zeppelin' }).waitFor();
        const stats = panel.getByTestId('campaign-stats');
        await stats.locator('.stat').first().getByText('3', { exact: true }).waitFor();

        // 4. Response changed in place.
        await table.getByLabel('Response of Uma Zeppelin').selectOption('responded');
        await stats.getByText('33.3% response').waitFor();
        let members = (await api.get(`/campaigns/${campaign.id}/members`)).data;
        const umaMember = members.find((m) => m.member_id === uma.id);
        expect(umaMember?.status === 'responded', `Uma's response saved: ${JSON.stringify(umaMember)}`);
        const budgetText = await panel.getByTestId('campaign-budget').innerText();
        expect(/1[,.\s\u202f]?200/.test(budgetText) && /5[,.\s\u202f]?000/.test(budgetText) && /24% of budget/.test(budgetText), `budget shown: ${budgetText}`);
        await screenshot('panel');

        // 5. The mailing list: a real download; only Pat has a postal address.
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          panel.getByRole('button', { name: 'Download mailing list (CSV)' }).click(),
        ]);
        expect(/mailing\.csv$/.test(download.suggestedFilename()), `file name ${download.suggestedFilename()}`);
        const csv = readFileSync(await download.path(), 'utf8');
        expect(csv.includes('member_id,object,record_id,first_name,last_name,company,street,postcode,city,country'), `CSV header: ${csv.slice(0, 200)}`);
        expect(csv.includes(`leads,${pat.id},Pat,Caller,Caller Ltd,1 High Street,AB1 2CD,Leeds,United Kingdom`), `Pat's row: ${csv}`);
        expect(!csv.includes(sam.id), 'no letter without an address');
        await panel.getByTestId('mailing-note').getByText('1 letter; left out: 2 no postal address').waitFor();

        // 6. Start calling.
        await panel.getByRole('link', { name: 'Start calling' }).click();
        await page.getByRole('heading', { name: 'Call list', level: 1 }).waitFor();
        const card = page.getByTestId('call-card');
        const people = { 'Pat Caller': pat, 'Sam Dialer': sam, 'Uma Zeppelin': uma };
        const current = async () => {
          await card.getByRole('heading', { level: 2 }).waitFor();
          const name = (await card.getByRole('heading', { level: 2 }).innerText()).trim();
          expect(name in people, `a member is shown: ${name}`);
          return name;
        };
        const first = await current();
        await card.getByRole('link', { name: /^Phone/ }).waitFor();
        const tel = await card.getByRole('link', { name: /^Phone/ }).getAttribute('href');
        expect(tel === `tel:${people[first].phone.replace(/[^\d+]/g, '')}`, `tel link ${tel}`);
        await page.getByTestId('call-progress').getByText('3 to call now').waitFor();
        await screenshot('call-screen');

        // No answer: one click.
        await card.getByLabel(/^Notes/).fill('Rang twice, no pick-up');
        await card.getByRole('button', { name: /No answer/ }).click();
        await page.getByTestId('call-logged').getByText(first).waitFor();
        await page.getByTestId('call-progress').getByText('2 to call now · 1 waiting for a retry').waitFor();
        const second = await current();
        expect(second !== first, 'the next person loads by itself');

        // Callback tomorrow 9:00: two clicks.
        await card.getByRole('button', { name: /Call back/ }).click();
        await screenshot('callback-pick');
        await card.getByRole('button', { name: /Tomorrow 9:00/ }).click();
        await page.getByTestId('call-logged').getByText('callback task').waitFor();
        const third = await current();
        expect(third !== first && third !== second, `a third person: ${third}`);

        // Reached, by keyboard.
        await page.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
        await page.keyboard.press('1');
        const empty = page.getByTestId('call-empty');
        await empty.getByRole('heading', { name: 'No one left to call' }).waitFor();
        await empty.getByText(/1 member did not answer and comes back 4 hours after the last try/).waitFor();
        await screenshot('call-empty');

        // Through the API: calls, the callback task, the members' state.
        const expectedDue = await page.evaluate(() => {
          const n = new Date();
          return new Date(n.getFullYear(), n.getMonth(), n.getDate() + 1, 9, 0, 0, 0).toISOString();
        });
        members = (await api.get(`/campaigns/${campaign.id}/members`)).data;
        const byPerson = Object.fromEntries(members.map((m) => [m.member_id, m]));
        const m1 = byPerson[people[first].id];
        const m2 = byPerson[people[second].id];
        const m3 = byPerson[people[third].id];
        expect(m1.call_outcome === 'no_answer' && m1.call_count === 1, `no-answer member ${JSON.stringify(m1)}`);
        expect(m2.call_outcome === 'callback' && m2.status === 'responded', `callback member ${JSON.stringify(m2)}`);
        expect(new Date(m2.callback_at).toISOString() === expectedDue, `callback at ${m2.callback_at}, expected ${expectedDue}`);
        expect(m3.call_outcome === 'reached' && m3.status === 'responded', `reached member ${JSON.stringify(m3)}`);
        const acts = async (id) => (await api.get(`/activities?filter=related_id:eq:${id}&limit=50`)).data;
        const a1 = await acts(people[first].id);
        expect(a1.some((a) => a.type === 'call' && a.subject === 'Call: no answer' && a.description === 'Rang twice, no pick-up'), `no-answer call logged with notes: ${JSON.stringify(a1)}`);
        const a2 = await acts(people[second].id);
        const task = a2.find((a) => a.type === 'task');
        expect(a2.some((a) => a.type === 'call' && a.subject === 'Call: callback'), 'callback call logged');
        expect(task && task.subject === `Call back ${second}` && new Date(task.due_at).toISOString() === expectedDue, `callback task ${JSON.stringify(task)}`);
        const lead = await api.get(`/leads/${people[first].id}`);
        expect(lead.status === 'working', `a called new lead moves to working: ${lead.status}`);

        // Back on the campaign page: the last call shows per member.
        await empty.getByRole('link', { name: 'Back to the campaign' }).click();
        await table.getByRole('row').filter({ hasText: first }).getByText('No answer').waitFor();
        await table.getByLabel(`Response of ${second}`).waitFor();
        expect((await table.getByLabel(`Response of ${second}`).inputValue()) === 'responded', 'the callback shows as responded');
        expect(ctx.consoleErrors.length === 0, `no browser errors: ${ctx.consoleErrors.join('; ')}`);
      },
    },
    {
      name: 'campaigns-contacts-remove-undo-phone',
      viewport: { width: 375, height: 812 },
      async fn(ctx) {
        const { page, api, screenshot } = ctx;
        const campaign = await api.post('/campaigns', { name: 'Customer check-in', channel: 'telemarketing' });
        const acct = await api.post('/accounts', { name: 'Harbour Freight' });
        const nora = await api.post('/contacts', { first_name: 'Nora', last_name: 'Quayside', account_id: acct.id, mobile: '+33 6 12 34 56 78', email: 'nora@harbour.example' });
        const otto = await api.post('/leads', { first_name: 'Otto', last_name: 'Removable', phone: '+49 30 7654321' });
        await api.post(`/campaigns/${campaign.id}/members`, { lead_ids: [otto.id] });
        await asAdmin(ctx);
        await page.goto(`/campaigns/${campaign.id}`);
        const panel = page.getByTestId('campaign-panel');
        const table = panel.getByRole('table', { name: 'Campaign members' });
        await table.getByRole('link', { name: 'Otto Removable' }).waitFor();

        // A contact, found among contacts.
        await panel.getByLabel('Search among').selectOption('contacts');
        await panel.getByLabel('Find contacts to add').fill('Quay');
        await panel.getByRole('option', { name: 'Nora Quayside' }).click();
        await table.getByRole('link', { name: 'Nora Quayside' }).waitFor();
        await table.getByRole('row').filter({ hasText: 'Nora Quayside' }).getByText('Harbour Freight').waitFor();

        // Remove Otto, then undo.
        await table.getByRole('button', { name: 'Remove Otto Removable' }).click();
        await page.getByText('Otto Removable removed from the campaign').waitFor();
        await table.getByRole('link', { name: 'Otto Removable' }).waitFor({ state: 'detached' });
        let members = (await api.get(`/campaigns/${campaign.id}/members`)).data;
        expect(members.length === 1 && members[0].member_id === nora.id, `only Nora left: ${JSON.stringify(members.map((m) => m.member_id))}`);
        await page.getByRole('button', { name: 'Undo' }).click();
        await table.getByRole('link', { name: 'Otto Removable' }).waitFor();
        members = (await api.get(`/campaigns/${campaign.id}/members`)).data;
        expect(members.length === 2, 'Otto is back');
        await screenshot('panel-phone');

        // The call screen on a phone: the contact's mobile to tap; voicemail.
        await panel.getByRole('link', { name: 'Start calling' }).click();
        const card = page.getByTestId('call-card');
        await card.getByRole('heading', { level: 2 }).waitFor();
        // Call whoever comes first; make sure Nora's mobile shows when she is up.
        for (let i = 0; i < 2; i++) {
          const name = (await card.getByRole('heading', { level: 2 }).innerText()).trim();
          if (name === 'Nora Quayside') {
            const href = await card.getByRole('link', { name: /Mobile/ }).getAttribute('href');
            expect(href === 'tel:+33612345678', `mobile link ${href}`);
            await card.getByText('Harbour Freight').waitFor();
            await screenshot('call-phone');
          }
          await card.getByRole('button', { name: /Voicemail/ }).click();
          await page.getByTestId('call-logged').getByText(name).waitFor();
        }
        await page.getByTestId('call-empty').getByText('2 members did not answer and come back 4 hours after the last try', { exact: false }).waitFor();
        members = (await api.get(`/campaigns/${campaign.id}/members`)).data;
        expect(members.every((m) => m.call_outcome === 'voicemail' && m.status === 'sent'), `both voicemail: ${JSON.stringify(members)}`);
      },
    },
    {
      name: 'campaigns-members-pages-and-filter',
      async fn(ctx) {
        const { page, api, screenshot } = ctx;
        const campaign = await api.post('/campaigns', { name: 'Catalogue mailing', channel: 'direct_mail', budget: 800 });
        const ids = [];
        for (let i = 0; i < 27; i++) {
          const n = String(i + 1).padStart(2, '0');
          ids.push((await api.post('/leads', { first_name: `Reader${n}`, last_name: 'Catalogue', street: `${n} Mill Lane`, city: 'York' })).id);
        }
        await api.post(`/campaigns/${campaign.id}/members`, { lead_ids: ids });
        const members = (await api.get(`/campaigns/${campaign.id}/members?limit=100`)).data;
        for (const m of members.slice(0, 2)) await api.patch(`/campaign_members/${m.id}`, { status: 'converted' }, m.version);

        await asAdmin(ctx);
        await page.goto(`/campaigns/${campaign.id}`);
        const panel = page.getByTestId('campaign-panel');
        const rows = panel.getByTestId('member-row');
        await panel.getByRole('button', { name: 'Show more members' }).waitFor();
        expect((await rows.count()) === 25, `a first page of 25: ${await rows.count()}`);
        await panel.getByRole('button', { name: 'Show more members' }).click();
        await panel.getByText('27 of 27 shown').waitFor();
        expect((await rows.count()) === 27, 'all 27 after the second page');
        await panel.getByTestId('campaign-stats').getByText('7.4% converted').waitFor();
        await panel.getByLabel('Response', { exact: true }).selectOption('converted');
        await panel.getByText('2 of 2 shown').waitFor();
        expect((await rows.count()) === 2, 'the filter asks the server for converted members only');
        // The direct-mail campaign offers the mailing list first.
        const cls = await panel.getByRole('button', { name: 'Download mailing list (CSV)' }).getAttribute('class');
        expect(/primary/.test(cls ?? ''), `mailing is the primary action of a direct-mail campaign: ${cls}`);
        await screenshot('filtered');
      },
    },
  ];
}
