// The visitor's journeys on the demo host page, with the agent played in the agent console:
// a whole conversation, the offline form, and a reload that keeps the visitor.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { ROOT, chatWindow, launchBrowser, launcher, openConsole, startServer, until } from './support.mjs';

let server;
let offline;
let browser;

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
});

/** A visitor's page: its own context (storage), page errors reported. */
async function visitorPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  return page;
}

/** A unique e-mail: the server matches visitors by e-mail. */
function uniqueEmail(who) {
  return `${who}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/** The texts of the widget's message rows (visitor and agent messages, not notices), in order. */
async function widgetTexts(page) {
  return chatWindow(page).locator('li.lc-message .lc-bubble').allInnerTexts();
}

/** The texts of the console's message log (not system lines), in order. */
async function consoleTexts(page) {
  return page.getByRole('log', { name: 'Messages' }).locator('li.ac-msg .ac-text').allInnerTexts();
}

/** Opens the window and fills in the pre-chat form. */
async function register(page, name, email, department) {
  await launcher(page).click();
  const win = chatWindow(page);
  await win.getByRole('heading', { name: 'Start a chat' }).waitFor();
  await win.getByLabel('Name').fill(name);
  await win.getByLabel('Email').fill(email);
  if (department) await win.getByLabel('Department').selectOption({ label: department });
  await win.getByRole('button', { name: 'Start chat' }).click();
  await win.getByRole('textbox', { name: 'Type your message…' }).waitFor();
}

/** Types `text` in the widget's composer and sends it with Enter. */
async function say(page, text) {
  const composer = chatWindow(page).getByRole('textbox', { name: 'Type your message…' });
  await composer.fill(text);
  await composer.press('Enter');
}

test('a whole conversation: register, talk with the agent in the console, edit, delete, transfer, close, rate, start again', async () => {
  const page = await visitorPage();
  const email = uniqueEmail('grace');
  await page.goto(server.url + '/');
  await register(page, 'Grace Hopper', email, 'Sales');
  const win = chatWindow(page);

  // The first message opens the room; the Sales agent is assigned and shown in the header.
  await say(page, 'Hello, do you ship tents to Lisbon?');
  await win.getByRole('heading', { name: 'Alex Agent' }).waitFor();
  await win.getByText('Online', { exact: true }).waitFor();
  await until(async () => (await win.getByText('Sending…').count()) === 0, 'the message to be confirmed');

  // The agent opens the chat in the console and answers.
  const agent = await openConsole(browser, server.url);
  await agent.getByRole('button', { name: /Grace Hopper/ }).click();
  const log = agent.getByRole('log', { name: 'Messages' });
  await log.getByText('Hello, do you ship tents to Lisbon?').waitFor();
  // The visitor's details arrive after the room's messages.
  await until(async () => (await agent.locator('.ac-visitor-email').innerText()) === email, "the visitor's e-mail");
  assert.equal(await agent.locator('.ac-visitor-department').innerText(), 'Sales');
  const reply = agent.getByLabel('Reply');
  await reply.fill('Hi Grace! Yes, within three days.');
  await reply.press('Enter');

  // The reply reaches the visitor live, with the agent's name, and is read out politely.
  const answer = win.locator('li.lc-theirs', { hasText: 'Hi Grace! Yes, within three days.' });
  await answer.waitFor();
  assert.equal(await answer.locator('.lc-sender').innerText(), 'Alex Agent');
  assert.equal(await win.getByRole('button', { name: 'Load older messages' }).count(), 0, 'a new chat has no older history');
  await until(
    async () => (await win.locator('[aria-live="polite"]').innerText()) === 'Alex Agent: Hi Grace! Yes, within three days.',
    'the reply to be announced',
  );

  // The visitor corrects a message: the console shows the new text.
  await say(page, 'And to Porto?');
  const porto = win.locator('li.lc-mine', { hasText: 'And to Porto?' });
  await porto.getByRole('button', { name: 'Edit' }).click();
  const composer = win.getByRole('textbox', { name: 'Type your message…' });
  assert.equal(await composer.inputValue(), 'And to Porto?');
  await composer.fill('And to Porto, please?');
  await win.getByRole('button', { name: 'Save' }).waitFor();
  await composer.press('Enter');
  const edited = win.locator('li.lc-mine', { hasText: 'And to Porto, please?' });
  await edited.getByText('edited').waitFor();
  await log.getByText('And to Porto, please?').waitFor();
  assert.equal(await log.getByText('And to Porto?', { exact: true }).count(), 0);

  // …and deletes another, after confirming: it goes from both sides.
  await say(page, 'Sorry, wrong window');
  await log.getByText('Sorry, wrong window').waitFor();
  const wrong = win.locator('li.lc-mine', { hasText: 'Sorry, wrong window' });
  await wrong.getByRole('button', { name: 'Delete' }).click();
  await wrong.getByRole('button', { name: 'Cancel' }).waitFor();
  await wrong.getByRole('button', { name: 'Delete' }).click();
  await wrong.waitFor({ state: 'detached' });
  await until(async () => (await log.getByText('Sorry, wrong window').count()) === 0, 'the console to drop the deleted message');
  assert.deepEqual(await widgetTexts(page), [
    'Hello, do you ship tents to Lisbon?',
    'Hi Grace! Yes, within three days.',
    'And to Porto, please?',
  ]);
  assert.deepEqual(await consoleTexts(agent), await widgetTexts(page));

  // Transfer to Support from the window's menu: Sam takes over, and the console lets go.
  await win.getByRole('button', { name: 'Options' }).click();
  await win.getByRole('menuitem', { name: 'Change department' }).click();
  const chooser = win.getByRole('dialog', { name: 'Change department' });
  assert.equal(await chooser.getByRole('button', { name: 'Sales' }).count(), 0, 'not the current department');
  await chooser.getByRole('button', { name: 'Support' }).click();
  await win.getByText('Chat transferred to \u2068Support\u2069').waitFor(); // the name isolated
  await win.getByRole('heading', { name: 'Sam Support' }).waitFor();
  await agent.getByText('This conversation is no longer yours: it was closed or forwarded.').waitFor();

  // End the chat: a confirmation first; Cancel keeps it going.
  await win.getByRole('button', { name: 'Options' }).click();
  await win.getByRole('menuitem', { name: 'End chat' }).click();
  const confirm = win.getByRole('alertdialog', { name: 'Are you sure you want to end this chat?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'detached' });
  await win.getByRole('button', { name: 'Options' }).click();
  await win.getByRole('menuitem', { name: 'End chat' }).click();
  await confirm.getByRole('button', { name: 'End chat' }).click();

  // The survey, then thanks.
  await win.getByRole('heading', { name: 'How was your chat?' }).waitFor();
  await win.getByRole('group', { name: 'Overall satisfaction' }).getByRole('radio', { name: 'Excellent' }).check();
  await win.getByRole('group', { name: "Agent's friendliness" }).getByRole('radio', { name: 'Good' }).check();
  await win.getByLabel('Anything else you would like to tell us?').fill('Quick and friendly.');
  await win.getByRole('button', { name: 'Send feedback' }).click();
  await win.getByRole('heading', { name: 'Thank you!' }).waitFor();

  // A new chat: no form again, an empty conversation, and a new room for the agents.
  await win.getByRole('button', { name: 'Start a new chat' }).click();
  await composer.waitFor();
  assert.equal(await win.getByRole('heading', { name: 'Start a chat' }).count(), 0);
  assert.deepEqual(await widgetTexts(page), []);
  await say(page, 'One more question about boots');
  await win.getByRole('heading', { name: 'Alex Agent' }).waitFor();
  await agent.getByRole('button', { name: /Grace Hopper/ }).waitFor();
  await agent.getByRole('button', { name: /Grace Hopper/ }).click();
  await log.getByText('One more question about boots').waitFor();
  assert.deepEqual(await consoleTexts(agent), ['One more question about boots']);

  await agent.context().close();
  await page.context().close();
});

test('nobody online: the offline form checks its fields, then says the message was sent', async () => {
  const page = await visitorPage();
  await page.goto(offline.url + '/');
  await launcher(page).click();
  const win = chatWindow(page);
  await win.getByRole('heading', { name: 'Leave a message', level: 2 }).waitFor();
  const send = win.getByRole('button', { name: 'Send message' });

  // Nothing filled in: every field says what it needs, tied to the field.
  await send.click();
  await win.getByText('Please enter your name.').waitFor();
  await win.getByText('Please enter your email address.').waitFor();
  await win.getByText('Please write a message.').waitFor();
  const name = win.getByRole('textbox', { name: 'Name' });
  assert.equal(await name.getAttribute('aria-invalid'), 'true');

  // A bad address is refused; what was typed stays.
  await name.fill('Ada Lovelace');
  await win.getByRole('textbox', { name: 'Email' }).fill('ada(at)example');
  await win.getByRole('textbox', { name: 'Message' }).fill('Do you have size 44 boots?');
  await send.click();
  await win.getByText('Please enter a valid email address.').waitFor();
  assert.equal(await win.getByText('Please enter your name.').count(), 0);
  assert.equal(await name.getAttribute('aria-invalid'), 'false');
  assert.equal(await win.getByRole('textbox', { name: 'Message' }).inputValue(), 'Do you have size 44 boots?');

  const email = uniqueEmail('ada');
  await win.getByRole('textbox', { name: 'Email' }).fill(email);
  await send.click();
  await win.getByRole('heading', { name: 'Message sent' }).waitFor();
  await win.getByText('Thank you! We will get back to you soon.').waitFor();

  // The server has it, as a manager listing offline messages sees.
  const login = await (
    await fetch(`${offline.url}/api/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'agent', password: 'agent' }),
    })
  ).json();
  const list = await (
    await fetch(`${offline.url}/api/v1/livechat/offline.messages`, {
      headers: { 'x-user-id': login.data.userId, 'x-auth-token': login.data.authToken },
    })
  ).json();
  const mine = list.messages.filter((m) => m.email === email);
  assert.deepEqual(
    mine.map((m) => [m.name, m.message]),
    [['Ada Lovelace', 'Do you have size 44 boots?']],
  );
  await page.context().close();
});

