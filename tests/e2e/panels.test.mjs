// What the second module draws in the window for Rocket.Chat's Livechat settings, on the demo
// page against the dev server: the data-processing consent (`forceAcceptDataProcessingConsent`:
// asked before anything, nothing stored until given, asked again after a reload until then) and
// "Forget my data" (the open chat ended, the visitor deleted on the server and here); the
// transcript offer after a chat (`transcript`: prefilled, checked, stored by the server, not
// offered again after a reload); the pre-chat form's own fields (`customFields`: required, the
// pattern, a select's options, errors in the visitor's language, sent with the registration).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentLogin, agentRoomWith, chatWindow, knownVisitor, launchBrowser, launcher, startServer, until } from './support.mjs';

let consentServer;
let server;
let browser;

before(async () => {
  const consent = join(tmpdir(), `livechat-consent-${process.pid}.toml`);
  writeFileSync(
    consent,
    `force_accept_data_processing_consent = true

[messages]
data_processing_consent_text = "We keep **your messages** to answer you. See our [privacy policy](https://example.com/privacy)."
`,
  );
  const settings = join(tmpdir(), `livechat-panels-${process.pid}.toml`);
  writeFileSync(
    settings,
    `transcript = true

[messages]
transcript_message = "Want this chat in your inbox?"

[[custom_fields]]
id = "order"
label = "Order number"
regexp = "^[0-9]{5}$"
required = true
visibility = "visible"
public = true

[[custom_fields]]
id = "topic"
label = "Topic"
type = "select"
options = ["Billing", "Shipping"]
visibility = "visible"
public = true

[[custom_fields]]
id = "plan"
label = "Plan"
visibility = "visible"
public = true
`,
  );
  [consentServer, server, browser] = await Promise.all([
    startServer({ args: ['--config', consent] }),
    startServer({ args: ['--config', settings] }),
    launchBrowser(),
  ]);
});

after(async () => {
  await browser?.close();
  await consentServer?.stop();
  await server?.stop();
});

/** The widget's keys in localStorage. */
const storedKeys = (page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('rc-livechat:')));

const stored = (page, name) =>
  page.evaluate((name) => {
    const key = Object.keys(localStorage).find((k) => k.startsWith('rc-livechat:') && k.endsWith('#' + name));
    return key ? localStorage.getItem(key) : null;
  }, name);

/** The focused element in the widget: its name (label or text) and id. */
const focused = (page) =>
  page.evaluate(() => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    return el ? { name: (el.getAttribute('aria-label') || el.textContent || '').trim(), id: el.id } : {};
  });

/** Records every key the page writes to localStorage, from its first script on. */
async function recordWrites(page) {
  await page.addInitScript(() => {
    const set = Storage.prototype.setItem;
    const written = JSON.parse(sessionStorage.getItem('written') || '[]');
    Storage.prototype.setItem = function (k, v) {
      // (`rc-livechat:probe` is the write test storage gets at the start, removed at once.)
      if (this === localStorage && k.startsWith('rc-livechat:') && k !== 'rc-livechat:probe') {
        written.push(k);
        set.call(sessionStorage, 'written', JSON.stringify(written));
      }
      return set.call(this, k, v);
    };
  });
  return () => page.evaluate(() => JSON.parse(sessionStorage.getItem('written') || '[]'));
}

/**
 * A known visitor (`name`, `email`; the site set the server's required field) chatting on the
 * transcript server: they sent `text`. Answers the page's context, the page and the window.
 */
async function chatting(name, email, text) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await knownVisitor(page, name, email);
  await page.addInitScript(() => {
    window.RocketChat(function () {
      this.setCustomField('order', '12345');
    });
  });
  await page.goto(server.url + '/');
  await launcher(page).click();
  const win = chatWindow(page);
  await win.getByRole('textbox').fill(text);
  await win.getByRole('button', { name: 'Send' }).click();
  await win.locator('.lc-bubble', { hasText: text }).waitFor();
  return { context, page, win };
}

