// The widget on a site whose origin is not its server's, as on a real Rocket.Chat: the host page
// comes from one dev server (the site), the widget talks to a second one (the Rocket.Chat). With
// CORS off there, as on a new Rocket.Chat, the page can read livechat/config and nothing more,
// and the widget says so; with CORS on for the site's origin, the visitor chats.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { DIST, agentLogin, chatWindow, launchBrowser, launcher, startServer, until } from './support.mjs';

let www;
let site;
let closed;
let open;
let browser;

before(async () => {
  // The Rocket.Chats serve no files; the site serves its pages and its copy of the widget. Its
  // pages come from a real server, not from the browser's request interception: Chromium lets
  // only a page it loaded from a loopback address call one (Local Network Access).
  www = mkdtempSync(join(tmpdir(), 'livechat-cors-'));
  for (const file of ['livechat.js', 'widget.js', 'widget_bg.wasm', 'i18n']) symlinkSync(join(DIST, file), join(www, file));
  [site, browser] = await Promise.all([startServer({ www }), launchBrowser()]);
  // The second Rocket.Chat allows the site's origin alone.
  [closed, open] = await Promise.all([
    startServer({ www: null }),
    startServer({ www: null, args: ['--cors-origin', site.url] }),
  ]);
  // The site's pages, one per Rocket.Chat (read when asked for, so written now).
  for (const [name, server] of [
    ['closed', closed],
    ['open', open],
  ]) {
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme shop</title></head>
<body><h1>Acme shop</h1>
<script async src="/livechat.js" data-server="${server.url}"></script></body></html>`;
    writeFileSync(join(www, `${name}.html`), html);
  }
});

after(async () => {
  await browser?.close();
  await Promise.all([site?.stop(), closed?.stop(), open?.stop()]);
  if (www) rmSync(www, { recursive: true, force: true });
});

/**
 * A page of the site embedding the widget (the site's own copy of livechat.js) pointed at
 * `server` (`closed` or `open`). `problems()` lists what reached the page as an error;
 * `messages` is its console.
 */
async function sitePage(server) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  const messages = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => messages.push({ type: m.type(), text: m.text() }));
  await page.addInitScript(() => {
    window.__rejections = [];
    window.addEventListener('unhandledrejection', (e) => {
      window.__rejections.push(`unhandled rejection: ${e.reason && (e.reason.stack || e.reason)}`);
    });
  });
  await page.goto(`${site.url}/${server === open ? 'open' : 'closed'}.html`);
  const problems = async () => [...errors, ...(await page.evaluate(() => window.__rejections).catch(() => []))];
  return { page, messages, problems };
}

/** `fetch` from the page: `'ok <status>'`, or the name of what it threw (a refused CORS call). */
function fetchFromPage(page, url, init) {
  return page.evaluate(
    ([u, i]) =>
      fetch(u, i).then(
        (r) => `ok ${r.status}`,
        (e) => e.name,
      ),
    [url, init],
  );
}

test('a page on another origin reads livechat/config and nothing more until CORS is on for it', async () => {
  for (const [server, on] of [
    [closed, false],
    [open, true],
  ]) {
    const { page } = await sitePage(server);
    const api = `${server.url}/api/v1`;
    const token = `cors-${on}-${Date.now()}`;
    // A plain GET needs no preflight: readable either way.
    assert.equal(await fetchFromPage(page, `${api}/livechat/config`), 'ok 200', `on: ${on}`);
    // The visitor's token in a header, and a JSON POST, are preflighted.
    const withToken = { headers: { 'x-visitor-token': token } };
    assert.equal(await fetchFromPage(page, `${api}/livechat/config`, withToken), on ? 'ok 200' : 'TypeError');
    const register = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ visitor: { token, name: 'Cross Origin' } }),
    };
    assert.equal(await fetchFromPage(page, `${api}/livechat/visitor`, register), on ? 'ok 200' : 'TypeError');
    // Refused at the preflight, the POST itself was never sent.
    const stored = await fetch(`${api}/livechat/visitor/${token}`);
    assert.equal(stored.status, on ? 200 : 400, `on: ${on}`);
    await page.context().close();
  }
});

test('CORS off: the launcher opens a window that says the chat is unavailable; the console tells the site owner what to change', async () => {
  const { page, messages, problems } = await sitePage(closed);
  await launcher(page).click();
  const win = chatWindow(page);
  await win.waitFor();
  // A clear state, not a form the server would refuse, nor the browser's or the server's text.
  await win.getByText(/not available/i).first().waitFor();
  assert.equal(await page.evaluate(() => window.Livechat.get().status()), 'unavailable');
  assert.equal(await win.getByRole('button', { name: 'Start chat' }).count(), 0);
  const shown = await win.innerText();
  assert.doesNotMatch(shown, /Failed to fetch|TypeError|NetworkError|CORS not enabled|refused|error/i, shown);

  // The site owner's message names the setting and this page's origin.
  await until(
    () =>
      messages.some(
        (m) => ['warning', 'error'].includes(m.type) && m.text.includes('Enable CORS') && m.text.includes(site.url),
      ),
    `a console message with "Enable CORS" and ${site.url} (got ${JSON.stringify(messages)})`,
    10_000,
  );
  assert.deepEqual(await problems(), []);
  await page.context().close();
});

test('CORS on for the site: the visitor registers and chats with the agent across origins', async () => {
  const { page, messages, problems } = await sitePage(open);
  await launcher(page).click();
  const win = chatWindow(page);
  await win
    .getByRole('heading', { name: 'Start a chat' })
    .waitFor()
    .catch(async (e) => {
      // Say what the widget showed instead, and what it told the console.
      const status = await page.evaluate(() => window.Livechat.get().status()).catch((x) => String(x));
      const shown = await win.innerText().catch((x) => String(x));
      throw new Error(`${e.message}\nstatus: ${status}\nshown: ${shown}\nconsole: ${JSON.stringify(messages)}`);
    });
  await win.getByLabel('Name').fill('Cross Origin');
  await win.getByLabel('Email').fill(`cross.${Date.now()}@example.com`);
  await win.getByRole('button', { name: 'Start chat' }).click();
  const composer = win.getByRole('textbox', { name: 'Type your message…' });
  await composer.fill('Hello from the shop');
  await composer.press('Enter');
  await win.getByRole('heading', { name: 'Alex Agent' }).waitFor();
  await until(async () => (await win.getByText('Sending…').count()) === 0, 'the message to be confirmed');

  // The server has it, in the visitor's room.
  const token = await page.evaluate(() => window.Livechat.get().token());
  const q = `token=${encodeURIComponent(token)}`;
  const { room } = await (await fetch(`${open.url}/api/v1/livechat/room?${q}`)).json();
  const history = await (await fetch(`${open.url}/api/v1/livechat/messages.history/${room._id}?${q}`)).json();
  assert.ok(
    history.messages.some((m) => m.msg === 'Hello from the shop'),
    JSON.stringify(history.messages.map((m) => m.msg)),
  );

  // The agent's reply comes back live (the WebSocket checks no origin).
  const agent = await agentLogin(open.url);
  const sent = await agent.call('POST', '/api/v1/chat.sendMessage', { message: { rid: room._id, msg: 'Hello, shop visitor' } });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  await win.locator('li.lc-theirs', { hasText: 'Hello, shop visitor' }).waitFor();

  assert.equal(messages.filter((m) => /CORS/.test(m.text)).length, 0, JSON.stringify(messages));
  assert.deepEqual(await problems(), []);
  await page.context().close();
});
