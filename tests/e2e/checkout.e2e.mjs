// Browser end-to-end test: a citizen pays demo notices from an institution's portal through pagoPA
// Checkout. `incasso serve --demo` is the station (paForNode); `incasso node-sim serve` is
// Checkout, the node and the PSP; Debian's Chromium, driven by playwright-core, is the citizen.
// Both servers run as child processes in a fresh temp dir (their cwd: the demo database is
// var/incasso.db there) on ports the OS picks; their addresses come from the lines they print.
//
// Run (after `cmake --preset release && cmake --build --preset release --target incasso`):
//   cd tests/e2e && npm ci && node --test checkout.e2e.mjs
// Environment:
//   INCASSO_BIN             incasso binary (default: build/release/src/bin/incasso of this tree)
//   CHROMIUM_PATH           Chromium (default: /usr/bin/chromium, Debian's package)
//   INCASSO_E2E_SCREENSHOT  also copy the payment page's screenshot to this path
//   INCASSO_E2E_KEEP=1      keep the temp dir (it is always kept, and named, when a test failed)
//
// Bounded: each step has its own timeout and each test one overall, so a hung server or browser
// fails the run instead of stalling it; children are killed in after(), and on exit or a signal.
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const INCASSO_BIN = path.resolve(process.env.INCASSO_BIN ||
  path.join(here, '..', '..', 'build', 'release', 'src', 'bin', 'incasso'));
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ENTITY = '00123456782'; // Comune di Valdimonte, a demo institution

// Each run takes a few seconds; these only bound a hang. scripts/test.sh caps the whole run too.
const START_TIMEOUT_MS = 15_000; // a server printing its address, Chromium starting
const CLI_TIMEOUT_MS = 10_000; // one CLI command
const STEP_TIMEOUT_MS = 10_000; // one browser navigation or action
const TEST_TIMEOUT_MS = 30_000; // one test, all steps included
const STOP_TIMEOUT_MS = 5_000; // SIGTERM to SIGKILL, closing the browser

const execFileAsync = promisify(execFile);

// The children's environment: built-in defaults plus what this test sets, so that an INCASSO_*
// variable of the caller's (a PostgreSQL URL, a config file) cannot leak in. The server and the
// CLI must agree on the database; both run with the temp dir as cwd.
function childEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('INCASSO_')) env[k] = v;
  }
  env.INCASSO_HTTP_HOST = '127.0.0.1';
  env.INCASSO_HTTP_PORT = '0';
  env.INCASSO_DATABASE_URL = 'sqlite:var/incasso.db';
  return env;
}

// A server started as a child process; its stdout and stderr go to `logPath`.
class Server {
  constructor(name, args, { cwd, logPath }) {
    this.name = name;
    this.logPath = logPath;
    this.stdout = '';
    this.stderr = '';
    const log = createWriteStream(logPath);
    this.proc = spawn(INCASSO_BIN, args,
      { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => resolve({ code, signal }));
      this.proc.once('error', (error) => resolve({ error }));
    });
    this.proc.stdout.setEncoding('utf8').on('data', (s) => { this.stdout += s; log.write(s); });
    this.proc.stderr.setEncoding('utf8').on('data', (s) => { this.stderr += s; log.write(s); });
    this.exited.then(() => log.end());
  }

  alive() {
    const p = this.proc;
    return p.pid !== undefined && p.exitCode === null && p.signalCode === null;
  }

  tail(chars = 2000) {
    const all = `${this.stdout}\n--- stderr ---\n${this.stderr}`;
    return all.length > chars ? `...${all.slice(-chars)}` : all;
  }

  // Resolves with the first match of `re` in stdout; rejects if the process exits or the time
  // runs out first.
  waitForOutput(re, timeoutMs = START_TIMEOUT_MS) {
    return new Promise((resolve, reject) => {
      let timer;
      const cleanup = () => {
        clearTimeout(timer);
        this.proc.stdout.off('data', check);
      };
      const check = () => {
        const m = this.stdout.match(re);
        if (!m) return;
        cleanup();
        resolve(m);
      };
      timer = setTimeout(() => {
        cleanup();
        reject(new Error(
          `${this.name} did not print ${re} within ${timeoutMs} ms:\n${this.tail()}`));
      }, timeoutMs);
      this.exited.then((how) => {
        cleanup();
        reject(new Error(`${this.name} exited (${JSON.stringify(how)}) before printing ${re}:\n` +
          this.tail()));
      });
      this.proc.stdout.on('data', check);
      check();
    });
  }

  async stop() {
    if (!this.alive()) return this.exited;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const how = await this.exited;
    clearTimeout(timer);
    return how;
  }
}

