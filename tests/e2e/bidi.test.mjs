// Bidirectional text cannot disguise what an agent sends: a right-to-left override inside a link
// shows as a visible marker (`…⟨U+202E⟩gpj.exe`, not `…exe.jpg`), and every message body, link and
// name is isolated from the text around it, in the direction of its own first strong letter.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { agentLogin, agentRoomWith, chatWindow, knownVisitor, launchBrowser, launcher, startServer } from './support.mjs';

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

test('bidi controls in an agent’s link show, and message bodies, links and names are isolated', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  const email = `bidi.${Date.now()}.${Math.random().toString(36).slice(2)}@example.com`;
  await knownVisitor(page, 'Bidi Visitor', email);
  await page.goto(server.url + '/');
  await launcher(page).click();
  const win = chatWindow(page);
  const composer = win.getByRole('textbox', { name: 'Type your message…' });
  const hello = `Hello from ${email}`;
  await composer.fill(hello);
  await composer.press('Enter');
  await win.getByRole('heading', { name: 'Alex Agent' }).waitFor();

  const agent = await agentLogin(server.url);
  const room = await agentRoomWith(agent, hello);
  const msg = 'Your invoice: https://files.example.com/invoice\u202Egpj.exe \u2014 \u05E9\u05DC\u05D5\u05DD';
  const res = await agent.call('POST', '/api/v1/chat.sendMessage', { message: { rid: room._id, msg } });
  assert.equal(res.status, 200, JSON.stringify(res.body));

  const bubble = win.locator('.lc-theirs .lc-bubble', { hasText: 'Your invoice' });
  await bubble.waitFor();
  const link = bubble.getByRole('link');
  // The override is shown, not obeyed; the address itself is the one sent.
  assert.equal(await link.textContent(), 'https://files.example.com/invoice⟨U+202E⟩gpj.exe');
  assert.equal(await link.getAttribute('href'), 'https://files.example.com/invoice\u202Egpj.exe');
  // Isolated, each in the direction of its own first strong letter: the body, the link, the
  // sender's name, the header's title.
  const bidi = (locator) => locator.evaluate((el) => getComputedStyle(el).unicodeBidi);
  assert.equal(await bidi(bubble), 'plaintext');
  assert.equal(await bidi(link), 'plaintext');
  assert.equal(await bidi(win.locator('.lc-theirs .lc-sender').first()), 'plaintext');
  assert.equal(await bidi(win.locator('.lc-title')), 'plaintext');
  // A body that starts right-to-left reads right-to-left in a left-to-right window: its Hebrew
  // word is laid out to the right of the English one after it (left of it otherwise).
  await agent.call('POST', '/api/v1/chat.sendMessage', { message: { rid: room._id, msg: '\u05E9\u05DC\u05D5\u05DD, hello' } });
  const hebrew = win.locator('.lc-theirs .lc-bubble', { hasText: 'hello' }).last();
  await hebrew.waitFor();
  const x = (locator, from, to) =>
    locator.evaluate(
      (el, [from, to]) => {
        const range = document.createRange();
        range.setStart(el.firstChild, from);
        range.setEnd(el.firstChild, to);
        return range.getBoundingClientRect().left;
      },
      [from, to],
    );
  assert.ok((await x(hebrew, 0, 4)) > (await x(hebrew, 6, 11)), 'the Hebrew word is on the right');
  await context.close();
});
