// End-to-end tests of team selling (issue 5, docs/decisions/016; see
// ../run.mjs): the Team card on an account (add a member with role and
// access), a note with an @mention picked from the autocomplete, Follow, the
// record's feed; then the mentioned member's bell, the link to the record and
// the "Following" feed.
import { signIn } from '../harness.mjs';

const SAM = { email: 'sam.engineer@example.com', name: 'Sam Engineer', password: 'sam engineer password 42' };

export function suite({ asAdmin, expect }) {
  return [
    {
      name: 'team-selling',
      async fn(ctx) {
        const { page, api, screenshot } = ctx;
        const sam = await api.post('/users', { email: SAM.email, name: SAM.name, role: 'rep', password: SAM.password });
        const acc = await api.post('/accounts', { name: 'Acme Rockets', industry: 'Aerospace', city: 'Toulouse' });
        await asAdmin(ctx);
        await page.goto(`/accounts/${acc.id}`);
        const team = page.getByTestId('team-panel');
        await team.getByText('Only the owner works on this account.').waitFor();

        // Add Sam as a sales engineer who can edit.
        await team.getByRole('button', { name: '+ Add member' }).click();
        await team.getByLabel('Person').selectOption({ label: SAM.name });
        await team.getByLabel('Role').selectOption('sales_engineer');
        await team.getByLabel('Access').selectOption('edit');
        await team.getByRole('button', { name: 'Add to team' }).click();
        await team.getByText(SAM.name).waitFor();
        expect(await team.getByLabel(`Access of ${SAM.name}`).inputValue() === 'edit', 'Sam can edit');

        // A note mentioning Sam, picked from the autocomplete.
        await page.getByRole('tab', { name: 'Add a note' }).click();
        const box = page.getByPlaceholder(/Write a note/);
        await box.click();
        await box.pressSequentially('Great call with their CTO. @Sa');
        const option = page.getByRole('option', { name: new RegExp(SAM.name) });
        await option.waitFor();
        await screenshot('autocomplete');
        await box.press('Enter');
        await box.pressSequentially('please prepare the demo');
        expect((await box.inputValue()).includes(`@[${SAM.name}](user:${sam.id})`), `token inserted: ${await box.inputValue()}`);
        await page.locator('form.quick-activity').getByRole('button', { name: 'Add a note' }).click();
        await page.locator('.timeline .mention', { hasText: `@${SAM.name}` }).first().waitFor();

        // Follow, and the record's feed lists the team change and the note.
        await page.getByRole('button', { name: '+ Follow' }).click();
        await page.getByRole('button', { name: '✓ Following' }).waitFor();
        const feed = page.getByTestId('record-feed');
        await feed.getByText(/added Sam Engineer to the team as Sales engineer/).waitFor();
        await feed.getByText(/added a note/).waitFor();
        await feed.scrollIntoViewIfNeeded();
        await screenshot('account');

        // Sam: the bell shows the mention; it leads to the account.
        await signIn(ctx, SAM.email, SAM.password);
        await page.goto('/my-day');
        const count = page.getByTestId('unread-count');
        await count.waitFor();
        expect(Number(await count.textContent()) >= 2, `unread count ${await count.textContent()}`);
        await page.getByRole('button', { name: /^Notifications/ }).click();
        const mention = page.getByRole('button', { name: /mentioned you in a note on account Acme Rockets/ });
        await mention.waitFor();
        await screenshot('bell');
        await mention.click();
        await page.getByRole('heading', { name: 'Acme Rockets', level: 1 }).waitFor();
        // Sam can edit the account as a team member.
        await page.getByTestId('team-panel').getByText('Sales engineer · can edit').waitFor();
        expect((await page.getByTestId('team-panel').getByText('Sales engineer · can edit').count()) === 1, 'Sam sees his role');

        // The "Following" feed merges what Sam follows.
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Following' }).click();
        await page.getByRole('heading', { name: 'Following' }).waitFor();
        await page.getByRole('link', { name: 'Acme Rockets' }).first().waitFor();
        await screenshot('following');
      },
    },
  ];
}
