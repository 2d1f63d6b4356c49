// The e2e harness: a real `rapport serve` on 127.0.0.1 with a fresh SQLite
// database, Debian's chromium driven by playwright-core (from web/'s
// node_modules), and a tiny test runner. Every test gets a fresh browser
// profile, saves a screenshot to the output folder (build/e2e/ by default),
// and on failure also keeps a -FAILED screenshot and a Playwright trace
// (open it with `npx playwright show-trace FILE` from web/).
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../..');
const require = createRequire(join(root, 'web', 'package.json'));
const { chromium } = require('playwright-core');

export const BINARY = resolve(process.env.RAPPORT_BINARY || join(root, 'build', 'rapport'));
export const OUT = resolve(process.env.RAPPORT_E2E_OUT || join(root, 'build', 'e2e'));
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const ADMIN_EMAIL = 'admin@example.com';
export const NEW_PASSWORD = 'correct horse battery staple';

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** Starts `rapport serve` on a fresh database; resolves when /healthz answers. */
export async function startServer() {
  if (!existsSync(BINARY)) throw new Error(`no rapport binary at ${BINARY}; build it first (make build)`);
  const dir = mkdtempSync(join(tmpdir(), 'rapport-e2e-'));
  const db = `sqlite:${join(dir, 'e2e.db')}`;
  const port = await freePort();
  const proc = spawn(BINARY, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--threads', '2'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`rapport serve exited (${proc.exitCode}):\n${out}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`rapport serve did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const m = /one-time password (\S+)/.exec(out);
  if (!m) throw new Error(`no one-time password in the serve output:\n${out}`);
  const token = execFileSync(BINARY, ['token', 'create', '--db', db, '--email', ADMIN_EMAIL, '--name', 'e2e'], { encoding: 'utf8' }).trim();
  return {
    base,
    db,
    oneTimePassword: m[1],
    token,
    log: () => out,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A JSON client for the API with the admin's token (test set-up "behind the UI's back"). */
export function apiClient(server) {
  async function call(method, path, body, headers = {}) {
    const r = await fetch(`${server.base}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    const json = text ? JSON.parse(text) : null;
    if (!r.ok) {
      const e = new Error(`${method} ${path} -> ${r.status}: ${text}`);
      e.status = r.status;
      throw e;
    }
    return json;
  }
  return {
    get: (p) => call('GET', p),
    post: (p, b) => call('POST', p, b ?? {}),
    patch: (p, b, version) => call('PATCH', p, b, version === undefined ? {} : { 'If-Match': `"${version}"` }),
    /** True when the server has this route (anything but a 404 naming no object/route). */
    async has(path) {
      const r = await fetch(`${server.base}/api/v1${path}`, { headers: { Authorization: `Bearer ${server.token}` } });
      return r.status !== 404;
    },
  };
}

export class Skip extends Error {}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };

/**
 * Runs tests in order. A test: { name, viewport?, fn(ctx) } where ctx has
 * page, context, server, api, screenshot(suffix). Prints one line per test
 * and "N passed, N failed, N skipped"; resolves to the failure count.
 */
export async function run(tests, setup) {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const only = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY) : null;
  const server = await startServer();
  const api = apiClient(server);
  const shared = {};
  let passed = 0,
    failed = 0,
    skipped = 0;
  const t0 = Date.now();
  try {
    if (setup) {
      try {
        await setup({ server, api, shared });
      } catch (e) {
        console.log(`FAIL setup: ${e.stack ?? e}\nserver log:\n${server.log().split('\n').slice(-30).join('\n')}`);
        console.log('0 passed, 1 failed, 0 skipped');
        return 1;
      }
    }
    for (const t of tests) {
      if (only && !only.test(t.name) && !t.always) continue;
      const profile = mkdtempSync(join(tmpdir(), 'rapport-chromium-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--disable-dev-shm-usage',
        ],
        viewport: t.viewport ?? DESKTOP,
        baseURL: server.base,
        locale: 'en-GB',
        timezoneId: 'Europe/Berlin',
        reducedMotion: 'reduce',
      });
      await context.tracing.start({ screenshots: true, snapshots: true, sources: false });
      const page = context.pages()[0] ?? (await context.newPage());
      page.setDefaultTimeout(20_000);
      page.setDefaultNavigationTimeout(30_000);
      const consoleErrors = [];
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
      page.on('pageerror', (e) => consoleErrors.push(String(e)));
      const start = Date.now();
      const ctx = {
        page,
        context,
        server,
        api,
        shared,
        consoleErrors,
        screenshot: (suffix) => page.screenshot({ path: join(OUT, `${t.name}${suffix ? '-' + suffix : ''}.png`), fullPage: false }),
      };
      try {
        await Promise.race([
          t.fn(ctx),
          new Promise((_, rej) => setTimeout(() => rej(new Error('test timed out after 120 s')), 120_000)),
        ]);
        const csp = consoleErrors.filter((e) => /Content Security Policy|Refused to/.test(e));
        if (csp.length) throw new Error(`CSP violations:\n${csp.join('\n')}`);
        await ctx.screenshot();
        await context.tracing.stop();
        passed++;
        console.log(`ok   ${t.name} (${Date.now() - start} ms) -> ${join(OUT, t.name + '.png')}`);
      } catch (e) {
        if (e instanceof Skip) {
          skipped++;
          await context.tracing.stop();
          console.log(`skip ${t.name}: ${e.message}`);
        } else {
          failed++;
          await page.screenshot({ path: join(OUT, `${t.name}-FAILED.png`) }).catch(() => {});
          await context.tracing.stop({ path: join(OUT, `${t.name}-trace.zip`) }).catch(() => {});
          console.log(`FAIL ${t.name} (${Date.now() - start} ms): ${e.stack ?? e}`);
          if (consoleErrors.length) console.log(`     browser console:\n     ${consoleErrors.join('\n     ')}`);
          console.log(`     screenshot ${join(OUT, t.name + '-FAILED.png')}, trace ${join(OUT, t.name + '-trace.zip')}`);
        }
      } finally {
        await context.close().catch(() => {});
        rmSync(profile, { recursive: true, force: true });
      }
    }
  } finally {
    await server.stop();
  }
  console.log(`e2e: ${((Date.now() - t0) / 1000).toFixed(1)} s, screenshots in ${OUT}`);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  if (failed) console.log(`server log:\n${server.log().split('\n').slice(-40).join('\n')}`);
  return failed;
}

/** Signs the browser context in through the API (cookie + nothing else: the app fetches its CSRF token). */
export async function signIn(ctx, email = ADMIN_EMAIL, password = NEW_PASSWORD) {
  const r = await ctx.context.request.post(`${ctx.server.base}/api/v1/auth/login`, { data: { email, password } });
  if (!r.ok()) throw new Error(`sign-in failed: ${r.status()} ${await r.text()}`);
}

/**
 * Drags a board card onto a column the way a person does (press, a small
 * move to start dnd-kit's drag, then across); `beforeDrop` runs while the
 * card is held (e.g. a screenshot).
 */
export async function dragCard(page, card, column, beforeDrop = null) {
  const a = await card.boundingBox();
  const b = await column.boundingBox();
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 20, a.y + a.height / 2, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + 120, { steps: 12 });
  if (beforeDrop) await beforeDrop();
  await page.mouse.up();
}

export function expect(cond, message) {
  if (!cond) throw new Error(`expected: ${message}`);
}