test('a reload keeps the visitor: the same conversation, no second registration', async () => {
  const page = await visitorPage();
  const registrations = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/v1/livechat/visitor')) registrations.push(r.url());
  });
  await page.goto(server.url + '/');
  await register(page, 'Katherine Johnson', uniqueEmail('katherine'), 'Sales');
  await say(page, 'Before the reload');
  const win = chatWindow(page);
  await win.getByRole('heading', { name: 'Alex Agent' }).waitFor();
  await until(async () => (await win.getByText('Sending…').count()) === 0, 'the message to be confirmed');
  assert.equal(registrations.length, 1);

  await page.reload();
  // The window was open: it opens again, on the chat, with the agent and the history.
  await win.getByText('Before the reload').waitFor();
  await win.getByRole('heading', { name: 'Alex Agent' }).waitFor();
  assert.equal(await win.getByRole('heading', { name: 'Start a chat' }).count(), 0);
  await say(page, 'After the reload');
  await until(async () => (await win.getByText('Sending…').count()) === 0, 'the message to be confirmed');
  assert.deepEqual(await widgetTexts(page), ['Before the reload', 'After the reload']);
  assert.equal(registrations.length, 1, 'registered once');

  // The console shows one visitor with one room holding both messages.
  const agent = await openConsole(browser, server.url);
  const rooms = agent.getByRole('button', { name: /Katherine Johnson/ });
  await rooms.first().waitFor();
  assert.equal(await rooms.count(), 1);
  await rooms.click();
  await agent.getByRole('log', { name: 'Messages' }).getByText('After the reload').waitFor();
  assert.deepEqual(await consoleTexts(agent), ['Before the reload', 'After the reload']);
  await agent.context().close();
  await page.context().close();
});

test('on a 390 px wide phone the window fills the screen, nothing covers the composer, Minimize gives the launcher back', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(server.url + '/');
  await register(page, 'Mary Jackson', uniqueEmail('mary'));
  const win = chatWindow(page);
  assert.deepEqual(await win.boundingBox(), { x: 0, y: 0, width: 390, height: 844 });
  await win.getByRole('textbox', { name: 'Type your message…' }).fill('Hello from my phone');
  // A trial click checks that the button itself would receive it: nothing lies on top.
  await win.getByRole('button', { name: 'Send' }).click({ trial: true, timeout: 5000 });
  await win.getByRole('button', { name: 'Minimize' }).click();
  await win.waitFor({ state: 'hidden' });
  await launcher(page).waitFor();
  assert.equal(await launcher(page).getAttribute('aria-expanded'), 'false');
  await context.close();
});
