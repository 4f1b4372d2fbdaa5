// The widget when its server fails: down when the page loads, a proxy's 502, a server that comes
// and goes. The visitor always sees a clear state and gets the chat back without a reload, and
// nothing reaches the host page as an error (no `pageerror`, no unhandled rejection).

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { DIST, chatWindow, launchBrowser, launcher, startServer, until } from './support.mjs';

let dir;
let server;
let browser;

before(async () => {
  // A database file: what the server stored outlives its restarts.
  dir = mkdtempSync(join(tmpdir(), 'livechat-failures-'));
  [server, browser] = await Promise.all([startServer({ db: join(dir, 'livechat.db') }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * The demo page, with its files (page, loader, glue, wasm, catalogues) served from `dist/` even
 * while the server is down; its API calls and WebSocket still go to the server. `api(route)`
 * may answer an API call instead (return true). `problems()` lists what reached the page as an
 * error.
 */
async function demoPage({ api } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    window.__rejections = [];
    window.addEventListener('unhandledrejection', (e) => {
      window.__rejections.push(`unhandled rejection: ${e.reason && (e.reason.stack || e.reason)}`);
    });
  });
  await page.route(`${server.url}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path.startsWith('/api/')) {
      if (api && (await api(route))) return;
      return route.continue();
    }
    const file = join(DIST, path.endsWith('/') ? `${path}index.html` : path);
    if (!existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    const contentType = file.endsWith('.wasm') ? 'application/wasm' : undefined;
    return route.fulfill({ path: file, contentType });
  });
  const problems = async () => [...errors, ...(await page.evaluate(() => window.__rejections).catch(() => []))];
  return { page, problems };
}

/** What the JavaScript API says the widget shows. */
function status(page) {
  return page.evaluate(() => window.Livechat.get().status());
}

async function say(page, text) {
  const composer = chatWindow(page).getByRole('textbox', { name: 'Type your message…' });
  await composer.fill(text);
  await composer.press('Enter');
}

/** The visitor's messages as the server has them, oldest first. */
async function serverTexts(page) {
  const token = await page.evaluate(() => window.Livechat.get().token());
  const q = `token=${encodeURIComponent(token)}`;
  const room = await (await fetch(`${server.url}/api/v1/livechat/room?${q}`)).json();
  const history = await (
    await fetch(`${server.url}/api/v1/livechat/messages.history/${room.room._id}?${q}&limit=100`)
  ).json();
  return history.messages
    .filter((m) => !m.t)
    .map((m) => m.msg)
    .reverse();
}

test('a server down when the page loads: a clear "can\'t reach" state with a retry, and the chat comes back by itself', async () => {
  await server.stop({ signal: 'SIGKILL' });
  const { page, problems } = await demoPage();
  try {
    await page.goto(`${server.url}/`);
    await launcher(page).click();
    const win = chatWindow(page);
    await win.getByRole('heading', { name: "We can't reach the chat right now." }).waitFor();
    const retry = win.getByRole('button', { name: 'Retry' });
    await retry.waitFor();
    assert.equal(await status(page), 'unreachable');
    assert.doesNotMatch(await win.innerText(), /refused|ECONNREFUSED|Failed to fetch|HTTP/i);

    // Retrying while it is still down keeps the state (and the visitor's place on the button).
    await retry.click();
    await until(async () => (await status(page)) === 'unreachable', 'the retry to fail again');
    await retry.waitFor();

    // Back: the widget notices by itself (no click, no reload).
    await server.start();
    await win.getByRole('heading', { name: 'Start a chat' }).waitFor({ timeout: 30_000 });
    await win.getByLabel('Name').fill('Ada Lovelace');
    await win.getByLabel('Email').fill(`ada.${Date.now()}@example.com`);
    await win.getByRole('button', { name: 'Start chat' }).click();
    await say(page, 'Hello after the outage');
    await until(async () => (await win.getByText('Sending…').count()) === 0, 'the message to be confirmed');
    assert.deepEqual(await serverTexts(page), ['Hello after the outage']);
    assert.deepEqual(await problems(), []);
  } finally {
    await server.start().catch(() => {});
    await page.context().close();
  }
});

test("a proxy's 502 at load is not shown to the visitor, and the retry gets through", async () => {
  let failing = true;
  const { page, problems } = await demoPage({
    api: async (route) => {
      if (!failing) return false;
      await route.fulfill({
        status: 502,
        contentType: 'application/json',
        body: JSON.stringify({ success: false, error: 'upstream error: ECONNREFUSED' }),
      });
      return true;
    },
  });
  try {
    await page.goto(`${server.url}/`);
    await launcher(page).click();
    const win = chatWindow(page);
    await win.getByRole('heading', { name: "We can't reach the chat right now." }).waitFor();
    assert.doesNotMatch(await win.innerText(), /upstream|ECONNREFUSED|refused/i);
    failing = false;
    await win.getByRole('button', { name: 'Retry' }).click();
    await win.getByRole('heading', { name: 'Start a chat' }).waitFor();
    assert.deepEqual(await problems(), []);
  } finally {
    await page.context().close();
  }
});

test('a server that comes and goes: every message arrives once, page visits fail quietly, nothing reaches the page as an error', async () => {
  const { page, problems } = await demoPage();
  try {
    await page.goto(`${server.url}/`);
    await launcher(page).click();
    const win = chatWindow(page);
    await win.getByRole('heading', { name: 'Start a chat' }).waitFor();
    await win.getByLabel('Name').fill('Grace Hopper');
    await win.getByLabel('Email').fill(`grace.${Date.now()}@example.com`);
    await win.getByRole('button', { name: 'Start chat' }).click();
    await say(page, 'message 0');
    await until(async () => (await win.getByText('Sending…').count()) === 0, 'the first message to be confirmed');

    const sent = ['message 0'];
    for (let i = 1; i <= 4; i++) {
      await server.stop({ signal: i % 2 ? 'SIGKILL' : 'SIGTERM' });
      // While it is down: a message, a route change (a page visit the server cannot take), and
      // calls of the site's own that reach the server.
      await say(page, `message ${i}`);
      sent.push(`message ${i}`);
      await page.evaluate((n) => {
        history.pushState({}, '', `/flap-${n}`);
        const chat = window.Livechat.get();
        chat.setGuestName(`Grace ${n}`);
        window.RocketChat(function () {
          this.setCustomField('attempt', String(n));
        });
      }, i);
      await page.waitForTimeout(300);
      await server.start();
    }
    await until(
      async () => (await win.getByText('Sending…').count()) === 0 && (await win.getByText('Not sent').count()) === 0,
      'every message to be confirmed after the outages',
      60_000,
    );
    assert.deepEqual(await serverTexts(page), sent);
    assert.deepEqual(await problems(), []);
  } finally {
    await page.context().close();
  }
});
