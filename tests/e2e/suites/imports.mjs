// End-to-end tests (see ../run.mjs): returns this suite's tests, each
// { name, fn({ page, api, shared, screenshot, ... }) } like those in run.mjs.
//
// Issue 4's import wizard: from the Leads list's "Import" button, a CSV with
// one bad row is uploaded, one column mapped by hand, checked (the bad row
// shown with its line and reason), imported with a live progress bar, and
// the good rows are found through the API; the import shows in the history
// and is undone from the wizard; the next upload is offered the saved mapping.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function suite({ asAdmin, expect, Skip }) {
  return [
    {
      name: 'imports-wizard-leads',
      async fn(ctx) {
        const { page, api, screenshot } = ctx;
        if (!(await api.has('/imports/mappings'))) throw new Skip('no import wizard API on this server');
        const dir = mkdtempSync(join(tmpdir(), 'rapport-e2e-import-'));
        const file = join(dir, 'trade-show-leads.csv');
        writeFileSync(
          file,
          'First Name,Surname,Email,Company,Booth notes\n' +
            'Iris,Importer,iris.import@e2e-wizard.example,Import Co,Wants a demo\n' +
            'Ivan,Invalid,ivan-at-nowhere,Import Co,Bad address\n' +
            'Ines,Imported,ines.import@e2e-wizard.example,Import Co,Call in May\n',
        );
        try {
          await asAdmin(ctx);
          await page.goto('/leads');
          await page.getByRole('heading', { name: 'Leads', level: 1 }).waitFor();
          await page.getByRole('link', { name: 'Import' }).waitFor();
          await screenshot('list');
          await page.getByRole('link', { name: 'Import' }).click();
          await page.getByRole('heading', { name: 'Import', level: 1 }).waitFor();
          expect((await page.getByRole('radio', { name: 'Leads' }).getAttribute('aria-checked')) === 'true', 'Leads is preselected');
          await page.getByText('Drop a file here').waitFor();
          await screenshot('file');
          await page.getByLabel('File to import').setInputFiles(file);

          // 2. mapping: samples shown, "Surname" matched by hand.
          const table = page.getByRole('table', { name: 'Column mapping' });
          await table.waitFor();
          await table.getByText('Wants a demo').waitFor();
          expect((await page.getByLabel('Field for column First Name').inputValue()) === 'first_name', 'First Name suggested');
          expect((await page.getByLabel('Field for column Email').inputValue()) === 'email', 'Email suggested');
          expect((await page.getByLabel('Field for column Surname').inputValue()) === '', 'Surname has no field of that name');
          await page.getByLabel('Field for column Surname').selectOption('last_name');
          // Two columns into one field are flagged and block the check.
          await page.getByLabel('Field for column Booth notes').selectOption('last_name');
          await page.getByRole('alert', { name: 'Mapping problems' }).getByText('both go into Last name').waitFor();
          expect(await page.getByRole('button', { name: 'Check' }).isDisabled(), 'Check is blocked while two columns share a field');
          await page.getByLabel('Field for column Booth notes').selectOption('');
          await page.getByLabel('Existing records').selectOption('email');
          await screenshot('mapping');

          // 3. check: the bad row with its line and reason, nothing saved.
          await page.getByRole('button', { name: 'Check' }).click();
          const failed = page.getByRole('table', { name: 'Failed rows' });
          await failed.waitFor();
          const badRow = failed.getByRole('row').filter({ hasText: 'not a valid email' });
          expect((await badRow.getByRole('cell').first().innerText()).trim() === '3', 'the bad row is line 3');
          await page.getByTestId('check-summary').getByText('2 of 3 rows can be imported').waitFor();
          expect((await api.get('/leads?filter=email:eq:iris.import@e2e-wizard.example')).data.length === 0, 'a check saves nothing');
          await screenshot('check');

          // 4. import: progress to the end, the result, the failed row.
          await page.getByRole('button', { name: 'Import 2 rows' }).click();
          await page.getByTestId('import-status').getByText('Done').waitFor({ timeout: 30_000 });
          const bar = page.getByRole('progressbar', { name: 'Import progress' });
          expect((await bar.getAttribute('aria-valuenow')) === '100', 'the progress bar reached 100%');
          expect((await page.getByTestId('count-created').innerText()).includes('2'), '2 created');
          expect((await page.getByTestId('count-failed').innerText()).includes('1'), '1 failed');
          await page.getByRole('table', { name: 'Failed rows' }).getByText('not a valid email').waitFor();
          await page.getByRole('button', { name: 'Undo this import' }).waitFor();
          await screenshot('result');

          const iris = (await api.get('/leads?filter=email:eq:iris.import@e2e-wizard.example')).data;
          expect(iris.length === 1, 'Iris was imported');
          expect(iris[0].last_name === 'Importer' && iris[0].company === 'Import Co', 'with the hand-mapped last name');
          expect(iris[0].source === 'import', 'source import');
          expect((await api.get('/leads?filter=email:eq:ines.import@e2e-wizard.example')).data.length === 1, 'Ines was imported');
          expect((await api.get('/leads?filter=last_name:eq:Invalid')).data.length === 0, 'the bad row was not');

          // The history lists it; undo (confirmed) deletes what it created.
          const history = page.getByRole('table', { name: 'Earlier imports' });
          await history.getByRole('row').filter({ hasText: 'trade-show-leads.csv' }).getByText('Done').waitFor();
          let question = '';
          page.once('dialog', (d) => {
            question = d.message();
            d.accept();
          });
          await page.getByRole('button', { name: 'Undo this import' }).click();
          await page.getByTestId('import-status').getByText('Undone').waitFor();
          expect(question.includes('delete the 2 records it created'), `the confirmation says what undo does: ${question}`);
          expect((await api.get('/leads?filter=email:eq:iris.import@e2e-wizard.example')).data.length === 0, 'undo removed Iris');
          await history.getByRole('row').filter({ hasText: 'trade-show-leads.csv' }).getByText('Undone').waitFor();

          // The mapping was saved for the next file with these columns.
          const saved = (await api.get('/imports/mappings?object=leads')).data;
          expect(saved.some((m) => m.mapping.Surname === 'last_name'), 'the mapping was saved');
          await page.getByRole('button', { name: 'Import another file' }).click();
          await page.getByLabel('File to import').setInputFiles(file);
          await page.getByTestId('saved-mapping').waitFor();
          expect((await page.getByLabel('Field for column Surname').inputValue()) === 'last_name', 'the saved mapping is offered');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    },
    {
      name: 'imports-wizard-phone-vcard',
      viewport: { width: 375, height: 812 },
      async fn(ctx) {
        const { page, api, screenshot } = ctx;
        if (!(await api.has('/imports/mappings'))) throw new Skip('no import wizard API on this server');
        const dir = mkdtempSync(join(tmpdir(), 'rapport-e2e-import-'));
        const file = join(dir, 'phone-book.vcf');
        writeFileSync(
          file,
          'BEGIN:VCARD\r\nVERSION:3.0\r\nN:Vcardson;Vera;;;\r\nFN:Vera Vcardson\r\nEMAIL;TYPE=work:vera@vcard-e2e.example\r\n' +
            'TEL;TYPE=cell:+44 20 7946 0018\r\nORG:Card Co\r\nEND:VCARD\r\n',
        );
        try {
          await asAdmin(ctx);
          await page.goto('/imports?object=contacts');
          expect((await page.getByRole('radio', { name: 'Contacts' }).getAttribute('aria-checked')) === 'true', 'Contacts preselected from the link');
          await page.getByLabel('File to import').setInputFiles(file);
          await page.getByRole('table', { name: 'Column mapping' }).getByText('vera@vcard-e2e.example').waitFor();
          expect((await page.getByLabel('Field for column email').inputValue()) === 'email', 'vCard email column suggested');
          await screenshot('mapping');
          await page.getByRole('button', { name: 'Check' }).click();
          await page.getByTestId('check-summary').getByText('All 1 rows can be imported').waitFor();
          await page.getByRole('button', { name: 'Import 1 row' }).click();
          await page.getByTestId('import-status').getByText('Done').waitFor({ timeout: 30_000 });
          await screenshot('result');
          const vera = (await api.get('/contacts?filter=email:eq:vera@vcard-e2e.example')).data;
          expect(vera.length === 1 && vera[0].last_name === 'Vcardson', 'the contact was imported from the vCard');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    },
  ];
}
