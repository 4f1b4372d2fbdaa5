// The accessibility audit: axe-core (node_modules/axe-core, pinned in package.json) on every
// screen of the widget, in light and dark, at 390 px and in Arabic, and on the agent console's
// screens. WCAG 2.0–2.2 A and AA rules and best practices; any violation fails, printed as
// screen, rule, target and axe's summary. Alone:
//   node --test --test-concurrency=1 tests/e2e/a11y.test.mjs

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { ROOT, agentLogin, agentRoomWith, launchBrowser, startServer, until } from './support.mjs';

const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

let server;
let offline;
let browser;
/** Every screen audited, and what was found there. */
const screens = [];
const found = [];

before(async () => {
  [server, offline, browser] = await Promise.all([
    startServer({ args: ['--config', join(ROOT, 'tests/e2e/journeys.toml')] }),
    startServer({ args: ['--agents-offline'] }),
    launchBrowser(),
  ]);
});

after(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), offline?.stop()]);
  console.log(`accessibility: ${screens.length} screens checked, ${found.length} violations`);
});

/**
 * Runs axe on `page` (only inside `scope`, a selector, when given: the widget's host and its
 * shadow root) and records the screen and its violations; answers them, readably.
 */
async function audit(page, screen, scope) {
  // Let the screen settle (focus moves a frame after a change).
  await page.waitForTimeout(150);
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const violations = await page.evaluate(
    async ([scope, tags]) => {
      const context = scope ? { include: [scope] } : document;
      const result = await window.axe.run(context, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return {
        // Rules that passed on an element inside a shadow root (its target is a path).
        inShadow: result.passes.filter((r) => r.nodes.some((n) => Array.isArray(n.target[0]))).length,
        violations: result.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => ({ target: n.target.flat().join(' >>> '), summary: n.failureSummary })),
        })),
      };
    },
    [scope, TAGS],
  ).then(({ inShadow, violations }) => {
    // axe must have looked inside the widget's shadow root, not only at its host.
    if (scope) assert.ok(inShadow >= 3, `${screen}: axe checked ${inShadow} rules inside the shadow root`);
    return violations;
  });
  screens.push(screen);
  for (const v of violations) found.push({ screen, ...v });
  return violations.map(
    (v) =>
      `[${screen}] ${v.id} (${v.impact}): ${v.help}\n` +
      v.nodes.map((n) => `    at ${n.target}\n      ${n.summary.replace(/\n/g, '\n      ')}`).join('\n'),
  );
}

function assertClean(problems) {
  assert.equal(problems.length, 0, `${problems.length} accessibility violations:\n${problems.join('\n')}`);
}

/** A host page with one widget: the script tag with `data` attributes. */
async function hostPage({ url, data = {}, viewport, colorScheme = 'light' }) {
  const context = await browser.newContext({ viewport: viewport ?? { width: 1280, height: 800 }, reducedMotion: 'reduce', colorScheme });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  const attrs = Object.entries({ server: '/', load: 'interaction', ...data })
    .map(([k, v]) => ` data-${k}="${v}"`)
    .join('');
  await page.route(
    (u) => u.pathname === '/a11y-host.html',
    (route) =>
      route.fulfill({
        contentType: 'text/html',
        body:
          '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
          '<meta name="viewport" content="width=device-width, initial-scale=1"><title>A host page</title></head>' +
          // The site's own landmarks, as most pages have them.
          '<body><header><nav aria-label="Site"><a href="#top">Home</a></nav></header>' +
          '<main><h1>A host page</h1><p>Some of the site\'s own text.</p></main><footer>© Acme</footer>' +
          `<script src="/livechat.js"${attrs}></script></body></html>`,
      }),
  );
  await page.goto(`${url}/a11y-host.html`);
  return page;
}

const WIDGET = '[data-livechat]';

/** Shorthand for a selector inside the widget (Playwright pierces its open shadow root). */
function w(page, selector) {
  return page.locator(`${WIDGET} ${selector}`);
}

