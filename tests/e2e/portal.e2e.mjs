// Browser end-to-end test of the citizen portal (issue 6): `incasso serve --demo` serves the portal
// and the station, and starts the node simulator (pagoPA Checkout) on the next port; Debian's
// Chromium, driven by playwright-core, is the citizen. Every page is checked with axe-core at 375 px
// and 1280 px and photographed at both widths.
//
// Run (after `cmake --preset release && cmake --build --preset release --target incasso`):
//   cd tests/e2e && npm ci && node --test portal.e2e.mjs
// Environment:
//   INCASSO_BIN               incasso binary (default: build/release/src/bin/incasso of this tree)
//   CHROMIUM_PATH             Chromium (default: /usr/bin/chromium)
//   INCASSO_E2E_ARTIFACTS     directory for the screenshots (default: <temp dir>/screenshots)
//   INCASSO_E2E_DOCS          also copy the main screenshots there (e.g. docs/portal)
//   INCASSO_E2E_KEEP=1        keep the temp dir (always kept when a test failed)
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import {
  ENTITY, cli, createWorkDir, e2eAfter, e2eBefore, e2e as e2eTest, euro, jsonLines,
  launchBrowser, plain, positionStatus, seriousA11yViolations, setChildEnv, startServer,
  waitHealthy,
} from './harness.mjs';

const ENTITY_SLUG = 'comune-valdimonte';
const LOOKUP_BURST = 60;
const TEST_TIMEOUT_MS = 90_000; // axe at two widths on every page takes a while

// A look-up budget the whole file stays within, and that the last test then exhausts.
setChildEnv({
  INCASSO_PORTAL_LOOKUP_BURST: String(LOOKUP_BURST),
  INCASSO_PORTAL_LOOKUP_PER_MINUTE: '1',
});

let base; // http://127.0.0.1:PORT
let browser;
let context;
let artifacts;
let valid; // VALID single-option notices of ENTITY
const byStatus = {}; // status -> [nav]
const pagesChecked = [];

const e2e = (name, fn) => e2eTest(name, TEST_TIMEOUT_MS, fn);

