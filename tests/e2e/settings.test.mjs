// Rocket.Chat's Livechat settings the widget follows, on the demo page: the chat-finished texts
// (`conversationFinishedMessage` as the closing line and the thanks' heading,
// `conversationFinishedText` as its text) and `clearLocalStorageWhenChatEnded` (nothing of the
// visitor stays stored once the chat ends; a new chat is a new visitor).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chatWindow, knownVisitor, launchBrowser, launcher, startServer } from './support.mjs';

let server;
let browser;

before(async () => {
  const config = join(tmpdir(), `livechat-settings-${process.pid}.toml`);
  writeFileSync(
    config,
    `clear_local_storage_when_chat_ended = true

[messages]
conversation_finished_message = "Thanks for chatting with Acme!"
conversation_finished_text = "Come back any time."
`,
  );
  [server, browser] = await Promise.all([startServer({ args: ['--config', config] }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The visitor's token as stored, if any. */
const storedToken = (page) =>
  page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith('rc-livechat:') && k.endsWith('#token'));
    return key ? localStorage.getItem(key) : null;
  });

test("the chat's end in the site's words, and nothing of the visitor stays stored", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await knownVisitor(page, 'Ada', `settings.${Date.now()}@example.com`);
  await page.goto(server.url + '/');
  await launcher(page).click();
  const win = chatWindow(page);
  await win.getByRole('textbox').fill('Hello there');
  await win.getByRole('button', { name: 'Send' }).click();
  await win.locator('.lc-bubble', { hasText: 'Hello there' }).waitFor();
  const first = await storedToken(page);
  assert.ok(first, 'the visitor is stored while the chat goes on');

  await win.getByRole('button', { name: 'Options' }).click();
  await win.getByRole('menuitem', { name: 'End chat' }).click();
  await win.getByRole('alertdialog').getByRole('button', { name: 'End chat' }).click();
  await win.getByRole('heading', { name: 'How was your chat?' }).waitFor();
  assert.equal(await storedToken(page), null, 'forgotten once the chat ended');
  await win.getByRole('button', { name: 'Skip' }).click();
  await win.getByRole('heading', { name: 'Thanks for chatting with Acme!' }).waitFor();
  await win.getByText('Come back any time.').waitFor();

  await win.getByRole('button', { name: 'Start a new chat' }).click();
  await win.getByRole('textbox').waitFor();
  const second = await storedToken(page);
  assert.ok(second && second !== first, 'a new chat is a new visitor');
  await context.close();
});
