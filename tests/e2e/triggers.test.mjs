// The server's triggers (proactive messages) on the demo page: every condition of a trigger
// must hold (a page address reached by a route change and time on site), the message shows in
// a card beside the closed launcher (counted unread, heard by the site's `message` listeners),
// the card opens the chat or is dismissed, a `runOnce` trigger does not fire again after a
// reload, and a `queue` trigger speaks as the agent routing picks, who then serves the chat.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentLogin, agentRoomWith, chatWindow, holdRequests, knownVisitor, launchBrowser, launcher, sleep, startServer, until } from './support.mjs';

let server;
let browser;

const CONFIG = `
[[triggers]]
id = "pricing"
name = "On the pricing page for a second"
run_once = true
conditions = [{ name = "page-url", value = "[?&]p=pricing$" }, { name = "time-on-site", value = 1 }]
actions = [{ name = "send-message", params = { sender = "custom", name = "Ann from Sales", msg = "Questions about our prices?" } }]

[[triggers]]
id = "hello"
name = "When the visitor opens the chat on the help page"
conditions = [{ name = "page-url", value = "[?&]p=help$" }, { name = "chat-opened-by-visitor" }]
actions = [{ name = "send-message", params = { sender = "queue", name = "", msg = "Hello! I am here to help." } }]
`;

before(async () => {
  const config = join(tmpdir(), `livechat-triggers-${process.pid}.toml`);
  writeFileSync(config, CONFIG);
  [server, browser] = await Promise.all([startServer({ args: ['--config', config] }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A visitor on the demo page, the site listening for messages; the window stays closed. */
async function visitor(context) {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await knownVisitor(page, 'Tess', `trig.${Date.now()}.${Math.random().toString(36).slice(2)}@example.com`);
  await page.addInitScript(() => {
    window.heard = [];
    window.RocketChat(function () {
      this.on('message', (m) => window.heard.push(m.msg));
    });
  });
  await page.goto(server.url + '/');
  return page;
}

const card = (page) => page.locator('[data-livechat] .lc-card');

test('a trigger fires when all its conditions hold; its card opens the chat; runOnce holds across a reload', async () => {
  const context = await browser.newContext();
  const page = await visitor(context);
  await launcher(page).waitFor();
  await sleep(1500);
  assert.equal(await card(page).count(), 0, 'time alone is not enough: the address does not match');
  // A single-page site's route change; the time condition already holds, so it fires now.
  await page.evaluate(() => history.pushState({}, '', '/?p=pricing'));
  await card(page).waitFor();
  assert.match(await card(page).innerText(), /Ann from Sales[\s\S]*Questions about our prices\?/);
  assert.equal(await card(page).getAttribute('role'), 'status');
  await until(async () => /1 unread/.test(await launcher(page).getAttribute('aria-label')), 'the unread count');
  await until(() => page.evaluate(() => window.heard.includes('Questions about our prices?')), 'the message event');
  await card(page).getByRole('button', { name: /Ann from Sales/ }).click();
  const win = chatWindow(page);
  await win.waitFor();
  await win.locator('.lc-bubble', { hasText: 'Questions about our prices?' }).waitFor();
  assert.equal(await card(page).count(), 0, 'the card goes when the window opens');
  // Back on the pricing page after a reload (the address holds from the start): it ran once
  // for this visitor.
  await launcher(page).click();
  await page.reload();
  await launcher(page).waitFor();
  await sleep(2000);
  assert.equal(await card(page).count(), 0, 'a runOnce trigger does not fire again');
  // Triggers do run on this page load: another one fires.
  await page.evaluate(() => history.pushState({}, '', '/?p=help'));
  await launcher(page).click();
  await chatWindow(page).locator('.lc-bubble', { hasText: 'Hello! I am here to help.' }).waitFor();
  await context.close();
});

test('the card can be dismissed, focus back on the launcher, and the window stays closed', async () => {
  const context = await browser.newContext();
  const page = await visitor(context);
  await page.evaluate(() => history.pushState({}, '', '/?p=pricing'));
  await card(page).waitFor();
  await card(page).getByRole('button', { name: 'Dismiss' }).click();
  await until(async () => (await card(page).count()) === 0, 'the card to go');
  assert.equal(await chatWindow(page).count(), 0);
  assert.ok(await launcher(page).evaluate((b) => b.getRootNode().activeElement === b), 'focus goes back to the launcher');
  await context.close();
});

test('a queue trigger speaks as the agent routing picks, who then serves the chat', async () => {
  const agent = await agentLogin(server.url);
  const context = await browser.newContext();
  const page = await visitor(context);
  const rooms = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/livechat/room?')) rooms.push(new URL(r.url()).searchParams.get('agentId'));
  });
  await page.evaluate(() => history.pushState({}, '', '/?p=help'));
  await launcher(page).click();
  const win = chatWindow(page);
  await win.locator('.lc-bubble', { hasText: 'Hello! I am here to help.' }).waitFor();
  const { body } = await agent.call('GET', '/api/v1/me');
  const shown = body.name || body.username;
  await win.getByText(shown, { exact: false }).first().waitFor();
  const text = `About my order ${Date.now()}`;
  await win.getByRole('textbox').fill(text);
  await win.getByRole('button', { name: 'Send' }).click();
  const room = await agentRoomWith(agent, text);
  assert.equal(room.servedBy?._id, agent.userId, 'the agent the trigger named serves the chat');
  assert.deepEqual(rooms, [agent.userId], 'the room was asked for with that agent');
  // The message stays above the visitor's (the widget's own: no catch-up drops it).
  await win.locator('.lc-bubble', { hasText: text }).waitFor();
  await sleep(500);
  assert.equal(await win.locator('.lc-bubble', { hasText: 'Hello! I am here to help.' }).count(), 1);

  // A reload during the chat: the conversation is the server's again (the proactive message was
  // the widget's own), and with the chat under way nothing fires, not even on opening again.
  await page.reload();
  await win.locator('.lc-bubble', { hasText: text }).waitFor();
  await launcher(page).click();
  await launcher(page).click();
  await win.locator('.lc-bubble', { hasText: text }).waitFor();
  await sleep(1500);
  assert.equal(await win.locator('.lc-bubble', { hasText: 'Hello! I am here to help.' }).count(), 0);
  await context.close();
});

test('a click on the launcher before the configuration came counts as opening the chat', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  const config = await holdRequests(page, '/livechat/config');
  await knownVisitor(page, 'Early', `trig.early.${Date.now()}@example.com`);
  await page.goto(server.url + '/?p=help');
  await launcher(page).click();
  await config.requested;
  config.release();
  await chatWindow(page).locator('.lc-bubble', { hasText: 'Hello! I am here to help.' }).waitFor();
  await context.close();
});