e2eBefore(async () => {
  const workDir = await createWorkDir('incasso-portal-e2e-');
  artifacts = path.resolve(process.env.INCASSO_E2E_ARTIFACTS || path.join(workDir, 'screenshots'));
  await mkdir(artifacts, { recursive: true });
  const station = startServer('incasso serve --demo', ['serve', '--demo'], 'serve.log');
  base = (await station.waitForOutput(/^incasso \S+ is listening on (http:\/\/[^/\s]+)\//m))[1];
  await station.waitForOutput(/^node simulator .* on (http:\/\/[^/\s]+)\//m);
  await waitHealthy('incasso', base);

  const all = jsonLines(await cli('position', 'list', '--entity', ENTITY, '--limit', '1000'));
  for (const p of all) {
    (byStatus[p.status] ??= []).push(p.paymentOption[0].nav);
  }
  valid = all.filter((p) => p.status === 'VALID' && p.paymentOption.length === 1 &&
    !p.paymentOption[0].isPartialPayment).map((p) => ({
    iupd: p.iupd, nav: p.paymentOption[0].nav, amount: p.paymentOption[0].amount,
    debtor: p.fiscalCode,
  }));
  assert.ok(valid.length >= 4, `need 4 VALID single-option notices, found ${valid.length}`);
  for (const s of ['PAID', 'EXPIRED', 'INVALID']) {
    assert.ok(byStatus[s]?.length > 0, `a demo notice in state ${s}`);
  }

  ({ browser, context } = await launchBrowser({ width: 1280, height: 900 }));
});

e2eAfter({
  // The main screenshots into INCASSO_E2E_DOCS (e.g. docs/portal), when every test passed.
  async whenPassed() {
    const docs = process.env.INCASSO_E2E_DOCS;
    if (!docs) return;
    await mkdir(docs, { recursive: true });
    for (const name of ['home', 'entity', 'notice', 'cart', 'outcome-ok', 'service', 'notice-paid']) {
      for (const w of [375, 1280]) {
        await copyFile(path.join(artifacts, `${name}-${w}.png`), path.join(docs, `${name}-${w}.png`))
          .catch(() => {});
      }
    }
  },
});

// axe-core at phone and desktop width (no serious or critical violation), and a screenshot of each.
async function checkPage(page, name) {
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: width === 375 ? 740 : 900 });
    assert.deepEqual(await seriousA11yViolations(page), [], `axe-core on ${name} at ${width} px`);
    await page.screenshot({ path: path.join(artifacts, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  pagesChecked.push(name);
}

const mainText = async (page) => plain(await page.locator('main').innerText());

async function lookUp(page, nav, cf = ENTITY, { byDebtor = false } = {}) {
  await page.goto(`${base}/paga`);
  await page.getByLabel('Codice avviso').fill(nav);
  // Bootstrap Italia draws the radio on its label: a citizen clicks the label.
  if (byDebtor) await page.getByText('del debitore (chi deve pagare)').click();
  await page.getByLabel("Codice fiscale dell'ente creditore").fill(cf);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${base}/paga` && r.request().method() === 'POST'),
    page.getByRole('button', { name: "Cerca l'avviso" }).click(),
  ]);
  await page.waitForLoadState();
  lastLookUp = response;
  return response.status();
}
let lastLookUp;

e2e('home -> institution -> pay a notice -> Checkout -> outcome with the receipt', async () => {
  const page = await context.newPage();
  const res = await page.goto(`${base}/`);
  assert.equal(res.status(), 200);
  assert.equal(await page.getAttribute('html', 'lang'), 'it');
  const csp = res.headers()['content-security-policy'];
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  await checkPage(page, 'home');

  // Search by municipality, server-side, without JavaScript.
  await page.getByLabel("Nome dell'ente o comune").fill('monteverde');
  await Promise.all([page.waitForURL(/\?q=monteverde/),
    page.getByRole('button', { name: 'Cerca', exact: true }).click()]);
  const results = page.locator('ul.entity-list > li');
  assert.equal(await results.count(), 1);
  assert.match(await results.innerText(), /Università degli Studi di Monteverde/);
  await checkPage(page, 'search');

  await page.goto(`${base}/`);
  await page.getByRole('link', { name: 'Comune di Valdimonte' }).click();
  await page.waitForURL(`${base}/enti/${ENTITY_SLUG}`);
  assert.match(await mainText(page), /Servizio mensa scolastica/);
  assert.match(await mainText(page), /tributi@comune\.valdimonte\.example/);
  // The institution's box is prefilled with its fiscal code.
  assert.equal(await page.getByLabel("Codice fiscale dell'ente creditore").inputValue(), ENTITY);
  await checkPage(page, 'entity');

  const n = valid[0];
  await page.getByLabel('Codice avviso').fill(n.nav);
  await page.getByRole('button', { name: "Cerca l'avviso" }).click();
  await page.waitForURL(`${base}/paga`);
  const notice = await mainText(page);
  assert.match(notice, /Il tuo avviso/);
  assert.ok(notice.includes(euro(n.amount)), `${euro(n.amount)} in ${notice}`);
  assert.ok(notice.includes('Comune di Valdimonte'));
  assert.ok(!page.url().includes(n.nav), 'no notice number in the URL');
  await checkPage(page, 'notice');

  await page.getByRole('button', { name: 'Aggiungi al carrello' }).click();
  await page.waitForURL(`${base}/carrello`);
  assert.equal(await page.locator('ul.cart-items > li').count(), 1);
  await checkPage(page, 'cart');

  await page.getByRole('button', { name: 'Paga con pagoPA' }).click();
  await page.waitForURL(/\/checkout\/carts\//);
  assert.match(plain(await page.locator('main').innerText()), new RegExp(n.nav));
  await page.getByRole('button', { name: /^Paga/ }).click();
  await page.waitForURL(/\/pagamento\/esito\?/);
  assert.match(page.url(), /esito=ok/);
  const outcome = await mainText(page);
  assert.match(outcome, /Pagamento eseguito/);
  assert.match(outcome, new RegExp(n.nav));
  assert.match(outcome, /Ricevuta disponibile/);
  await checkPage(page, 'outcome-ok');
  assert.equal(await positionStatus(n.iupd), 'PAID');
  // The receipt downloads as a PDF, from a URL without the notice number or any fiscal code.
  const receiptLink = page.getByRole('link', { name: 'Scarica la ricevuta' });
  const href = await receiptLink.getAttribute('href');
  assert.match(href, /^\/documenti\/[0-9a-f]+\.[0-9a-f]+\.pdf$/);
  assert.ok(!href.includes(n.nav) && !href.includes(ENTITY), href);
  const [download] = await Promise.all([page.waitForEvent('download'), receiptLink.click()]);
  const pdf = await readFile(await download.path());
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  // A tampered token is refused.
  // (the MAC's first digit changed, whatever it was: never the same URL)
  const tampered = await page.request.get(
    `${base}${href.replace(/\.([0-9a-f])/, (_, d) => `.${d === '0' ? '1' : '0'}`)}`);
  assert.equal(tampered.status(), 404);
  // The paid notice left the cart.
  await page.goto(`${base}/carrello`);
  assert.match(await mainText(page), /Il carrello è vuoto/);
  await page.close();
});

e2e('a cart of 3 notices is paid at once', async () => {
  const page = await context.newPage();
  const three = valid.slice(1, 4);
  for (const n of three) {
    assert.equal(await lookUp(page, n.nav), 200);
    await page.getByRole('button', { name: 'Aggiungi al carrello' }).click();
    await page.waitForURL(`${base}/carrello`);
  }
  assert.equal(await page.locator('ul.cart-items > li').count(), 3);
  const total = three.reduce((s, n) => s + n.amount, 0);
  assert.ok((await mainText(page)).includes(euro(total)), `total ${euro(total)}`);
  await page.getByRole('button', { name: 'Paga con pagoPA' }).click();
  await page.waitForURL(/\/checkout\/carts\//);
  assert.equal(await page.locator('ul.notices > li').count(), 3);
  await page.getByRole('button', { name: /^Paga/ }).click();
  await page.waitForURL(/\/pagamento\/esito\?/);
  assert.equal(await page.locator('ul.outcome-items > li').count(), 3);
  for (const n of three) assert.equal(await positionStatus(n.iupd), 'PAID', n.iupd);
  await page.close();
});

e2e('cancelling on Checkout comes back to a clear page; nothing is paid', async () => {
  const page = await context.newPage();
  const n = valid[4] ?? null;
  if (n === null) return;
  assert.equal(await lookUp(page, n.nav), 200);
  await page.getByRole('button', { name: 'Aggiungi al carrello' }).click();
  await page.waitForURL(`${base}/carrello`);
  await page.getByRole('button', { name: 'Paga con pagoPA' }).click();
  await page.waitForURL(/\/checkout\/carts\//);
  await page.getByRole('button', { name: 'Annulla', exact: true }).click();
  await page.waitForURL(/\/pagamento\/esito\?/);
  assert.match(await mainText(page), /Pagamento annullato/);
  await checkPage(page, 'outcome-cancel');
  assert.equal(await positionStatus(n.iupd), 'VALID');
  await page.close();
});

e2e('a spontaneous payment: catalogue form -> notice -> checkout', async () => {
  const page = await context.newPage();
  await page.goto(`${base}/enti/${ENTITY_SLUG}`);
  await page.getByRole('link', { name: 'Canone occupazione suolo pubblico' }).click();
  await page.waitForURL(`${base}/enti/${ENTITY_SLUG}/servizi/OCCUPAZIONE`);
  await checkPage(page, 'service');

  // Invalid input: messages next to the fields, values kept.
  await page.locator('#f-cf_pagatore').fill('RSSMRA85T10A562X');
  await page.getByLabel('Importo in euro').fill('12,345');
  await page.getByRole('button', { name: "Crea l'avviso e paga dopo" }).click();
  await page.waitForLoadState();
  assert.equal(await page.locator('#f-cf_pagatore-error').innerText(), 'Codice fiscale non valido.');
  assert.match(await page.locator('#f-nome_pagatore-error').innerText(), /obbligatorio/);
  assert.match(await page.locator('#f-importo-error').innerText(), /Importo non valido/);
  assert.match(await page.locator('#f-x_causale-error').innerText(), /obbligatorio/);
  assert.equal(await page.getByLabel('Importo in euro').inputValue(), '12,345');
  await checkPage(page, 'service-errors');

  await page.locator('#f-cf_pagatore').fill('RSSMRA85T10A562S');
  await page.locator('#f-nome_pagatore').fill('Mario Rossi');
  await page.getByLabel('Importo in euro').fill('35,50');
  await page.locator('#f-x_causale').fill('Dehors bar, giugno');
  await page.getByRole('button', { name: "Crea l'avviso e paga dopo" }).click();
  await page.waitForLoadState();
  const created = await mainText(page);
  assert.match(created, /Avviso di pagamento creato/);
  assert.ok(created.includes('€ 35,50'), created);
  const nav = (await page.locator('.notice-number').innerText()).trim();
  assert.match(nav, /^3\d{17}$/);
  await checkPage(page, 'service-created');
  // The notice PDF, to pay later at any PSP.
  const noticeHref = await page.getByRole('link', { name: "Scarica l'avviso (PDF)" }).getAttribute('href');
  const noticePdf = await page.request.get(`${base}${noticeHref}`);
  assert.equal(noticePdf.status(), 200);
  assert.equal(noticePdf.headers()['content-type'], 'application/pdf');
  assert.equal((await noticePdf.body()).subarray(0, 5).toString(), '%PDF-');
  // The new notice is payable through the same look-up as any other.
  await page.getByRole('button', { name: 'Aggiungi al carrello' }).click();
  await page.waitForURL(`${base}/carrello`);
  await page.getByRole('button', { name: 'Paga con pagoPA' }).click();
  await page.waitForURL(/\/checkout\/carts\//);
  await page.getByRole('button', { name: /^Paga/ }).click();
  await page.waitForURL(/\/pagamento\/esito\?/);
  assert.match(await mainText(page), /Pagamento eseguito/);
  await page.close();
});

e2e('error cases: paid, expired, cancelled, unknown, malformed', async () => {
  const page = await context.newPage();
  const cases = [
    ['notice-paid', byStatus.PAID[0], 409, /Avviso già pagato/],
    ['notice-expired', byStatus.EXPIRED[0], 409, /Avviso scaduto/],
    ['notice-cancelled', byStatus.INVALID[0], 409, /Avviso annullato/],
    ['notice-unknown', '301999999999999999', 404, /Avviso non trovato/],
  ];
  for (const [name, nav, status, text] of cases) {
    assert.equal(await lookUp(page, nav), status, name);
    assert.match(await mainText(page), text, name);
    await checkPage(page, name);
  }
  // An institution that is not ours: unknown, not an error page.
  assert.equal(await lookUp(page, valid[5]?.nav ?? valid[0].nav, '80012345676'), 404);
  // Malformed input: the message sits next to the field, the value stays.
  assert.equal(await lookUp(page, '12345'), 400);
  assert.equal(await page.locator('#avviso-error').innerText(), 'Il codice avviso è di 18 cifre.');
  assert.equal(await page.locator('#avviso').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#avviso').inputValue(), '12345');
  await checkPage(page, 'notice-malformed');
  assert.equal(await lookUp(page, valid[0].nav, '00123456789'), 400);
  assert.match(await page.locator('#cf-error').innerText(), /11 cifre/);
  await page.close();
});

e2e('deep link /paga?avviso=&cf= prefills the form', async () => {
  const page = await context.newPage();
  await page.goto(`${base}/paga?avviso=${valid[0].nav}&cf=${ENTITY}`);
  assert.equal(await page.locator('#avviso').inputValue(), valid[0].nav);
  assert.equal(await page.locator('#cf').inputValue(), ENTITY);
  await checkPage(page, 'pay-form');
  await page.close();
});

e2e("look-up by the debtor's fiscal code: the debtor's own notice, nobody else's", async () => {
  const page = await context.newPage();
  // The demo's VALID notices are paid by the earlier tests: a new one, for Laura Bianchi.
  await page.goto(`${base}/enti/${ENTITY_SLUG}/servizi/CIE`);
  await page.locator('#f-cf_pagatore').fill('BNCLRA90A41G942V');
  await page.locator('#f-nome_pagatore').fill('Laura Bianchi');
  await page.locator('#f-x_causale').fill('Rinnovo carta');
  await page.getByRole('button', { name: "Crea l'avviso e paga dopo" }).click();
  await page.waitForLoadState();
  const n = { nav: (await page.locator('.notice-number').innerText()).trim(), amount: 2220,
    debtor: 'BNCLRA90A41G942V' };
  assert.match(n.nav, /^3\d{17}$/);
  // Typed in lower case, with spaces, as people do.
  const typed = `${n.debtor.slice(0, 6).toLowerCase()} ${n.debtor.slice(6)}`;
  assert.equal(await lookUp(page, n.nav, typed, { byDebtor: true }), 200, n.nav);
  const found = await mainText(page);
  assert.match(found, /Il tuo avviso/);
  assert.ok(found.includes(euro(n.amount)), found);
  assert.ok(found.includes('Comune di Valdimonte'));
  assert.ok(!page.url().includes(n.debtor), 'no fiscal code in the URL');
  await checkPage(page, 'notice-by-debtor');
  // Someone else's fiscal code: exactly the answer of a notice that does not exist.
  const other = n.debtor === 'RSSMRA85T10A562S' ? 'BNCLRA90A41G942V' : 'RSSMRA85T10A562S';
  assert.equal(await lookUp(page, n.nav, other, { byDebtor: true }), 404);
  const refused = await mainText(page);
  assert.equal(await lookUp(page, '301999999999999999', other, { byDebtor: true }), 404);
  assert.equal(await mainText(page), refused);
  assert.match(refused, /Avviso non trovato/);
  assert.ok(!refused.includes('Valdimonte') && !refused.includes(euro(n.amount)));
  // A malformed debtor code: the message next to the field, the choice kept.
  assert.equal(await lookUp(page, n.nav, 'RSSMRA85', { byDebtor: true }), 400);
  assert.match(await page.locator('#cf-error').innerText(), /16 caratteri/);
  assert.ok(await page.locator('#cf_tipo-debitore').isChecked());
  await page.close();
});

e2e('quantity x tariff and a choice of amounts: school meals and school transport', async () => {
  const page = await context.newPage();
  await page.goto(`${base}/enti/${ENTITY_SLUG}/servizi/MENSA`);
  await checkPage(page, 'service-quantity');
  await page.locator('#f-cf_pagatore').fill('RSSMRA85T10A562S');
  await page.locator('#f-nome_pagatore').fill('Mario Rossi');
  await page.locator('#f-x_causale').fill('Pasti di ottobre');
  await page.getByLabel('Numero di pasti').fill('61');
  await page.getByRole('button', { name: "Crea l'avviso e paga dopo" }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('#f-quantita-error').innerText(), /tra 1 e 60/);
  await page.getByLabel('Numero di pasti').fill('20');
  await page.getByRole('button', { name: "Crea l'avviso e paga dopo" }).click();
  await page.waitForLoadState();
  const meals = await mainText(page);
  assert.match(meals, /Avviso di pagamento creato/);
  assert.ok(meals.includes('€ 90,00'), meals); // 20 x € 4,50

  await page.goto(`${base}/enti/${ENTITY_SLUG}/servizi/TRASPORTO`);
  await page.locator('#f-cf_pagatore').fill('RSSMRA85T10A562S');
  await page.locator('#f-nome_pagatore').fill('Mario Rossi');
  await page.locator('#f-x_causale').fill('Anno scolastico 2026/27');
  await page.locator('#f-importo').selectOption({ label: 'Secondo figlio - € 80,00' });
  await checkPage(page, 'service-options');
  await page.getByRole('button', { name: "Crea l'avviso e paga dopo" }).click();
  await page.waitForLoadState();
  const transport = await mainText(page);
  assert.match(transport, /Avviso di pagamento creato/);
  assert.ok(transport.includes('€ 80,00'), transport);
  await page.close();
});

e2e('language: English from the browser, switchable with a link, lang attribute set', async () => {
  const en = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  const page = await en.newPage();
  await page.goto(`${base}/enti/${ENTITY_SLUG}`);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await mainText(page), /Services you can pay online/);
  await checkPage(page, 'entity-en');
  await page.getByRole('link', { name: 'Italiano' }).click();
  await page.waitForURL(`${base}/enti/${ENTITY_SLUG}`);
  assert.equal(await page.getAttribute('html', 'lang'), 'it');
  assert.match(await mainText(page), /Servizi che puoi pagare online/);
  await page.goto(`${base}/`);
  assert.equal(await page.getAttribute('html', 'lang'), 'it', 'the choice sticks (cookie)');
  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForURL(`${base}/`);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await en.close();
});

e2e('CSRF: a form sent without the token, or from another site, is refused', async () => {
  const noToken = await fetch(`${base}/paga`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `avviso=${valid[0].nav}&cf=${ENTITY}`,
    redirect: 'manual',
  });
  assert.equal(noToken.status, 403);
  // With the cookie but a forged token.
  const home = await fetch(`${base}/`);
  const cookie = home.headers.get('set-cookie').split(';')[0];
  const forged = await fetch(`${base}/carrello/paga`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
    body: 'csrf=0000000000000000000000000000000000000000',
    redirect: 'manual',
  });
  assert.equal(forged.status, 403);
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.evaluate(() => { document.querySelector('input[name=csrf]').value = 'forged'; });
  await page.getByLabel('Codice avviso').fill(valid[0].nav);
  await page.getByLabel("Codice fiscale dell'ente creditore").fill(ENTITY);
  await page.getByRole('button', { name: "Cerca l'avviso" }).click();
  await page.waitForLoadState();
  assert.match(await mainText(page), /Pagina scaduta/);
  await checkPage(page, 'csrf');
  await page.close();
});

e2e('look-ups are rate limited per client: 429 with Retry-After', async () => {
  const page = await context.newPage();
  let status = 0;
  for (let i = 0; i < LOOKUP_BURST + 1 && status !== 429; i += 1) {
    status = await lookUp(page, `3010000000000${String(10000 + i)}`);
  }
  assert.equal(status, 429);
  const retryAfter = Number(await lastLookUp.headerValue('retry-after'));
  assert.ok(retryAfter >= 1, `Retry-After: ${retryAfter}`);
  assert.match(await mainText(page), /Troppe ricerche/);
  await checkPage(page, 'rate-limited');
  const res = await page.request.post(`${base}/paga`, { form: { avviso: valid[0].nav, cf: ENTITY } });
  assert.ok([403, 429].includes(res.status()));
  await page.close();
});
