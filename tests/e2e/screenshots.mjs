// The README's screenshots of the widget's main screens, on the demo host page:
// `cargo xtask screenshots` (after building dist/) runs `node tests/e2e/screenshots.mjs docs/screenshots`.
// Not a test: it only fails when a screen cannot be reached.

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { ROOT, agentLogin, agentRoomWith, chatWindow, knownVisitor, launchBrowser, launcher, png, startServer, until } from './support.mjs';

const out = resolve(ROOT, process.argv[2] || 'docs/screenshots');
mkdirSync(out, { recursive: true });

const DESKTOP = { width: 1100, height: 760 };
const MOBILE = { width: 390, height: 844 };

const [server, offline, browser] = await Promise.all([
  startServer(),
  startServer({ args: ['--agents-offline'] }),
  launchBrowser(),
]);

/** A visitor on the demo page; `scheme` rewrites the script tag's `data-color-scheme`. */
async function visitor({ viewport = DESKTOP, scheme, url = server.url, known = true } = {}) {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce', deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  if (scheme) {
    await page.route(
      (u) => u.pathname === '/',
      async (route) => {
        const res = await route.fetch();
        const html = (await res.text()).replace('data-server="/"', `data-server="/" data-color-scheme="${scheme}"`);
        await route.fulfill({ response: res, body: html });
      },
    );
  }
  if (known) {
    const email = `shots.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@example.com`;
    await knownVisitor(page, 'Ada Lovelace', email);
  }
  await page.goto(url + '/');
  return page;
}

/** The bottom-right corner where the widget lives, or the whole viewport when narrow. */
function corner(page, width = 440, height = 720) {
  const v = page.viewportSize();
  if (v.width < 480) return undefined;
  return { x: v.width - width, y: v.height - height, width, height };
}

async function shoot(page, name, clip = corner(page)) {
  // Let focus rings and the window's entrance settle.
  await page.waitForTimeout(300);
  const path = join(out, `${name}.png`);
  await page.screenshot({ path, clip: clip ?? undefined, animations: 'disabled', caret: 'hide' });
  console.log(`wrote ${path}`);
}

/** Opens the window, says hello, and has the agent answer over REST. */
async function conversation(page) {
  await launcher(page).click();
  const win = chatWindow(page);
  const composer = win.getByRole('textbox', { name: 'Type your message…' });
  await composer.fill('Hello! Do the Trailhead 2 tents come with a footprint?');
  await composer.press('Enter');
  await win.getByRole('heading', { name: 'Alex Agent' }).waitFor();
  const agent = await agentLogin(server.url);
  const room = await agentRoomWith(agent, (msg) => msg.startsWith('Hello! Do the Trailhead'));
  for (const msg of ['Hi Ada! Yes, every Trailhead 2 ships with a matching footprint.', 'Anything else I can help with?']) {
    const res = await agent.call('POST', '/api/v1/chat.sendMessage', { message: { rid: room._id, msg } });
    if (res.status !== 200) throw new Error(`the agent's reply failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  await win.locator('.lc-bubble', { hasText: 'Anything else I can help with?' }).waitFor();
  await until(async () => (await win.locator('.lc-status').count()) === 0, 'the message to be confirmed');
  await composer.fill('Great, thanks!');
  return { win, agent, room };
}

/** A PNG picture (`w`×`h`): an evening sky over hills. */
function picture(w, h) {
  return png(w, h, (x, y) => {
    const t = y / h;
    const hill = h * (0.62 + 0.08 * Math.sin(x / 37) + 0.05 * Math.sin(x / 13 + 1));
    const sun = Math.hypot(x - w * 0.7, y - h * 0.45) < h * 0.12;
    return y > hill ? [34 + 20 * t, 85 + 30 * t, 60] : sun ? [255, 214, 120] : [250 - 120 * t, 150 - 60 * t, 120 + 80 * t];
  });
}

try {
  // The launcher, drawn by the loader on the host page.
  {
    const page = await visitor({ viewport: { width: 900, height: 560 } });
    await launcher(page).waitFor();
    await page.waitForFunction(() => window.Livechat.get().isLoaded());
    await shoot(page, 'launcher', null);
    await page.context().close();
  }
  // A conversation with an agent's reply.
  {
    const page = await visitor();
    await conversation(page);
    await shoot(page, 'chat');
    await page.context().close();
  }
  // Rich messages: the agent's formatted answer with emoji, a picture and a document.
  {
    const page = await visitor();
    await launcher(page).click();
    const win = chatWindow(page);
    const composer = win.getByRole('textbox', { name: 'Type your message…' });
    await composer.fill('Which tent do you recommend for two?');
    await composer.press('Enter');
    await win.getByRole('heading', { name: 'Alex Agent' }).waitFor();
    const agent = await agentLogin(server.url);
    const room = await agentRoomWith(agent, (msg) => msg.startsWith('Which tent'));
    const msg = '*The Trailhead 2* :tent: is our favourite:\n- sleeps _two_, packs to `2.1 kg`\n- footprint included :+1:';
    await agent.call('POST', '/api/v1/chat.sendMessage', { message: { rid: room._id, msg } });
    await agent.sendFile(room._id, 'trailhead-2.png', 'image/png', picture(320, 180), 'The Trailhead 2 at dusk');
    await agent.sendFile(room._id, 'Trailhead 2 manual.pdf', 'application/pdf', Buffer.alloc(812_345, 32));
    await win.locator('a.lc-file', { hasText: 'manual.pdf' }).waitFor();
    await win.getByRole('img', { name: ':tent:' }).waitFor();
    const img = win.getByRole('img', { name: 'The Trailhead 2 at dusk' });
    await until(async () => (await img.evaluate((e) => e.complete && e.naturalWidth)) > 0, 'the picture');
    await win.locator('.lc-messages').evaluate((e) => (e.scrollTop = e.scrollHeight));
    await shoot(page, 'rich');
    await page.context().close();
  }
  // The survey after the agent closed the chat.
  {
    const page = await visitor();
    const { win, agent, room } = await conversation(page);
    await agent.call('POST', '/api/v1/livechat/room.closeByUser', { rid: room._id, comment: 'Answered' });
    await win.getByRole('heading', { name: 'How was your chat?' }).waitFor();
    await win.getByRole('group', { name: 'Overall satisfaction' }).getByRole('radio', { name: 'Excellent' }).check();
    await shoot(page, 'survey');
    await page.context().close();
  }
  // Nobody online: the offline form, with a field the visitor got wrong.
  {
    const page = await visitor({ url: offline.url, known: false });
    await launcher(page).click();
    const win = chatWindow(page);
    await win.getByRole('heading', { name: 'Leave a message', level: 2 }).waitFor();
    await win.getByRole('textbox', { name: 'Name' }).fill('Ada Lovelace');
    await win.getByRole('textbox', { name: 'Email' }).fill('ada(at)example');
    await win.getByRole('button', { name: 'Send message' }).click();
    await win.getByText('Please enter a valid email address.').waitFor();
    await shoot(page, 'offline');
    await page.context().close();
  }
  // The dark theme (data-color-scheme="dark").
  {
    const page = await visitor({ scheme: 'dark' });
    await conversation(page);
    await shoot(page, 'dark');
    await page.context().close();
  }
  // A phone, 390 px wide: the window takes the whole screen.
  {
    const page = await visitor({ viewport: MOBILE });
    await conversation(page);
    await shoot(page, 'mobile');
    await page.context().close();
  }
} finally {
  await browser.close();
  await Promise.all([server.stop(), offline.stop()]);
}
