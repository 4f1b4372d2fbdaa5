// The script-tag journey on the demo host page, as a customer's visitor meets it.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { ROOT, holdRequests, launchBrowser, launcher, startServer, until } from './support.mjs';

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

/** A fresh page; `options` for its browser context (`locale` sets the browser's languages). */
async function newPage(options = {}) {
  const context = await browser.newContext(options);
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

/**
 * Every `aria-label` any launcher in a shadow root ever had, in `window.labels`: to show that a
 * label never was English, not only that it is not now.
 */
function recordLauncherLabels() {
  window.labels = [];
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    const note = (el) => {
      if (el.matches && el.matches('.lc-launcher') && el.getAttribute('aria-label')) window.labels.push(el.getAttribute('aria-label'));
    };
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes') note(r.target);
        for (const n of r.addedNodes || []) {
          if (n.nodeType !== 1) continue;
          note(n);
          n.querySelectorAll('.lc-launcher').forEach(note);
        }
      }
    }).observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-label'] });
    return root;
  };
}

test("the visitor's language is fetched side by side with the wasm, and English never shows", async () => {
  const page = await newPage({ locale: 'de-DE' });
  await page.addInitScript(recordLauncherLabels);
  const wasm = await holdRequests(page, '/widget_bg.wasm');
  const texts = await holdRequests(page, '/i18n/de.json');
  await page.goto(server.url + '/');
  const button = launcher(page);
  await button.waitFor({ state: 'visible' });
  assert.equal(await button.getAttribute('aria-label'), 'Chat öffnen', 'the loader speaks German at once');
  // Both are asked for before either has come.
  await wasm.requested;
  await texts.requested;
  assert.equal(wasm.answered() || texts.answered(), false);
  wasm.release();
  texts.release();
  await page.waitForFunction(() => window.Livechat.get().isLoaded());
  await button.click();
  await page.locator('[data-livechat] .lc-window').waitFor();
  assert.equal(await button.getAttribute('aria-label'), 'Chat schließen');
  const labels = await page.evaluate(() => window.labels);
  assert.ok(labels.length >= 2, JSON.stringify(labels));
  assert.deepEqual(
    labels.filter((l) => !/^Chat (öffnen|schließen)/.test(l)),
    [],
    'every label the launcher had was German',
  );
  await page.context().close();
});

test('setLanguage fetches the language, then switches; a catalogue that cannot be had means English and a warning', async () => {
  const page = await newPage({ locale: 'fr-FR' });
  const warnings = [];
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
  });
  // French is not to be had.
  await page.route((url) => url.pathname.endsWith('/i18n/fr.json'), (route) => route.abort());
  await page.goto(server.url + '/');
  await page.waitForFunction(() => window.Livechat.get().isLoaded());
  assert.equal(await launcher(page).getAttribute('aria-label'), 'Open chat');
  await until(async () => warnings.some((w) => w.includes('fr texts could not be loaded')), 'the warning');

  await page.evaluate(() => window.Livechat.get().setLanguage('ar'));
  assert.equal(await launcher(page).getAttribute('aria-label'), 'فتح المحادثة');
  const root = page.locator('[data-livechat] .lc-widget');
  assert.equal(await root.getAttribute('dir'), 'rtl');
  assert.equal(await root.getAttribute('lang'), 'ar');
  await page.context().close();
});

test('a setLanguage made while the widget loads is applied after it starts, each language with its own texts', async () => {
  const page = await newPage({ locale: 'fr-FR' });
  const wasm = await holdRequests(page, '/widget_bg.wasm');
  await page.goto(server.url + '/');
  // Loading has begun in French (its catalogue is asked for with the wasm) when the site switches.
  await wasm.requested;
  await page.evaluate(() => {
    window.switched = window.Livechat.get().setLanguage('de');
  });
  wasm.release();
  await page.waitForFunction(() => window.Livechat.get().isLoaded());
  await page.evaluate(() => window.switched);
  const root = page.locator('[data-livechat] .lc-widget');
  await until(async () => (await root.getAttribute('lang')) === 'de', 'the widget in German');
  assert.equal(await launcher(page).getAttribute('aria-label'), 'Chat öffnen');
  await page.evaluate(() => window.Livechat.get().setLanguage('fr'));
  await until(async () => (await root.getAttribute('lang')) === 'fr', 'back to French');
  assert.equal(await launcher(page).getAttribute('aria-label'), 'Ouvrir le chat');
  await page.context().close();
});

