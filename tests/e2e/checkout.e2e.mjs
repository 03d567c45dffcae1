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
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

import {
  ENTITY, STEP_TIMEOUT_MS, cli, createWorkDir, e2eAfter, e2eBefore, e2e as e2eTest, euro,
  jsonLines, launchBrowser, plain, positionStatus, seriousA11yViolations, startServer,
  waitForEvent, waitHealthy,
} from './harness.mjs';

const TEST_TIMEOUT_MS = 30_000; // one test, all steps included

let workDir;
let incassoBase; // http://127.0.0.1:PORT
let checkoutBase;
let context;
let notices; // VALID single-option demo notices: { iupd, nav, amount, companyName, description }

const e2e = (name, fn) => e2eTest(name, TEST_TIMEOUT_MS, fn);

e2eBefore(async () => {
  workDir = await createWorkDir('incasso-e2e-');
  const station = startServer('incasso serve --demo', ['serve', '--demo'], 'serve.log');
  incassoBase =
    (await station.waitForOutput(/^incasso \S+ is listening on (http:\/\/[^/\s]+)\//m))[1];
  const stationUrl =
    (await station.waitForOutput(/^pagoPA station \S+ for broker \S+ at (http:\/\/\S+)$/m))[1];
  await waitHealthy('incasso', incassoBase);

  const checkout = startServer('incasso node-sim serve',
    ['node-sim', 'serve', '--station', stationUrl, '--host', '127.0.0.1', '--port', '0'],
    'node-sim.log');
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

  ({ context } = await launchBrowser({ width: 1000, height: 900 }));
});

e2eAfter({ keptNote: ' (serve.log, node-sim.log, the screenshot if taken)' });

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
  assert.deepEqual(await seriousA11yViolations(page), [],
    'axe-core: serious or critical violations on the payment page');
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
