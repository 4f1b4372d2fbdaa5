// The window's header and the agent's messages with what the server shows of the agent: the
// avatar from `/avatar/<username>` over the initials (which show while it loads or when it
// fails), the e-mail and phone (`Livechat_show_agent_email`); and the notification sound the
// visitor turns off and on from the menu, remembered across a reload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentLogin, agentRoomWith, chatWindow, knownVisitor, launchBrowser, launcher, startServer } from './support.mjs';

let server;
let browser;

before(async () => {
  const config = join(tmpdir(), `livechat-header-${process.pid}.toml`);
  writeFileSync(
    config,
    `show_agent_email = true

[[agents]]
username = "agent"
password = "agent"
name = "Alex Agent"
email = "alex@example.com"
phone = "+1 555 0100"
roles = ["user", "livechat-agent", "livechat-manager"]
`,
  );
  [server, browser] = await Promise.all([startServer({ args: ['--config', config] }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A host page whose script tag has `data` attributes. */
async function hostPage(context, data) {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  const attrs = Object.entries({ server: '/', ...data })
    .map(([k, v]) => ` data-${k}="${v}"`)
    .join('');
  await page.route(
    (u) => u.pathname === '/header-host.html',
    (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head><body><h1>Host</h1><script src="/livechat.js"${attrs}></script></body></html>`,
      }),
  );
  return page;
}

/** The `--lc-face` an avatar element was given, and whether its picture loaded (painted over the initials). */
const faceOf = (locator) =>
  locator.evaluate((el) => ({
    face: el.style.getPropertyValue('--lc-face'),
    painted: getComputedStyle(el, '::before').backgroundImage,
    initials: el.textContent.trim(),
  }));

test("the agent's avatar over the initials, their e-mail and phone, in the header and beside their messages", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  const avatars = [];
  page.on('response', (r) => {
    if (new URL(r.url()).pathname.startsWith('/avatar/')) avatars.push([new URL(r.url()).pathname, r.status()]);
  });
  await knownVisitor(page, 'Ada', `header.${Date.now()}@example.com`);
  await page.goto(server.url + '/');
  await launcher(page).click();
  const win = chatWindow(page);
  const hello = `Hello header ${Date.now()}`;
  await win.getByRole('textbox').fill(hello);
  await win.getByRole('button', { name: 'Send' }).click();
  await win.getByRole('heading', { name: 'Alex Agent' }).waitFor();

  const header = win.locator('.lc-header .lc-avatar');
  const { face, painted, initials } = await faceOf(header);
  assert.equal(face, `url("${server.url}/avatar/agent")`);
  assert.match(painted, /\/avatar\/agent/);
  assert.equal(initials, 'AA', 'the initials stay under it');
  assert.equal(await win.locator('.lc-contact a[href="mailto:alex@example.com"]').textContent(), 'alex@example.com');
  assert.equal(await win.locator('.lc-contact a[href="tel:+1 555 0100"]').textContent(), '+1 555 0100');

  const agent = await agentLogin(server.url);
  const room = await agentRoomWith(agent, hello);
  for (const msg of ['Hi Ada!', 'How can I help?']) {
    const res = await agent.call('POST', '/api/v1/chat.sendMessage', { message: { rid: room._id, msg } });
    assert.equal(res.status, 200);
  }
  await win.locator('.lc-theirs .lc-bubble', { hasText: 'How can I help?' }).waitFor();
  // One avatar for the group, beside the first of its messages; none beside the visitor's.
  const minis = win.locator('.lc-theirs .lc-mini');
  assert.equal(await minis.count(), 1);
  const mini = await faceOf(minis.first());
  assert.equal(mini.face, `url("${server.url}/avatar/agent")`);
  assert.equal(await minis.first().getAttribute('data-initials'), 'AA');
  assert.equal(mini.initials, '', 'the initials are drawn, not part of the sender’s name');
  assert.equal(await win.locator('.lc-mine .lc-mini').count(), 0);
  await page.waitForTimeout(200);
  assert.ok(
    avatars.some(([p, status]) => p === '/avatar/agent' && (status === 200 || status === 304)),
    JSON.stringify(avatars),
  );
  await context.close();
});

test('the visitor turns the notification sound off and on from the menu, remembered after a reload', async () => {
  const context = await browser.newContext();
  const page = await hostPage(context, { sound: 'on', load: 'interaction' });
  await page.goto(`${server.url}/header-host.html`);
  await launcher(page).click();
  const win = chatWindow(page);
  await win.getByRole('button', { name: 'Options' }).click();
  const sound = win.getByRole('menuitemcheckbox', { name: 'Notification sound' });
  assert.equal(await sound.getAttribute('aria-checked'), 'true', 'on as the site asked');
  await sound.click();
  assert.equal(await sound.getAttribute('aria-checked'), 'false');
  const muted = await page.evaluate(() => Object.keys(localStorage).some((k) => k.endsWith('#muted') && localStorage.getItem(k) === '1'));
  assert.ok(muted, 'remembered');

  await page.reload();
  if (!(await win.isVisible())) await launcher(page).click();
  await win.getByRole('button', { name: 'Options' }).click();
  assert.equal(await sound.getAttribute('aria-checked'), 'false', 'still off after a reload');
  // A menu item like the others for the keyboard.
  await sound.focus();
  await sound.press('Enter');
  assert.equal(await sound.getAttribute('aria-checked'), 'true');
  await context.close();

  // Without the site's sound option there is no such item.
  const plain = await browser.newContext();
  const other = await hostPage(plain, { load: 'interaction' });
  await other.goto(`${server.url}/header-host.html`);
  await launcher(other).click();
  await chatWindow(other).getByRole('textbox').first().waitFor();
  assert.equal(await chatWindow(other).getByRole('menuitemcheckbox').count(), 0);
  await plain.close();
});