/** The visitor ends the chat from the window's menu. */
async function endChat(win) {
  await win.getByRole('button', { name: 'Options' }).click();
  await win.getByRole('menuitem', { name: 'End chat' }).click();
  await win.getByRole('alertdialog').getByRole('button', { name: 'End chat' }).click();
}

test('consent is asked before anything, nothing is stored until it is given, and a reload asks again', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  const written = await recordWrites(page);
  await page.goto(consentServer.url + '/');
  await launcher(page).click();
  const win = chatWindow(page);
  await win.getByRole('heading', { name: 'Your data' }).waitFor();
  // The server's text, formatted; the form is not there yet.
  await win.locator('.lc-consent strong', { hasText: 'your messages' }).waitFor();
  assert.equal(await win.locator('.lc-consent a').getAttribute('href'), 'https://example.com/privacy');
  assert.equal(await win.getByRole('textbox').count(), 0, 'no form or chat before consent');
  // The click on the launcher is no consent: nothing of the visitor is stored.
  assert.deepEqual(await storedKeys(page), []);

  await page.reload();
  await launcher(page).click();
  await win.getByRole('heading', { name: 'Your data' }).waitFor();
  assert.deepEqual(await storedKeys(page), [], 'still nothing stored after a reload');
  // Not even for a moment: nothing was ever written (not the token made at the start, before
  // the configuration said consent was needed).
  assert.deepEqual(await written(), []);

  await win.getByRole('button', { name: 'I agree' }).click();
  await win.getByRole('textbox').first().waitFor();
  assert.equal(await stored(page, 'agreed'), '1');
  assert.ok(await stored(page, 'token'), 'the visitor is stored once they agreed');

  // The window was stored open with the rest: it comes back open, with no question.
  await page.reload();
  await win.getByRole('textbox').first().waitFor();
  assert.equal(await win.getByRole('heading', { name: 'Your data' }).count(), 0, 'not asked again');
  await context.close();
});

test('"Forget my data" ends the chat, deletes the visitor on the server and here, and asks for consent again', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await knownVisitor(page, 'Greta', `forget.${Date.now()}@example.com`);
  await page.goto(consentServer.url + '/');
  await launcher(page).click();
  const win = chatWindow(page);
  await win.getByRole('button', { name: 'I agree' }).click();
  await win.getByRole('textbox').fill('Please forget me afterwards');
  await win.getByRole('button', { name: 'Send' }).click();
  await win.locator('.lc-bubble', { hasText: 'Please forget me afterwards' }).waitFor();
  const token = await stored(page, 'token');
  const visitor = await fetch(`${consentServer.url}/api/v1/livechat/visitor/${token}`);
  assert.equal(visitor.status, 200);

  // Cancel keeps everything; focus goes back to the menu's button.
  await win.getByRole('button', { name: 'Options' }).click();
  await win.getByRole('menuitem', { name: 'Forget my data' }).click();
  const sheet = win.getByRole('alertdialog', { name: 'Forget my data?' });
  await sheet.waitFor();
  await sheet.getByRole('button', { name: 'Cancel' }).click();
  await sheet.waitFor({ state: 'detached' });
  await until(async () => (await focused(page)).name === 'Options', 'focus on the menu button');

  await win.getByRole('button', { name: 'Options' }).click();
  await win.getByRole('menuitem', { name: 'Forget my data' }).click();
  await sheet.getByRole('button', { name: 'Forget my data' }).click();
  await win.getByRole('heading', { name: 'Your data' }).waitFor();
  const gone = await fetch(`${consentServer.url}/api/v1/livechat/visitor/${token}`);
  assert.equal(gone.status, 400, 'the server no longer knows the visitor');
  assert.deepEqual(await storedKeys(page), [], 'nothing of the visitor is left in storage');
  await context.close();
});

