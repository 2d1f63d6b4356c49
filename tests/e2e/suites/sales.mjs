// End-to-end tests (see ../run.mjs): returns this suite's tests, each
// { name, fn({ page, api, shared, screenshot, ... }) } like those in run.mjs.
//
// Issue 5, sales: dragging a deal to a won stage asks for the reason (and
// saves it), a lost deal reopens from its page, and the quote builder's
// Print / PDF opens the printable quote.
import { join } from 'node:path';
import { OUT, dragCard } from '../harness.mjs';

export function suite({ asAdmin, expect, Skip }) {
  void Skip;
  return [
    {
      name: 'sales-won-reason-reopen-print',
      async fn(ctx) {
        const { page, api, context, server, screenshot } = ctx;
        // A pipeline of its own, so no other test's deals or criteria interfere.
        const pipeline = await api.post('/pipelines', { name: 'Closing desk' });
        const negotiate = await api.post('/stages', { pipeline_id: pipeline.id, name: 'Negotiate', position: 0, probability: 60, kind: 'open' });
        const won = await api.post('/stages', { pipeline_id: pipeline.id, name: 'Signed', position: 1, probability: 100, kind: 'won' });
        const lost = await api.post('/stages', { pipeline_id: pipeline.id, name: 'Dropped', position: 2, probability: 0, kind: 'lost' });
        const acct = await api.post('/accounts', { name: 'Zürich Łódź 東京 Holdings' });
        const deal = await api.post('/opportunities', { name: 'Reason Deal', pipeline_id: pipeline.id, account_id: acct.id, amount: 42000, currency: 'CHF' });
        expect(deal.stage_id === negotiate.id, 'the deal starts in Negotiate');

        // 1. Drag to the won stage: a dialog asks why, instead of a refused move.
        await asAdmin(ctx);
        await page.goto(`/pipeline?pipeline=${pipeline.id}`);
        const from = page.locator('section.column[data-stage="Negotiate"]');
        const to = page.locator('section.column[data-stage="Signed"]');
        const card = from.getByTestId('deal-card').filter({ hasText: 'Reason Deal' });
        await card.waitFor();
        await dragCard(page, card, to);
        const dialog = page.getByRole('dialog', { name: 'Won “Reason Deal”' });
        await dialog.waitFor();
        await dialog.getByText('Moving to').waitFor();
        // Without a reason: told so, nothing saved.
        await dialog.getByRole('button', { name: 'Mark as won' }).click();
        await dialog.getByText('Pick a reason.').waitFor();
        expect((await api.get(`/opportunities/${deal.id}`)).stage_id === negotiate.id, 'no reason, no move');
        const options = await dialog.getByLabel(/Won\/lost reason/).locator('option').allInnerTexts();
        expect(options.includes('Price') && options.includes('Competitor'), `reasons offered: ${options.join(', ')}`);
        expect(!options.some((o) => /quote accepted/i.test(o)), 'the system-only reason is not offered');
        await dialog.getByLabel(/Won\/lost reason/).selectOption('product_fit');
        await dialog.getByLabel(/Won\/lost details/).fill('Only vendor with a Łódź data centre');
        await screenshot('won-reason');
        await dialog.getByRole('button', { name: 'Mark as won' }).click();
        await to.getByTestId('deal-card').filter({ hasText: 'Reason Deal' }).waitFor();
        await page.getByText('moved to Signed').first().waitFor();
        expect((await dialog.count()) === 0 || !(await dialog.isVisible()), 'the dialog closed');
        const saved = await api.get(`/opportunities/${deal.id}`);
        expect(saved.stage_id === won.id, 'the deal is in the won stage');
        expect(saved.close_reason === 'product_fit' && saved.close_reason_text === 'Only vendor with a Łódź data centre', `reason saved: ${saved.close_reason} / ${saved.close_reason_text}`);
        expect(saved.closed_at, 'closed_at is set');
        await screenshot('won-moved');

        // 2. A lost deal reopens from its page, in the stage it was lost from.
        const gone = await api.post('/opportunities', { name: 'Lost Cause Deal', pipeline_id: pipeline.id, account_id: acct.id, amount: 900, currency: 'CHF' });
        await api.patch(`/opportunities/${gone.id}`, { stage_id: lost.id, close_reason: 'competitor', close_reason_text: 'Went with Initech' }, gone.version);
        await page.goto(`/opportunities/${gone.id}`);
        const banner = page.getByTestId('deal-lost');
        await banner.getByText('Lost — Competitor').waitFor();
        await banner.getByText('Went with Initech').waitFor();
        await screenshot('lost-banner');
        await banner.getByRole('button', { name: 'Reopen in Negotiate' }).click();
        await banner.waitFor({ state: 'detached' });
        const reopened = await api.get(`/opportunities/${gone.id}`);
        expect(reopened.stage_id === negotiate.id, 'reopened in Negotiate');
        expect(reopened.closed_at === null && reopened.close_reason === null, 'reopening clears closed_at and the reason');
        // The stage path asks for the reason too (lost this time).
        await page.locator('.stage-path').getByRole('button', { name: 'Dropped' }).click();
        const lostDialog = page.getByRole('dialog', { name: 'Lost “Lost Cause Deal”' });
        await lostDialog.getByLabel(/Won\/lost reason/).selectOption('no_budget');
        await lostDialog.getByRole('button', { name: 'Mark as lost' }).click();
        await banner.getByText('Lost — No budget').waitFor();

        // 3. The quote builder's Print / PDF opens the printable quote.
        const product = await api.post('/products', { name: 'Sync Seat', sku: 'SYNC-1' });
        const book = await api.post('/price_books', { name: 'Swiss list', currency: 'CHF' });
        await api.post('/price_book_entries', { price_book_id: book.id, product_id: product.id, unit_price: 1200 });
        const quote = await api.post('/quotes', { name: 'Seats for Zürich', opportunity_id: gone.id, price_book_id: book.id, currency: 'CHF', terms: 'Net 30. <b>not bold</b>' });
        for (let i = 0; i < 3; i++) await api.post('/quote_lines', { quote_id: quote.id, product_id: product.id, quantity: i + 2, discount_pct: 5, tax_pct: 8.1 });
        const total = (await api.get(`/quotes/${quote.id}`)).total;
        await page.goto(`/opportunities/${gone.id}`);
        const qb = page.getByTestId('quote-builder');
        const print = qb.getByTestId('quote-print');
        await print.waitFor();
        expect((await print.getAttribute('href')) === `/api/v1/quotes/${quote.id}/document.pdf`, 'Print / PDF links the PDF');
        await qb.scrollIntoViewIfNeeded();
        await screenshot('quote-print-button');
        // The PDF, with the browser's session (what the new tab gets).
        const [tab, request] = await Promise.all([
          context.waitForEvent('page'),
          context.waitForEvent('request', (r) => r.url().endsWith(`/api/v1/quotes/${quote.id}/document.pdf`)),
          print.click(),
        ]);
        expect(request.method() === 'GET', 'the new tab requests the PDF');
        await tab.close();
        const pdf = await context.request.get(`${server.base}/api/v1/quotes/${quote.id}/document.pdf`);
        expect(pdf.status() === 200 && pdf.headers()['content-type'] === 'application/pdf', `PDF answered ${pdf.status()}`);
        const bytes = await pdf.body();
        expect(bytes.subarray(0, 5).toString() === '%PDF-', 'a PDF file');
        // The same document as a page: escaped, with the total.
        const [htmlTab] = await Promise.all([context.waitForEvent('page'), qb.getByRole('link', { name: 'HTML' }).click()]);
        await htmlTab.waitForLoadState();
        await htmlTab.getByText('Zürich Łódź 東京 Holdings').waitFor();
        await htmlTab.getByText('Net 30. <b>not bold</b>').waitFor();
        const shown = await htmlTab.locator('[data-field="total"]').innerText();
        expect(shown.replace(/[^0-9.]/g, '') === total.toFixed(2), `total ${shown} = ${total}`);
        await htmlTab.setViewportSize({ width: 1000, height: 900 });
        await htmlTab.screenshot({ path: join(OUT, 'sales-won-reason-reopen-print-document.png') });
        await htmlTab.close();
      },
    },
  ];
}