// Every child, so that an exit or a signal never leaves one behind.
const servers = [];
process.once('exit', () => {
  for (const s of servers) if (s.alive()) s.proc.kill('SIGKILL');
});
for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
  process.once(signal, () => process.exit(128 + number)); // the exit handler kills the children
}

// Polls GET base/healthz until it answers 200 (the server printed its address once listening, so
// the first try normally succeeds).
async function waitHealthy(name, base, timeoutMs = START_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = String(e?.cause?.code || e);
    }
    await delay(100);
  }
  throw new Error(`${name} at ${base} not healthy within ${timeoutMs} ms (${last})`);
}

// Runs the incasso CLI in the temp dir; returns its stdout.
async function cli(...args) {
  try {
    const { stdout } = await execFileAsync(INCASSO_BIN, args, {
      cwd: workDir, env: childEnv(), timeout: CLI_TIMEOUT_MS, killSignal: 'SIGKILL',
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (e) {
    const how = e.code ?? e.signal;
    throw new Error(`incasso ${args.join(' ')} failed (${how}): ${e.stderr || e.message}`);
  }
}

const jsonLines = (text) =>
  text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));

async function positionStatus(iupd) {
  return JSON.parse(await cli('position', 'show', '--entity', ENTITY, iupd)).status;
}

// The event log is written in the background (app/event_recorder.hpp: batches within 50 ms), so
// an entry for a call already answered may land a moment later: poll, bounded.
async function waitForEvent(notice, operation, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = jsonLines(await cli('events', '--notice', notice, '--operation', operation));
    if (events.length > 0 || Date.now() >= deadline) return events;
    await delay(100);
  }
}

// "€ 1.234,56": the Checkout page's Italian format (thousands '.', decimals ',').
function euro(cents) {
  const units = Math.trunc(cents / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `€ ${units},${String(cents % 100).padStart(2, '0')}`;
}

// Text as a reader sees it: no-break spaces and runs of white space as one space.
const plain = (s) => s.replace(/[\s\u00a0\u202f]+/g, ' ').trim();

let workDir;
let station; // incasso serve --demo
let checkout; // incasso node-sim serve
let incassoBase; // http://127.0.0.1:PORT
let checkoutBase;
let browser;
let context;
let notices; // VALID single-option demo notices: { iupd, nav, amount, companyName, description }
let axeSource;
let failures = 0;

// Every test goes through this, so that after() knows whether to keep the temp dir.
function e2e(name, fn) {
  test(name, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    try {
      await fn(t);
    } catch (e) {
      failures += 1;
      throw e;
    }
  });
}