test('the transcript offer after a chat: prefilled, checked, sent once, not offered again', async () => {
  const email = `transcript.${Date.now()}@example.com`;
  const { context, page, win } = await chatting('Tom', email, 'Transcript please');
  await endChat(win);
  const offer = win.getByRole('region', { name: 'A copy of this chat' });
  await offer.waitFor();
  await offer.getByText('Want this chat in your inbox?').waitFor();
  const field = offer.getByRole('textbox', { name: 'E-mail' });
  assert.equal(await field.inputValue(), email, 'prefilled with the visitor’s address');
  // The survey stays reachable beside it.
  await win.getByRole('button', { name: 'Skip' }).waitFor();

  await field.fill('not an address');
  await offer.getByRole('button', { name: 'Send me the transcript' }).click();
  await offer.getByRole('alert').filter({ hasText: 'Enter a valid e-mail address' }).waitFor();
  assert.equal(await field.getAttribute('aria-invalid'), 'true');

  const other = `copy.${Date.now()}@example.com`;
  await field.fill(other);
  await field.press('Enter');
  await offer.getByRole('status').filter({ hasText: `The transcript is on its way to ${other}.` }).waitFor();

  const agent = await agentLogin(server.url);
  const { body } = await agent.call('GET', '/api/v1/livechat/transcripts');
  const mine = body.transcripts.filter((t) => t.email === other);
  assert.equal(mine.length, 1, 'the server stored the request once');

  // Past the survey, the thanks do not offer it again (once per room; the rooms are stored, so
  // this holds across a reload too).
  await win.getByRole('button', { name: 'Skip' }).click();
  await win.getByRole('button', { name: 'Start a new chat' }).waitFor();
  await page.waitForTimeout(300);
  assert.equal(await win.getByRole('region', { name: 'A copy of this chat' }).count(), 0);
  // A reload: the room is remembered as asked for; nothing offers or sends it again.
  await page.reload();
  await page.waitForTimeout(500);
  assert.ok((await stored(page, 'mailed')).split(' ').includes(mine[0].rid), 'the room is remembered');
  assert.equal(await win.getByRole('region', { name: 'A copy of this chat' }).count(), 0);
  const again = (await agent.call('GET', '/api/v1/livechat/transcripts')).body.transcripts;
  assert.equal(again.filter((t) => t.email === other).length, 1, 'not sent twice');
  await context.close();
});

