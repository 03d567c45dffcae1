// Shared harness of the browser end-to-end tests (*.e2e.mjs; this file is not a test): incasso
// child processes in a fresh temp dir on ports the OS picks (their addresses come from the lines
// they print), the incasso CLI against the same database, Debian's Chromium through
// playwright-core, and axe-core. Each test file runs in its own process, so the state here (temp
// dir, children, browser, failure count) is that file's.
//
// Environment:
//   INCASSO_BIN     incasso binary (default: build/release/src/bin/incasso of this tree)
//   CHROMIUM_PATH   Chromium (default: /usr/bin/chromium, Debian's package)
//   INCASSO_E2E_KEEP=1  keep the temp dir (it is always kept, and named, when a test failed)
//
// Bounded: each step has its own timeout and each test one overall, so a hung server or browser
// fails the run instead of stalling it; children are killed in after(), and on exit or a signal.
import { spawn, execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const INCASSO_BIN = path.resolve(process.env.INCASSO_BIN ||
  path.join(here, '..', '..', 'build', 'release', 'src', 'bin', 'incasso'));
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const ENTITY = '00123456782'; // Comune di Valdimonte, a demo institution

// Each run takes a few seconds; these only bound a hang. scripts/test.sh caps the whole run too.
export const START_TIMEOUT_MS = 15_000; // a server printing its address, Chromium starting
export const CLI_TIMEOUT_MS = 10_000; // one CLI command
export const STEP_TIMEOUT_MS = 10_000; // one browser navigation or action
export const STOP_TIMEOUT_MS = 5_000; // SIGTERM to SIGKILL, closing the browser

const execFileAsync = promisify(execFile);

let workDir;
let browser;
let failures = 0;
const extraEnv = {};
// Every child, so that an exit or a signal never leaves one behind.
const servers = [];
process.once('exit', () => {
  for (const s of servers) if (s.alive()) s.proc.kill('SIGKILL');
});
for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
  process.once(signal, () => process.exit(128 + number)); // the exit handler kills the children
}

// Variables this file's children get on top of childEnv()'s (set them before starting any).
export function setChildEnv(vars) {
  Object.assign(extraEnv, vars);
}

// The children's environment: built-in defaults plus what the test sets, so that an INCASSO_*
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
  return Object.assign(env, extraEnv);
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

// A new temp dir named `prefix`XXXXXX: the children's cwd (the demo database is var/incasso.db).
export async function createWorkDir(prefix) {
  workDir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return workDir;
}

// Starts `incasso args...` in the temp dir, logging to `logName` there.
export function startServer(name, args, logName) {
  const s = new Server(name, args, { cwd: workDir, logPath: path.join(workDir, logName) });
  servers.push(s);
  return s;
}

// Polls GET base/healthz until it answers 200 (the server printed its address once listening, so
// the first try normally succeeds).
export async function waitHealthy(name, base, timeoutMs = START_TIMEOUT_MS) {
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
export async function cli(...args) {
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

export const jsonLines = (text) =>
  text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));

export async function positionStatus(iupd) {
  return JSON.parse(await cli('position', 'show', '--entity', ENTITY, iupd)).status;
}

// The event log is written in the background (app/event_recorder.hpp: batches within 50 ms), so
// an entry for a call already answered may land a moment later: poll, bounded.
export async function waitForEvent(notice, operation, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = jsonLines(await cli('events', '--notice', notice, '--operation', operation));
    if (events.length > 0 || Date.now() >= deadline) return events;
    await delay(100);
  }
}

// "€ 1.234,56": the Italian format of the portal and the Checkout page (thousands '.', decimals ',').
export function euro(cents) {
  const units = Math.trunc(cents / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `€ ${units},${String(cents % 100).padStart(2, '0')}`;
}

// Text as a reader sees it: no-break spaces and runs of white space as one space.
export const plain = (s) => s.replace(/[\s\u00a0\u202f]+/g, ' ').trim();

// A test counted for after(): a failed one keeps the temp dir.
export function e2e(name, timeoutMs, fn) {
  test(name, { timeout: timeoutMs }, async (t) => {
    try {
      await fn(t);
    } catch (e) {
      failures += 1;
      throw e;
    }
  });
}

// before(), its failure counted like a test's.
export function e2eBefore(fn) {
  before(async () => {
    try {
      await fn();
    } catch (e) {
      failures += 1;
      throw e;
    }
  }, { timeout: 3 * START_TIMEOUT_MS + 2 * CLI_TIMEOUT_MS });
}

// Chromium, closed in after(), and a context of it (Italian locale, `viewport`, step timeouts):
// { browser, context }. playwright gives each launch a new, empty --user-data-dir and removes it
// on close.
export async function launchBrowser(viewport) {
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: START_TIMEOUT_MS,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ locale: 'it-IT', viewport });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  return { browser, context };
}

let axeSource;
// axe-core's serious and critical violations on the page, one line each ([] when none).
export async function seriousA11yViolations(page) {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
    'utf8');
  await page.evaluate(axeSource); // through the DevTools protocol: the page's CSP does not apply
  const results =
    await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' '))})`);
}

// Resolves when `promise` settles or after `ms`, whichever is first; never rejects.
async function settleWithin(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(resolve, ms); });
  await Promise.race([promise.catch(() => {}), timeout]);
  clearTimeout(timer);
}

// after(): closes the browser, stops the children, runs `whenPassed` if no test failed, then
// removes the temp dir, or keeps it (printing `keptNote` and the children's output on failure).
export function e2eAfter({ keptNote = '', whenPassed } = {}) {
  after(async () => {
    if (browser) await settleWithin(browser.close(), STOP_TIMEOUT_MS);
    await Promise.all(servers.map((s) => s.stop()));
    if (whenPassed && failures === 0) await whenPassed();
    if (!workDir) return;
    if (failures > 0 || process.env.INCASSO_E2E_KEEP === '1') {
      console.error(`e2e: kept ${workDir}${keptNote}`);
      if (failures > 0) for (const s of servers) console.error(`--- ${s.name} ---\n${s.tail()}`);
    } else {
      await rm(workDir, { recursive: true, force: true });
    }
  }, { timeout: 3 * STOP_TIMEOUT_MS });
}