before(async () => {
  try {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'incasso-e2e-'));
    station = new Server('incasso serve --demo', ['serve', '--demo'],
      { cwd: workDir, logPath: path.join(workDir, 'serve.log') });
    servers.push(station);
    incassoBase =
      (await station.waitForOutput(/^incasso \S+ is listening on (http:\/\/[^/\s]+)\//m))[1];
    const stationUrl =
      (await station.waitForOutput(/^pagoPA station \S+ for broker \S+ at (http:\/\/\S+)$/m))[1];
    await waitHealthy('incasso', incassoBase);

    checkout = new Server('incasso node-sim serve',
      ['node-sim', 'serve', '--station', stationUrl, '--host', '127.0.0.1', '--port', '0'],
      { cwd: workDir, logPath: path.join(workDir, 'node-sim.log') });
    servers.push(checkout);
    checkoutBase =
      (await checkout.waitForOutput(/^node simulator listening on (http:\/\/[^/\s]+)\//m))[1];
    await waitHealthy('node simulator', checkoutBase);

    // Positions with a single, whole payment option: paying it makes the position PAID.
    const valid = jsonLines(await cli('position', 'list', '--entity', ENTITY, '--status', 'VALID',
      '--limit', '1000'));
    notices = valid
      .filter((p) => p.paymentOption.length === 1 && !p.paymentOption[0].isPartialPayment)
      .map((p) => ({
        iupd: p.iupd,
        nav: p.paymentOption[0].nav,
        amount: p.paymentOption[0].amount,
        companyName: p.companyName,
        description: p.paymentOption[0].description.slice(0, 140),
      }));
    assert.ok(notices.length >= 3,
      `need 3 VALID single-option demo positions of ${ENTITY}, found ${notices.length}`);

    const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
    axeSource = await readFile(axePath, 'utf8');
    // playwright gives each launch a new, empty --user-data-dir and removes it on close.
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      timeout: START_TIMEOUT_MS,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ locale: 'it-IT', viewport: { width: 1000, height: 900 } });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  } catch (e) {
    failures += 1;
    throw e;
  }
}, { timeout: 3 * START_TIMEOUT_MS + 2 * CLI_TIMEOUT_MS });

// Resolves when `promise` settles or after `ms`, whichever is first; never rejects.
async function settleWithin(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(resolve, ms); });
  await Promise.race([promise.catch(() => {}), timeout]);
  clearTimeout(timer);
}

after(async () => {
  if (browser) await settleWithin(browser.close(), STOP_TIMEOUT_MS);
  await Promise.all(servers.map((s) => s.stop()));
  if (!workDir) return;
  if (failures > 0 || process.env.INCASSO_E2E_KEEP === '1') {
    console.error(`e2e: kept ${workDir} (serve.log, node-sim.log, the screenshot if taken)`);
    if (failures > 0) for (const s of servers) console.error(`--- ${s.name} ---\n${s.tail()}`);
  } else {
    await rm(workDir, { recursive: true, force: true });
  }
}, { timeout: 3 * STOP_TIMEOUT_MS });

// Creates a v2 cart; returns the raw response (redirects not followed).
function postCart(body) {
  return fetch(`${checkoutBase}/checkout/ec/v2/carts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    redirect: 'manual',
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
}

// The portal's return URLs: incasso's own home page, told apart by the query.
const returnUrl = (esito) => `${incassoBase}/?esito=${esito}`;

function cart(items, idCart) {
  return {
    paymentNotices: items.map((n) => ({
      noticeNumber: n.nav,
      fiscalCode: ENTITY,
      amount: n.amount,
      companyName: n.companyName,
      description: n.description,
    })),
    returnUrls: {
      returnOkUrl: returnUrl('ok'),
      returnCancelUrl: returnUrl('annullato'),
      returnErrorUrl: returnUrl('errore'),
      returnWaitingUrl: returnUrl('attesa'),
    },
    idCart,
  };
}

// POSTs the cart, expects Checkout's 302, opens the payment page it points to.
async function openPaymentPage(items, idCart) {
  const res = await postCart(cart(items, idCart));
  assert.equal(res.status, 302, `POST /checkout/ec/v2/carts: ${res.status} ${await res.text()}`);
  const location = res.headers.get('location');
  const prefix = `${checkoutBase}/checkout/carts/`;
  assert.ok(location?.startsWith(prefix) && location.length > prefix.length,
    `Location ${location} is a payment page`);
  const page = await context.newPage();
  const opened = await page.goto(location);
  assert.equal(opened.status(), 200, `GET ${location}`);
  return page;
}

// Clicks the button and waits for the browser to land on `url` (Checkout answers the form with a
// 303 there); returns the status of that last page.
async function clickAndLand(page, button, url) {
  const [landed] = await Promise.all([
    page.waitForResponse((r) => r.url() === url && r.request().method() === 'GET'),
    page.waitForURL(url),
    button.click(),
  ]);
  return landed.status();
}

async function expectNoSeriousA11yViolations(page) {
  // Evaluated through the DevTools protocol: the page's CSP (default-src 'self') does not apply.
  await page.evaluate(axeSource);
  const results =
    await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' '))})`);
  assert.deepEqual(serious, [], 'axe-core: serious or critical violations on the payment page');
}