test("the pre-chat form's own fields: checked in the visitor's language, then sent with the registration", async () => {
  const context = await browser.newContext({ locale: 'de-DE' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  // The site set the plan: it is not asked again.
  await page.addInitScript(() => {
    window.RocketChat = function (c) {
      window.RocketChat._.push(c);
    };
    window.RocketChat._ = [];
    window.RocketChat(function () {
      this.setCustomField('plan', 'Pro');
    });
  });
  await page.goto(server.url + '/');
  await launcher(page).click();
  const win = chatWindow(page);
  const order = win.getByRole('textbox', { name: 'Order number' });
  await order.waitFor();
  assert.equal(await win.getByRole('textbox', { name: 'Plan' }).count(), 0, 'the site’s field is not asked');
  const topic = win.getByRole('combobox', { name: 'Topic' });
  assert.deepEqual(await topic.locator('option').allTextContents(), ['Bitte wählen…', 'Billing', 'Shipping']);

  // Nothing filled in: the widget's own field and the server's are refused together, focus
  // on the first in the form's order.
  const name = win.getByRole('textbox', { name: 'Name' });
  await win.getByRole('button', { name: 'Chat starten' }).click();
  await win.getByText('Dieses Feld ist erforderlich').waitFor();
  await win.getByText('Bitte geben Sie Ihren Namen ein.').waitFor();
  await until(async () => (await focused(page)).id === (await name.getAttribute('id')), 'focus on the name');

  await name.fill('Greta');
  await win.getByRole('textbox', { name: 'E-Mail' }).fill(`fields.${Date.now()}@example.com`);
  await win.getByRole('button', { name: 'Chat starten' }).click();
  await win.getByText('Dieses Feld ist erforderlich').waitFor();
  assert.equal(await order.getAttribute('aria-invalid'), 'true');
  await until(async () => (await focused(page)).id === (await order.getAttribute('id')), 'focus on the field');
  const unknown = await fetch(`${server.url}/api/v1/livechat/visitor/${await stored(page, 'token')}`);
  assert.equal(unknown.status, 400, 'not registered while a field will not do');

  await order.fill('12a45');
  await win.getByRole('button', { name: 'Chat starten' }).click();
  await win.getByText('Dieser Wert ist ungültig').waitFor();

  // The server's fields will do, the name not: nothing goes; then the topic is taken back.
  await order.fill(' 54321 ');
  await topic.selectOption('Shipping');
  await name.fill('');
  await win.getByRole('button', { name: 'Chat starten' }).click();
  await win.getByText('Bitte geben Sie Ihren Namen ein.').waitFor();
  await name.fill('Greta');
  await topic.selectOption('');
  await win.getByRole('button', { name: 'Chat starten' }).click();
  await win.getByRole('textbox', { name: /Nachricht/ }).waitFor();
  const token = await stored(page, 'token');
  const { visitor } = await (await fetch(`${server.url}/api/v1/livechat/visitor/${token}`)).json();
  assert.deepEqual(
    Object.fromEntries(Object.entries(visitor.livechatData ?? {}).sort()),
    { order: '54321', plan: 'Pro' },
    'the values of the last try (trimmed), the topic taken back not sent, the site’s plan',
  );
  await context.close();
});

test('a transcript not asked for on the survey is still offered with the thanks', async () => {
  const { context, win } = await chatting('Una', `later.${Date.now()}@example.com`, 'Maybe later');
  await endChat(win);
  await win.getByRole('region', { name: 'A copy of this chat' }).waitFor();
  await win.getByRole('button', { name: 'Skip' }).click();
  await win.getByRole('button', { name: 'Start a new chat' }).waitFor();
  const offer = win.getByRole('region', { name: 'A copy of this chat' });
  await offer.waitFor();
  await offer.getByRole('button', { name: 'Send me the transcript' }).click();
  await offer.getByRole('status').filter({ hasText: 'The transcript is on its way' }).waitFor();
  await context.close();
});

test('the consent screen comes even when the second module failed to load the first time', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  let refused = 0;
  await page.route('**/rich_bg.wasm', (route) => (refused++ === 0 ? route.abort() : route.continue()));
  await page.goto(consentServer.url + '/');
  await launcher(page).click();
  const win = chatWindow(page);
  await win.getByRole('heading', { name: 'Your data' }).waitFor();
  assert.ok(refused >= 2, 'fetched again after the failure');
  await win.getByRole('button', { name: 'I agree' }).click();
  await win.getByRole('textbox').first().waitFor();
  await context.close();
});

test("a click on the loader's launcher before the widget came is no agreement", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  const written = await recordWrites(page);
  // The widget's wasm comes late: the visitor clicks the loader's own launcher meanwhile.
  await page.route('**/widget_bg.wasm', async (route) => {
    await new Promise((r) => setTimeout(r, 800));
    await route.continue();
  });
  await page.goto(consentServer.url + '/');
  await launcher(page).click();
  const win = chatWindow(page);
  await win.getByRole('heading', { name: 'Your data' }).waitFor();
  assert.equal(await win.getByRole('textbox').count(), 0);
  assert.deepEqual(await written(), [], 'nothing stored: the click opened the window, it did not agree');
  await context.close();
});

test("the agent's close reaching the widget offers the transcript too", async () => {
  const email = `agentclose.${Date.now()}@example.com`;
  const hello = `Closed by the agent ${Date.now()}`;
  const { context, win } = await chatting('Ida', email, hello);
  const agent = await agentLogin(server.url);
  const room = await agentRoomWith(agent, hello);
  const closed = await agent.call('POST', '/api/v1/livechat/room.closeByUser', { rid: room._id, comment: 'Done' });
  assert.equal(closed.status, 200, JSON.stringify(closed.body));
  const offer = win.getByRole('region', { name: 'A copy of this chat' });
  await offer.waitFor();
  assert.equal(await offer.getByRole('textbox', { name: 'E-mail' }).inputValue(), email);
  await win.getByRole('button', { name: 'Skip' }).waitFor();
  await context.close();
});
