#!/usr/bin/env node
// How fast the web app's pages become usable on a big database (issue 3:
// "every page usable within 1 s on 1,000,000 contacts"). Not part of make
// test: run it against a seeded database (bench/seed.cc):
//
//   build/bench/rapport_seed --db sqlite:/tmp/big.db --count 1000000
//   node tests/e2e/perf.mjs sqlite:/tmp/big.db bench@example.com
//
// It starts `rapport serve` on that database, resets the user's password,
// and times, in headless chromium at 1280x800 with a cold cache for the first
// page: sign-in to My day, the contacts list (first 50 rows shown), a quick
// search by last name, the next page, a contact's record page, and a Ctrl-K
// search. Each is the median of 5 runs, from navigation to the content shown.
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BINARY, CHROMIUM, root } from './harness.mjs';

const [db, email] = process.argv.slice(2);
if (!db || !email) {
  console.error('usage: perf.mjs <db-url> <user-email>');
  process.exit(2);
}
const require = createRequire(join(root, 'web', 'package.json'));
const { chromium } = require('playwright-core');

const reset = execFileSync(BINARY, ['user', 'reset-password', '--db', db, '--email', email], { encoding: 'utf8' });
const otp = /:\s*(\S+)\s*$/.exec(reset.trim())[1];
const port = 18000 + Math.floor(Math.random() * 1000);
const proc = spawn(BINARY, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { stdio: 'ignore' });
const base = `http://127.0.0.1:${port}`;
for (let i = 0; i < 1200; i++) {
  try {
    if ((await fetch(`${base}/healthz`)).ok) break;
  } catch {}
  await new Promise((r) => setTimeout(r, 100));
}
const profile = mkdtempSync(join(tmpdir(), 'rapport-perf-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 800 },
  baseURL: base,
});
const page = ctx.pages()[0];
page.setDefaultTimeout(30_000);
const password = 'perf password 12345';
await ctx.request.post(`${base}/api/v1/auth/login`, { data: { email, password: otp } });
const me = await ctx.request.get(`${base}/api/v1/auth/me`);
const csrf = (await me.json()).csrf_token;
await ctx.request.post(`${base}/api/v1/auth/password`, { data: { current_password: otp, new_password: password }, headers: { 'X-CSRF-Token': csrf } });

async function time(label, fn, runs = 5) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const med = ms[Math.floor(ms.length / 2)];
  console.log(`${label.padEnd(44)} median ${med.toFixed(0).padStart(5)} ms   max ${ms[ms.length - 1].toFixed(0).padStart(5)} ms`);
  return med;
}

const results = [];
results.push(await time('My day (full load)', async () => {
  await page.goto('/my-day');
  await page.getByRole('heading', { name: /Good/ }).waitFor();
}));
results.push(await time('Contacts list, first 50 rows', async () => {
  await page.goto('/contacts');
  await page.locator('tbody tr:not(.skeleton-row)').nth(49).waitFor();
}));
const names = ['Sm', 'Mu', 'Ga', 'Jo', 'Ke'];
results.push(await time('Contacts list, last name starts with', async (i) => {
  await page.goto(`/contacts?q=${names[i]}`);
  await page.locator('tbody tr:not(.skeleton-row)').first().waitFor();
}));
results.push(await time('Contacts list, next page (rows 51-100)', async () => {
  await page.goto('/contacts');
  await page.locator('tbody tr:not(.skeleton-row)').nth(49).waitFor();
  await page.getByRole('button', { name: 'Load more' }).click().catch(() => {});
  await page.locator('tbody tr:not(.skeleton-row)').nth(99).waitFor();
}));
const firstHref = await page.locator('tbody tr a.row-link').nth(7).getAttribute('href');
results.push(await time('Contact record page', async () => {
  await page.goto(firstHref);
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.locator('.timeline').waitFor();
}));
results.push(await time('Ctrl-K search, results shown', async (i) => {
  await page.goto('/my-day');
  await page.getByRole('heading', { name: /Good/ }).waitFor();
  await page.keyboard.press('Control+K');
  await page.getByPlaceholder(/Search people/).fill(['smith', 'mull', 'garc', 'john', 'kell'][i]);
  await page.locator('.palette-item').first().waitFor();
  await page.locator('.palette-group', { hasText: 'Contacts' }).waitFor();
}));
await ctx.close();
rmSync(profile, { recursive: true, force: true });
proc.kill('SIGTERM');
const worst = Math.max(...results);
console.log(`slowest page median: ${worst.toFixed(0)} ms (${worst < 1000 ? 'under' : 'OVER'} 1 s)`);
process.exit(worst < 1000 ? 0 : 1);