e2e('Paga: the page lists both notices, is accessible, and paying makes both PAID', async () => {
  const items = notices.slice(0, 2);
  const page = await openPaymentPage(items, 'e2e-paga');

  assert.equal(await page.getAttribute('html', 'lang'), 'it');
  const list = page.locator('ul.notices > li');
  assert.equal(await list.count(), 2);
  for (const n of items) {
    const item = list.filter({ hasText: n.nav });
    assert.equal(await item.count(), 1, `one entry for notice ${n.nav}`);
    const text = plain(await item.innerText());
    assert.ok(text.includes(euro(n.amount)), `notice ${n.nav}: "${euro(n.amount)}" in "${text}"`);
    assert.ok(text.includes(n.companyName), `notice ${n.nav}: "${n.companyName}" in "${text}"`);
  }
  const total = euro(items[0].amount + items[1].amount);
  assert.ok(plain(await page.locator('main').innerText()).includes(`Totale da pagare: ${total}`),
    `total ${total} shown`);

  const screenshot = path.join(workDir, 'checkout-page.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  const copy = process.env.INCASSO_E2E_SCREENSHOT;
  if (copy) {
    await mkdir(path.dirname(path.resolve(copy)), { recursive: true });
    await copyFile(screenshot, copy);
  }

  await expectNoSeriousA11yViolations(page);

  const pay = page.getByRole('button', { name: `Paga ${total}` });
  assert.equal(await clickAndLand(page, pay, returnUrl('ok')), 200);
  assert.equal(page.url(), returnUrl('ok'));
  await page.close();

  for (const n of items) {
    // The receipt is committed before the station answers paSendRTV2, so before the redirect.
    assert.equal(await positionStatus(n.iupd), 'PAID', `position ${n.iupd} (notice ${n.nav})`);
    const rts = await waitForEvent(n.nav, 'paSendRTV2');
    assert.ok(rts.some((e) => e.outcome === 'OK'),
      `a paSendRTV2 with outcome OK logged for notice ${n.nav}: ${JSON.stringify(rts)}`);
  }
});

e2e('Annulla: back to the portal\'s cancel page, the position stays VALID', async () => {
  const n = notices[2];
  const page = await openPaymentPage([n], 'e2e-annulla');
  const cancel = page.getByRole('button', { name: 'Annulla', exact: true });
  assert.equal(await clickAndLand(page, cancel, returnUrl('annullato')), 200);
  await page.close();

  assert.equal(await positionStatus(n.iupd), 'VALID', `position ${n.iupd} (notice ${n.nav})`);
  const rts = jsonLines(await cli('events', '--notice', n.nav, '--operation', 'paSendRTV2'));
  assert.deepEqual(rts, [], `no receipt for the cancelled notice ${n.nav}`);
});

e2e('a cart with a bad notice number gets a 400 naming the field', async () => {
  const good = notices[2];
  const body = cart([good, { ...good, nav: '30100000000000075' }], 'e2e-bad'); // 17 digits
  const res = await postCart(body);
  assert.equal(res.status, 400);
  assert.equal(res.headers.get('location'), null);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const problem = await res.json();
  assert.equal(problem.status, 400);
  assert.match(problem.detail, /^paymentNotices\[1\]\.noticeNumber\b/, `detail: ${problem.detail}`);
});
