// The visitor's files, sent from the widget on the demo page: chosen with the attach button
// (before any message: the room is made for the file), pasted, dropped; their progress on a slow
// link and a cancel that sends nothing; refusals (a type the server blocks, a file over its
// limit) explained with Retry and Delete; the agent's console shows what arrived.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentLogin, agentRoomWith, chatWindow, knownVisitor, launchBrowser, launcher, openConsole, startServer, until } from './support.mjs';

let server;
let browser;
const LIMIT = 16 * 1024 * 1024;

before(async () => {
  const config = join(tmpdir(), `livechat-uploads-${process.pid}.toml`);
  writeFileSync(config, `file_upload_max_size = ${LIMIT}\n`);
  [server, browser] = await Promise.all([startServer({ args: ['--config', config] }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * A loopback TCP proxy to the server that passes what the browser sends at about `rate` bytes a
 * second (it stops reading meanwhile, so the browser's socket fills and its upload progress is
 * real), and what the server answers at once. Answers its address and a `close()`.
 */
async function slowProxy(rate) {
  const sockets = new Set();
  const target = new URL(server.url);
  const proxy = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    upstream.pipe(client);
    client.on('data', (chunk) => {
      client.pause();
      upstream.write(chunk);
      setTimeout(() => client.resume(), (chunk.length * 1000) / rate);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${proxy.address().port}`,
    close: () => {
      sockets.forEach((s) => s.destroy());
      proxy.close();
    },
  };
}

/** A visitor on the demo page (at `url`) with the window open; nothing sent yet. */
async function visitor(name, url = server.url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await knownVisitor(page, name, `up.${Date.now()}.${Math.random().toString(36).slice(2)}@example.com`);
  await page.goto(url + '/');
  await launcher(page).click();
  const win = chatWindow(page);
  await win.locator('.lc-attach input[type=file]').waitFor({ state: 'attached' });
  return { context, page, win };
}

/** Dispatches `kind` (`paste` on the composer, `drop` on the window) carrying one file. */
async function carry(page, kind, name, type, text) {
  await page.evaluate(
    ([kind, name, type, text]) => {
      const root = document.querySelector('[data-livechat]').shadowRoot;
      const data = new DataTransfer();
      data.items.add(new File([typeof text === 'string' ? text : new Uint8Array(text)], name, { type }));
      if (kind === 'paste') {
        root.querySelector('.lc-input').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      } else {
        const target = root.querySelector('.lc-messages');
        const over = new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true });
        target.dispatchEvent(over);
        if (!over.defaultPrevented) throw new Error('the window does not take the drop');
        target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      }
    },
    [kind, name, type, text],
  );
}

test('a file chosen, pasted and dropped reaches the agent, each once', async () => {
  const { context, page, win } = await visitor('Ada Uploads');
  // Text typed, then the composer left (its own `change`): the text stays, nothing is sent.
  const composer = win.getByRole('textbox', { name: 'Type your message…' });
  await composer.fill('still here');
  await win.locator('.lc-messages').click();
  assert.equal(await composer.inputValue(), 'still here');
  await composer.fill('');
  assert.equal(await win.locator('.lc-attach input').getAttribute('aria-label'), 'Attach a file');
  // Before any message: the room is made for the file.
  await win.locator('.lc-attach input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('my notes') });
  const card = win.locator('.lc-mine a.lc-file', { hasText: 'notes.txt' });
  await card.waitFor();
  assert.equal(await card.getAttribute('download'), 'notes.txt');
  assert.equal(await (await fetch(await card.getAttribute('href'))).text(), 'my notes', 'readable with the visitor’s access');

  // A paste with text beside a picture (as office programs put it) pastes the text.
  await page.evaluate(() => {
    const root = document.querySelector('[data-livechat]').shadowRoot;
    const data = new DataTransfer();
    data.setData('text/plain', 'a table');
    data.items.add(new File(['x'], 'table.png', { type: 'image/png' }));
    const paste = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
    root.querySelector('.lc-input').dispatchEvent(paste);
    if (paste.defaultPrevented) throw new Error('a text paste was taken as a file');
  });
  await carry(page, 'paste', 'screenshot.png', 'image/png', [...PNG]);
  await win.locator('.lc-mine').getByRole('img', { name: 'screenshot.png' }).waitFor();
  await carry(page, 'drop', 'dropped.pdf', 'application/pdf', '%PDF-1.4');
  await win.locator('.lc-mine a.lc-file', { hasText: 'dropped.pdf' }).waitFor();
  await until(async () => (await win.locator('.lc-uploads li').count()) === 0, 'the list to empty');

  // The agent sees the three, once each.
  const agent = await agentLogin(server.url);
  const room = await agentRoomWith(agent, () => true);
  const history = await agent.call('GET', `/api/v1/livechat/messages.history/${room._id}?token=${room.v.token}`);
  const names = history.body.messages.filter((m) => m.file).map((m) => m.file.name).sort();
  assert.deepEqual(names, ['dropped.pdf', 'notes.txt', 'screenshot.png']);
  const consolePage = await openConsole(browser, server.url);
  await consolePage.getByRole('button', { name: /Ada Uploads/ }).click();
  await consolePage.getByRole('log', { name: 'Messages' }).getByRole('link', { name: /notes\.txt/ }).waitFor();
  await consolePage.context().close();
  await context.close();
});

test('progress shows on a slow link, and Cancel stops the file', async () => {
  // The page and the API through a proxy that takes the browser's bytes at 2 MB/s: a 12 MB file
  // takes about six seconds (the first few MB fill the sockets' buffers at once).
  const slow = await slowProxy(2 * 1024 * 1024);
  const { context, page, win } = await visitor('Ada Slow', slow.url);
  await win.locator('.lc-attach input').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(12 * 1024 * 1024, 7) });
  const bar = win.getByRole('progressbar', { name: 'big.bin' });
  await bar.waitFor();
  await until(async () => Number(await bar.getAttribute('value')) >= 5, 'progress');
  const partway = Number(await bar.getAttribute('value'));
  assert.ok(partway >= 5 && partway < 95, `part of the way: ${partway}`);
  await win.locator('.lc-uploads').getByRole('button', { name: 'Cancel' }).click();
  await until(async () => (await win.locator('.lc-uploads li').count()) === 0, 'the list to empty');
  await page.waitForTimeout(1000);
  assert.equal(await win.locator('.lc-mine').count(), 0, 'a cancelled file is not sent');
  await context.close();
  slow.close();
});

test('refusals say why, with Retry and Delete, and nothing is sent', async () => {
  const { context, win } = await visitor('Ada Refused');
  // Over the server's limit, and a type it blocks.
  await win.locator('.lc-attach input').setInputFiles({ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(LIMIT + 1, 1) });
  const failed = win.locator('.lc-uploads li.lc-failed');
  await failed.getByRole('alert').filter({ hasText: 'This file is too large to send.' }).waitFor();
  await win.locator('.lc-attach input').setInputFiles({ name: 'x.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') });
  await failed.getByRole('alert').filter({ hasText: 'Files of this type cannot be sent.' }).waitFor();
  assert.deepEqual(await failed.first().getByRole('button').allTextContents(), ['Retry', 'Delete']);
  // Retry asks again (and is refused again); Delete takes each away.
  await failed.first().getByRole('button', { name: 'Retry' }).click();
  await failed.first().getByRole('alert').filter({ hasText: 'too large' }).waitFor();
  await failed.first().getByRole('button', { name: 'Delete' }).click();
  await failed.first().getByRole('button', { name: 'Delete' }).click();
  await until(async () => (await win.locator('.lc-uploads li').count()) === 0, 'the list to empty');
  assert.equal(await win.locator('.lc-mine').count(), 0, 'nothing was sent');
  await context.close();
});
