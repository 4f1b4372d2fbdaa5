// The demo host page under a strict Content-Security-Policy (no 'unsafe-inline' anywhere): the
// widget is styled (its stylesheets are constructed, not <style> elements), and a visitor can
// register and chat, with not one violation reported.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { chatWindow, launchBrowser, launcher, startServer, until } from './support.mjs';

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

/** The policy the README asks of a site that serves the widget itself and talks to `server`. */
function policy(server) {
  const ws = server.url.replace(/^http/, 'ws');
  return (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
    `connect-src 'self' ${server.url} ${ws}`
  );
}

/** Colours as the browser computes them. */
function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}

/**
 * Holds the wasm back until the returned function is called: the widget replaces the loader's
 * launcher once it is up, and on an idle machine that can happen before a test has looked at it.
 */
async function holdWasm(page) {
  let release;
  const looked = new Promise((resolve) => (release = resolve));
  await page.route('**/widget_bg.wasm', async (route) => {
    await looked;
    await route.continue();
  });
  return release;
}

test('under a strict Content-Security-Policy the widget is styled and works, without a violation', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  // Every violation, from the first script on (shadow roots included: the event is composed).
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener(
      'securitypolicyviolation',
      (e) => window.__violations.push(`${e.violatedDirective}: ${e.blockedURI || 'inline'} ${e.sample || ''}`),
      true,
    );
  });
  let served = 0;
  await page.route(
    (u) => u.pathname === '/',
    async (route) => {
      const res = await route.fetch();
      served++;
      await route.fulfill({ response: res, headers: { ...res.headers(), 'content-security-policy': policy(server) } });
    },
  );
  const violations = async () => [...problems, ...(await page.evaluate(() => window.__violations))];
  const release = await holdWasm(page);

  await page.goto(server.url + '/');
  assert.equal(served, 1, 'the page came with the policy');
  // The policy is in force: an inline style on the page is refused and reported (the checks
  // themselves work). What the console says of it is not counted below.
  const seen = problems.length;
  const refused = await page.evaluate(async () => {
    const before = window.__violations.length;
    const probe = document.createElement('style');
    probe.textContent = 'body { outline: 1px solid red; }';
    document.head.append(probe);
    await new Promise((r) => setTimeout(r, 50));
    probe.remove();
    return window.__violations.splice(before).length;
  });
  assert.equal(refused, 1, 'an inline <style> is reported as a violation');
  await until(async () => problems.length > seen, 'the console to report the refused <style>', 5_000);
  problems.splice(seen);

  // The loader's launcher, before the widget: styled with the page's theme colour.
  const button = launcher(page);
  await button.waitFor({ state: 'visible' });
  const look = (locator, ...props) =>
    locator.evaluate((el, props) => props.map((p) => getComputedStyle(el).getPropertyValue(p)), props);
  assert.deepEqual(await look(button, 'background-color', 'position', 'border-radius'), [rgb('#c1272d'), 'fixed', '50%']);
  release();

  // The widget's own, once it has loaded: one constructed stylesheet (it replaced the loader's),
  // no <style> element.
  await page.waitForFunction(() => window.Livechat.get().isLoaded());
  const sheets = await page.evaluate(() => {
    const root = document.querySelector('[data-livechat]').shadowRoot;
    return [root.adoptedStyleSheets.length, root.querySelectorAll('style').length];
  });
  assert.deepEqual(sheets, [1, 0]);
  assert.deepEqual(await look(button, 'background-color', 'position'), [rgb('#c1272d'), 'fixed']);
  // A theme colour the site sets later goes through the CSSOM, which the policy allows.
  await page.evaluate(() => window.Livechat.get().setTheme({ color: '#0b5cad' }));
  assert.equal((await look(button, 'background-color'))[0], rgb('#0b5cad'));

  // The window, styled; a visitor registers and sends a message.
  await button.click();
  const win = chatWindow(page);
  await win.waitFor();
  assert.deepEqual(await look(win, 'position', 'display'), ['fixed', 'flex']);
  assert.equal((await look(win.locator('.lc-header'), 'background-color'))[0], rgb('#0b5cad'));
  await win.getByRole('heading', { name: 'Start a chat' }).waitFor();
  await win.getByLabel('Name').fill('Content Policy');
  await win.getByLabel('Email').fill(`csp.${Date.now()}@example.com`);
  await win.getByRole('button', { name: 'Start chat' }).click();
  const composer = win.getByRole('textbox', { name: 'Type your message…' });
  await composer.fill('Hello under a strict policy');
  await composer.press('Enter');
  await win.locator('.lc-mine .lc-bubble', { hasText: 'Hello under a strict policy' }).waitFor();
  // Sent and confirmed by the server (no "Sending…" left), an agent assigned (the live link works).
  await until(async () => (await win.locator('.lc-status').count()) === 0, 'the message to be confirmed');
  await win.getByRole('heading', { name: 'Alex Agent' }).waitFor();
  assert.equal((await look(win.locator('.lc-mine .lc-bubble'), 'background-color'))[0], rgb('#0b5cad'));

  // A formatted message: the second module and the emoji table load and draw it, styled by a
  // second constructed stylesheet.
  await composer.fill('*Formatted* under the policy :smile:');
  await composer.press('Enter');
  await win.locator('.lc-mine .lc-bubble strong', { hasText: 'Formatted' }).waitFor();
  await win.getByRole('img', { name: ':smile:' }).waitFor();
  const styled = await page.evaluate(() => {
    const root = document.querySelector('[data-livechat]').shadowRoot;
    return [root.adoptedStyleSheets.length, root.querySelectorAll('style').length];
  });
  assert.deepEqual(styled, [2, 0]);

  assert.deepEqual(await violations(), []);
  await context.close();
});

test('a browser without constructed stylesheets gets <style> elements instead', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  // As Safari before 16.4: `new CSSStyleSheet()` is an illegal constructor.
  await page.addInitScript(() => {
    window.CSSStyleSheet = function () {
      throw new TypeError('Illegal constructor');
    };
  });
  const release = await holdWasm(page);
  await page.goto(server.url + '/');
  const button = launcher(page);
  await button.waitFor({ state: 'visible' });
  const styles = () =>
    page.evaluate(() => {
      const root = document.querySelector('[data-livechat]').shadowRoot;
      return [root.adoptedStyleSheets.length, root.querySelectorAll('style').length];
    });
  assert.deepEqual(await styles(), [0, 1], "the loader's <style>");
  assert.equal(await button.evaluate((el) => getComputedStyle(el).position), 'fixed');
  release();
  await page.waitForFunction(() => window.Livechat.get().isLoaded());
  // Handed over: the widget's own <style> alone.
  await page.waitForFunction(() => !document.querySelector('[data-livechat]').shadowRoot.querySelector('[data-lc-loader]'));
  assert.deepEqual(await styles(), [0, 1], "the widget's <style>");
  assert.equal(await button.evaluate((el) => getComputedStyle(el).backgroundColor), rgb('#c1272d'));
  await button.click();
  assert.equal(await chatWindow(page).evaluate((el) => getComputedStyle(el).position), 'fixed');
  await context.close();
});