/** Every widget screen with an agent online, then the offline form, for one look. */
async function walk(look, { theme, ...options }) {
  const problems = [];
  const check = async (page, screen) => problems.push(...(await audit(page, `${look}: ${screen}`, WIDGET)));
  const page = await hostPage({ url: server.url, ...options });
  // A site's own theme colour, through the JavaScript API.
  // (Not awaited: before the widget loads, the call waits for it.)
  if (theme) await page.evaluate((t) => void window.Livechat.get().setTheme(t), theme);

  await w(page, 'button.lc-launcher').waitFor();
  await check(page, 'launcher (loader)');
  await page.evaluate(() => window.Livechat.get().ready());
  await until(() => page.evaluate(() => window.Livechat.get().isLoaded()), 'the widget to load');
  await w(page, '.lc-root button.lc-launcher').waitFor();
  await check(page, 'launcher');

  await w(page, 'button.lc-launcher').click();
  await w(page, '#lc-name').waitFor();
  await check(page, 'pre-chat form');
  await w(page, 'form.lc-form button[type=submit]').click();
  await until(async () => (await w(page, '#lc-name-error').innerText()) !== '', 'the form errors');
  await check(page, 'pre-chat form with errors');

  await w(page, '#lc-name').fill('Ada Lovelace');
  await w(page, '#lc-email').fill(`ada.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@example.com`);
  await w(page, '#lc-department').selectOption('sales');
  await w(page, 'form.lc-form button[type=submit]').click();
  const composer = w(page, 'textarea.lc-input');
  await composer.waitFor();
  const hello = `Hello, do you ship tents? ${look}`;
  await composer.fill(hello);
  await composer.press('Enter');
  await w(page, '.lc-avatar').waitFor();
  if (theme) {
    // The avatar's colours are derived from the site's colour (www/api.js, widget.css): black
    // initials on a lighter yellow (65 % yellow, 35 % white), not the default white on a shade.
    // A color-mix() in sRGB computes to `color(srgb …)`.
    const avatar = () => w(page, '.lc-avatar').evaluate((e) => `${getComputedStyle(e).color} on ${getComputedStyle(e).backgroundColor}`);
    let seen;
    const derived = async () => (seen = await avatar()) === 'rgb(0, 0, 0) on color(srgb 1 1 0.35)';
    await until(derived, 'the derived avatar colours', 5000).catch((e) => {
      throw new Error(`${e.message}: ${seen}`);
    });
  }
  const agent = await agentLogin(server.url);
  const room = await agentRoomWith(agent, hello);
  for (const msg of ['Hi Ada! Every size is listed at https://example.com/tents', 'Anything else?']) {
    const res = await agent.call('POST', '/api/v1/chat.sendMessage', { message: { rid: room._id, msg } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
  await w(page, '.lc-theirs .lc-bubble a').waitFor();
  await composer.fill('Yes: boots, size 44.');
  await composer.press('Enter');
  await until(async () => (await w(page, '.lc-status').count()) === 0, 'the messages to be confirmed');
  await w(page, '.lc-theirs', { hasText: 'Anything else?' });
  await check(page, 'chat');

  const last = w(page, 'li.lc-mine').last();
  await last.locator('.lc-meta button').nth(1).click(); // Delete
  await last.locator('.lc-meta button.lc-danger').waitFor();
  await check(page, 'delete confirmation');
  await last.locator('.lc-meta button').nth(1).click(); // Cancel
  await last.locator('.lc-meta button').first().click(); // Edit
  await until(async () => (await composer.inputValue()) === 'Yes: boots, size 44.', 'edit mode');
  await check(page, 'editing');
  await composer.press('Escape');

  await w(page, '.lc-menu-wrap > button').click();
  await w(page, '.lc-menu').waitFor();
  await check(page, 'menu');
  await w(page, '.lc-menu [role=menuitem]').first().click();
  await w(page, '.lc-sheet[role=dialog]').waitFor();
  await check(page, 'department chooser');
  await w(page, '.lc-sheet[role=dialog] .lc-link').click();
  await w(page, '.lc-menu-wrap > button').click();
  await w(page, '.lc-menu [role=menuitem]').last().click();
  await w(page, '[role=alertdialog]').waitFor();
  await check(page, 'close confirmation');
  await w(page, '[role=alertdialog] .lc-danger').click();

  await w(page, 'form.lc-survey').waitFor();
  await w(page, 'input[name=satisfaction][value="4"]').check();
  await check(page, 'survey');
  await w(page, 'form.lc-survey button[type=submit]').click();
  await w(page, '.lc-done').waitFor();
  await check(page, 'thank-you');
  await page.context().close();

  // Nobody online: the offline form, its errors, and the confirmation.
  const off = await hostPage({ url: offline.url, ...options });
  if (theme) await off.evaluate((t) => void window.Livechat.get().setTheme(t), theme);
  await w(off, 'button.lc-launcher').click();
  await w(off, '#lc-off-name').waitFor();
  await check(off, 'offline form');
  await w(off, 'form.lc-form button[type=submit]').click();
  await until(async () => (await w(off, '#lc-off-message-error').innerText()) !== '', 'the form errors');
  await check(off, 'offline form with errors');
  await w(off, '#lc-off-name').fill('Ada Lovelace');
  await w(off, '#lc-off-email').fill('ada@example.com');
  await w(off, '#lc-off-message').fill('Size 44 boots?');
  await w(off, 'form.lc-form button[type=submit]').click();
  await w(off, '.lc-done').waitFor();
  await check(off, 'offline sent');
  await off.context().close();
  return problems;
}

const PHONE = { width: 390, height: 844 };
/** No walk takes a minute; a stuck one fails instead of hanging the run. */
const LIMIT = { timeout: 180_000 };

test('the widget in light, on a light page', LIMIT, async () => assertClean(await walk('light', {})));
test('the widget in dark', LIMIT, async () => assertClean(await walk('dark', { data: { 'color-scheme': 'dark' } })));
test('the widget at 390 px, light', LIMIT, async () => assertClean(await walk('390 px light', { viewport: PHONE })));
test('the widget at 390 px, dark', LIMIT, async () =>
  assertClean(await walk('390 px dark', { viewport: PHONE, data: { 'color-scheme': 'dark' } })));
test('the widget in Arabic, light', LIMIT, async () => assertClean(await walk('Arabic light', { data: { language: 'ar' } })));
test('the widget in a light theme colour a site set (#ffff00, no text colour): the text on it and the avatar derive their own', LIMIT, async () =>
  assertClean(await walk('yellow theme', { theme: { color: '#ffff00' } })));
test('the widget in Arabic, dark', LIMIT, async () =>
  assertClean(await walk('Arabic dark', { data: { language: 'ar', 'color-scheme': 'dark' } })));

/** The agent console: sign-in (empty, then refused), the lists, a room. */
async function consoleScreens(look, contextOptions) {
  const problems = [];
  const check = async (page, screen) => problems.push(...(await audit(page, `console ${look}: ${screen}`, null)));
  const context = await browser.newContext({ reducedMotion: 'reduce', ...contextOptions });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('console page error:', e));
  await page.goto(`${server.url}/console/`);
  await page.getByLabel('Username or e-mail').waitFor();
  await check(page, 'sign-in');
  await page.getByLabel('Username or e-mail').fill('agent');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await until(async () => (await page.locator('#ac-signin-error').innerText()) !== '', 'the refusal');
  await check(page, 'sign-in refused');
  await page.getByLabel('Password').fill('agent');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /^My chats/ }).waitFor();
  await page.locator('.ac-rooms li button, .ac-panel li button').first().waitFor();
  await check(page, 'queue and chats');
  await page.locator('.ac-panel li button').last().click();
  await page.getByRole('log', { name: 'Messages' }).locator('li').first().waitFor();
  await check(page, 'room');
  await context.close();
  return problems;
}

test("the agent console's screens, light, dark and 390 px", LIMIT, async () => {
  // A visitor with a chat, so the lists and the room have something in them.
  const res = await fetch(`${server.url}/api/v1/livechat/visitor`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ visitor: { token: `a11y-${Date.now()}`, name: 'Grace Hopper', department: 'sales' } }),
  });
  assert.equal(res.status, 200);
  const { visitor } = await res.json();
  const roomRes = await fetch(`${server.url}/api/v1/livechat/room?token=${visitor.token}`);
  const { room } = await roomRes.json();
  const sent = await fetch(`${server.url}/api/v1/livechat/message`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: visitor.token, rid: room._id, msg: 'See https://example.com/order/42 please' }),
  });
  assert.equal(sent.status, 200);
  const problems = [
    ...(await consoleScreens('light', { colorScheme: 'light' })),
    ...(await consoleScreens('dark', { colorScheme: 'dark' })),
    ...(await consoleScreens('390 px', { colorScheme: 'light', viewport: PHONE })),
  ];
  assertClean(problems);
});