test('a catalogue that never answers is given up: the widget starts, in English, with a warning', async () => {
  const page = await newPage({ locale: 'es-ES' });
  const warnings = [];
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
  });
  // Spanish is asked for and never answered (held until the page closes).
  await holdRequests(page, '/i18n/es.json');
  await page.goto(server.url + '/');
  await page.waitForFunction(() => window.Livechat.get().isLoaded(), null, { timeout: 30_000 });
  assert.ok(warnings.some((w) => w.includes('es texts could not be loaded')), JSON.stringify(warnings));
  const button = launcher(page);
  assert.equal(await button.getAttribute('aria-label'), 'Open chat');
  await button.click();
  await page.locator('[data-livechat] .lc-window').waitFor();
  assert.equal(await page.locator('[data-livechat] .lc-widget').getAttribute('lang'), 'en');
  await page.context().close();
});

/** The methods the TypeScript declarations promise on a handle (`Livechat` and what it extends). */
function declaredMethods() {
  const dts = readFileSync(join(ROOT, 'www/npm/index.d.ts'), 'utf8');
  const names = new Set();
  for (const name of ['RocketChatApi', 'TypedApi', 'Livechat']) {
    const body = dts.split(`export interface ${name} `)[1].split('\n}')[0];
    for (const m of body.matchAll(/^  (\w+)\??(<[^>]*>)?\(/gm)) names.add(m[1]);
  }
  return [...names].sort();
}

/** The methods a handle has, in the page. */
function methodsOf(handle) {
  return `Object.keys(${handle}).filter((k) => typeof ${handle}[k] === 'function').sort()`;
}

test("the script tag's handle has exactly the methods the TypeScript declarations promise", async () => {
  const page = await newPage();
  await page.goto(server.url + '/');
  const declared = declaredMethods();
  assert.ok(declared.length > 40, declared.join(' '));
  // Before the widget is up and after: the same API.
  assert.deepEqual(await page.evaluate(methodsOf('window.Livechat.get()')), declared);
  await page.waitForFunction(() => window.Livechat.get().isLoaded());
  assert.deepEqual(await page.evaluate(methodsOf('window.Livechat.get()')), declared);
  await page.context().close();
});

test('the npm package (native ES modules) gives the same API, in the visitor\'s language', async () => {
  const page = await newPage({ locale: 'es-MX' });
  // Any page of the server's origin: the package is served from /npm/.
  await page.goto(server.url + '/npm/package.json');
  const result = await page.evaluate(async (methods) => {
    const { boot } = await import('/npm/web.js');
    const host = document.body.appendChild(document.createElement('div'));
    const chat = (window.chat = boot(host, { server: location.origin, namespace: 'npm-test' }));
    const before = chat.isLoaded();
    let error;
    try {
      boot(host, { server: location.origin });
    } catch (e) {
      error = e.message;
    }
    await chat.ready();
    // Catalogues from an address the site gives (relative to the page).
    const other = document.body.appendChild(document.createElement('div'));
    await boot(other, { server: location.origin, namespace: 'npm-test-2', language: 'ar', i18n: '/npm/i18n/' }).ready();
    return {
      arabic: other.shadowRoot.querySelector('.lc-launcher').getAttribute('aria-label'),
      before,
      error,
      methods: eval(methods.replace(/window\.chat/g, 'chat')),
      label: host.shadowRoot.querySelector('.lc-launcher').getAttribute('aria-label'),
      mounted: host.shadowRoot.querySelectorAll('.lc-root').length,
    };
  }, methodsOf('window.chat'));
  assert.equal(result.before, false, 'the wasm and the Spanish texts are fetched first');
  assert.match(result.error, /already/);
  assert.deepEqual(result.methods, declaredMethods());
  assert.equal(result.label, 'Abrir chat');
  assert.equal(result.arabic, 'فتح المحادثة');
  assert.equal(result.mounted, 1);
  await until(async () => (await page.evaluate(() => window.chat.status())) === 'prechat', 'the pre-chat form');
  await page.context().close();
});
