// The script-tag journey on the demo host page, as a customer's visitor meets it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { holdRequests, launchBrowser, launcher, startServer, until } from './support.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A page whose visitor the server knows by a unique e-mail (the server matches visitors by e-mail). */
async function newPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  return page;
}

test('the launcher is drawn before the wasm is fetched, and handed over to the widget', async () => {
  const page = await newPage();
  const wasm = await holdRequests(page, '/widget_bg.wasm');
  await page.goto(server.url + '/');
  const button = launcher(page);
  await button.waitFor({ state: 'visible' });
  assert.equal(await button.getAttribute('aria-label'), 'Open chat');
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  const box = await button.boundingBox();
  assert.deepEqual([box.width, box.height], [56, 56]);
  // The loader drew it: the wasm is not there yet.
  assert.equal(wasm.answered(), false);
  assert.equal(await page.evaluate(() => window.Livechat.get().isLoaded()), false);

  await wasm.requested; // loaded when the page is idle
  wasm.release();
  await page.waitForFunction(() => window.Livechat.get().isLoaded());
  // One launcher, the widget's own, in the same place.
  assert.equal(await button.count(), 1);
  assert.deepEqual(await button.boundingBox(), box);
  assert.equal(await button.getAttribute('aria-label'), 'Open chat');
  await page.context().close();
});

test('a click before the widget has loaded opens the window with a focusable composer', async () => {
  const page = await newPage();
  const email = `e2e.${Date.now()}.${Math.random().toString(36).slice(2)}@example.com`;
  // The site knows the visitor: the pre-chat form is skipped.
  await page.addInitScript((email) => {
    window.RocketChat = function (c) { window.RocketChat._.push(c); };
    window.RocketChat._ = [];
    window.RocketChat(function () {
      this.setGuestName('Ada');
      this.setGuestEmail(email);
    });
  }, email);
  const wasm = await holdRequests(page, '/widget_bg.wasm');
  await page.goto(server.url + '/');
  await launcher(page).click();
  assert.equal(wasm.answered(), false, 'clicked before the widget was there');
  wasm.release();
  const composer = page.locator('[data-livechat] .lc-window textarea');
  await composer.waitFor({ state: 'visible' });
  await composer.focus();
  assert.equal(await page.evaluate(() => window.Livechat.get().isOpen()), true);
  assert.equal(
    await page.evaluate(() => document.querySelector('[data-livechat]').shadowRoot.activeElement?.tagName),
    'TEXTAREA',
  );
  assert.equal(await launcher(page).getAttribute('aria-expanded'), 'true');
  await page.context().close();
});

test('calls queued with RocketChat(function () {…}) before the load are applied in order', async () => {
  const page = await newPage();
  await page.addInitScript(() => {
    window.calls = [];
    window.RocketChat = function (c) { window.RocketChat._.push(c); };
    window.RocketChat._ = [];
    window.RocketChat(function () {
      var api = this;
      api.setLanguage('de');
      api.setLanguage('fr'); // the later call wins
      api.onChatMaximized(function () { window.calls.push('maximized:' + api.isOpen()); });
      api.onWidgetHidden(function () { window.calls.push('hidden'); });
      api.onWidgetShown(function () { window.calls.push('shown'); });
      api.hideWidget();
      api.showWidget();
      api.maximizeWidget(); // after the callback: it must hear it
    });
  });
  await page.goto(server.url + '/');
  await page.waitForFunction(() => window.calls.length === 3);
  assert.deepEqual(await page.evaluate(() => window.calls), ['hidden', 'shown', 'maximized:true']);
  // The widget speaks French: the launcher (now a close button) says so.
  assert.equal(await launcher(page).getAttribute('aria-label'), 'Fermer le chat');
  // Later calls run at once, with `this` the same API.
  const same = await page.evaluate(() => {
    let self;
    window.RocketChat(function () { self = this; });
    return self === window.RocketChat.livechat && self === window.Livechat.get();
  });
  assert.equal(same, true);
  await page.context().close();
});

test('route changes of a single-page site are reported as page visits', async () => {
  const page = await newPage();
  const visits = [];
  let answered = 0;
  page.on('request', (r) => {
    if (r.url().endsWith('/api/v1/livechat/page.visited')) visits.push(JSON.parse(r.postData()).pageInfo);
  });
  page.on('response', (r) => {
    if (r.url().endsWith('/api/v1/livechat/page.visited')) answered += 1;
  });
  await page.goto(server.url + '/');
  await page.waitForFunction(() => window.Livechat.get().isLoaded());
  await page.getByRole('link', { name: 'Tents' }).click();
  await page.getByRole('link', { name: 'Boots' }).click();
  await page.goBack();
  // Counted, not awaited one by one: the answers may all be in before this line runs.
  // (On a timeout the comparison below says which visits came.)
  await until(async () => answered >= 4, 'four page visits answered', 10_000).catch(() => {});
  assert.deepEqual(
    visits.map((v) => [new URL(v.location.href).pathname, v.change]),
    [['/', 'url'], ['/tents', 'url'], ['/boots', 'url'], ['/tents', 'url']],
  );
  assert.equal(visits[1].title, 'Tents — Acme Outdoor', 'reported after the site set its title');
  await page.context().close();
});
