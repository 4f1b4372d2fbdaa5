// Rich messages in the widget: an agent's formatted text, emoji shortcode, image and PDF are
// drawn as elements by the second module (`rich.js`), loaded only once a message needs it, with
// the emoji table fetched only for a shortcode; hostile markup, addresses and file names in
// text and attachments run nothing and insert no HTML.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentLogin, agentRoomWith, chatWindow, knownVisitor, launchBrowser, launcher, png, startServer, until } from './support.mjs';

let server;
let browser;

before(async () => {
  // SVG is allowed here (a default server refuses it), to show that one with a script runs
  // nothing in the widget either.
  const config = join(tmpdir(), `livechat-rich-${process.pid}.toml`);
  writeFileSync(config, 'file_upload_media_type_black_list = "text/html"\n');
  [server, browser] = await Promise.all([startServer({ args: ['--config', config] }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A visitor in the widget with a served room, and the agent over REST. */
async function chat(prefix) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  const email = `${prefix}.${Date.now()}.${Math.random().toString(36).slice(2)}@example.com`;
  await knownVisitor(page, 'Rich Visitor', email);
  await page.goto(server.url + '/');
  await launcher(page).click();
  const win = chatWindow(page);
  // Plain text (no address in it), so that nothing needs the second module yet.
  const hello = `Hello from visitor ${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  const composer = win.getByRole('textbox', { name: 'Type your message…' });
  await composer.fill(hello);
  await composer.press('Enter');
  await win.getByRole('heading', { name: 'Alex Agent' }).waitFor();
  const agent = await agentLogin(server.url);
  const room = await agentRoomWith(agent, hello);
  const say = async (message) => {
    const res = await agent.call('POST', '/api/v1/chat.sendMessage', { message: { rid: room._id, ...message } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };
  return { context, page, win, agent, room, say, requests };
}

test('an agent’s formatted text, emoji, image and PDF are drawn as elements, loaded when needed', async () => {
  const { context, win, agent, room, say, requests } = await chat('rich');
  // Plain messages need neither the second module nor the emoji table.
  await say({ msg: 'Hello, how can I help?' });
  await win.locator('.lc-theirs .lc-bubble', { hasText: 'how can I help' }).waitFor();
  assert.ok(!requests.some((p) => p.endsWith('/rich_bg.wasm') || p.endsWith('/emoji.json')), requests.join(' '));

  await say({ msg: '*Thanks!* Here is the _manual_ :smile:' });
  const bubble = win.locator('.lc-theirs .lc-bubble', { hasText: 'Thanks!' });
  await bubble.locator('strong', { hasText: 'Thanks!' }).waitFor();
  assert.equal(await bubble.locator('em').textContent(), 'manual');
  const smile = bubble.getByRole('img', { name: ':smile:' });
  await smile.waitFor();
  assert.equal(await smile.textContent(), '😄');
  assert.equal(await bubble.textContent(), 'Thanks! Here is the manual 😄');
  assert.ok(requests.some((p) => p.endsWith('/rich_bg.wasm')) && requests.some((p) => p.endsWith('/emoji.json')));

  await say({ msg: '```\nfn main() {}\n```\n- one\n- two' });
  const code = win.locator('.lc-theirs pre.lc-code');
  await code.waitFor();
  assert.equal(await code.textContent(), 'fn main() {}');
  assert.equal(await win.locator('.lc-theirs ul li').count(), 2);

  await agent.sendFile(room._id, 'blue square.png', 'image/png', png(40, 30, () => [0, 0, 255]), 'a blue square');
  const img = win.getByRole('img', { name: 'a blue square' });
  await img.waitFor();
  assert.equal(await img.getAttribute('width'), '40', 'sized from its dimensions before it loads');
  // Drawn: the visitor's token and room reached the file route.
  await until(async () => (await img.evaluate((e) => e.complete && e.naturalWidth)) === 40, 'the image to load');
  const src = new URL(await img.getAttribute('src'));
  assert.equal(src.searchParams.get('rc_rid'), room._id);
  assert.equal(src.searchParams.get('rc_room_type'), 'l');
  const full = win.getByRole('link', { name: 'a blue square' });
  assert.equal(await full.getAttribute('target'), '_blank');

  await agent.sendFile(room._id, 'manual.pdf', 'application/pdf', Buffer.from('%PDF-1.4\n%%EOF\n'));
  const card = win.locator('a.lc-file', { hasText: 'manual.pdf' });
  await card.waitFor();
  assert.equal(await card.getAttribute('download'), 'manual.pdf');
  assert.match(await card.textContent(), /manual\.pdf.*PDF · 15 B.*Download/);
  const pdf = await fetch(await card.getAttribute('href'));
  assert.equal(pdf.status, 200, 'the card’s address reads the file');
  await context.close();
});

test('hostile markup, addresses and file names run nothing and insert no HTML', async () => {
  const { context, page, win, agent, room, say } = await chat('hostile');
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss();
  });
  await page.evaluate(() => {
    window.__pwned = 0;
  });
  const js = 'javascript:window.__pwned=1';
  await say({ msg: `[a](${js}) [b](data:text/html,<script>parent.__pwned=1</script>) [c](vbscript:msgbox(1)) end` });
  await say({ msg: '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=1</script> *raw*' });
  await say({
    msg: '',
    attachments: [
      {
        title: '<img src=x onerror="window.__pwned=1">',
        title_link: js,
        text: '<script>window.__pwned=1</script>',
        description: '<svg onload="window.__pwned=1">',
        image_url: js,
      },
      { author_name: '<b onmouseover="window.__pwned=1">Mallory</b>', text: '<iframe src="javascript:window.__pwned=1">', message_link: js },
      { title: 'data image', image_url: 'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=1"/>', title_link: 'vbscript:msgbox(1)' },
      { title: 'audio', audio_url: js, video_url: 'data:video/mp4,x', type: 'file' },
    ],
  });
  await agent.sendFile(room._id, '<img src=x onerror="window.__pwned=1">.txt', 'text/plain', Buffer.from('x'), '<b>bold?</b>');
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="window.__pwned=1"><script>window.__pwned=1;alert(1)</script></svg>';
  await agent.sendFile(room._id, 'evil.svg', 'image/svg+xml', Buffer.from(svg), 'an svg');

  // Everything arrived and was drawn.
  await win.locator('a.lc-file', { hasText: '.txt' }).waitFor();
  await win.getByRole('img', { name: 'an svg' }).waitFor();
  await win.locator('.lc-quote cite', { hasText: 'Mallory' }).waitFor();
  const audit = await win.locator('.lc-messages').evaluate((list) => {
    const all = [...list.querySelectorAll('*')];
    return {
      scripts: all.filter((e) => ['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED'].includes(e.tagName) || e.namespaceURI !== 'http://www.w3.org/1999/xhtml').map((e) => e.outerHTML),
      handlers: all.flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName} ${a.name}`)),
      addresses: all
        .flatMap((e) => ['href', 'src'].map((k) => e.getAttribute(k)).filter(Boolean))
        .filter((a) => !/^(https?:|mailto:)/i.test(a)),
      texts: list.textContent,
    };
  });
  assert.deepEqual(audit.scripts, []);
  assert.deepEqual(audit.handlers, []);
  assert.deepEqual(audit.addresses, []);
  // The markup shows as text.
  assert.ok(audit.texts.includes('<img src=x onerror="window.__pwned=1">'), 'markup in text shows as text');
  assert.ok(audit.texts.includes('<script>window.__pwned=1</script>'));
  // The SVG shows as an image, where no script runs.
  assert.equal(await win.getByRole('img', { name: 'an svg' }).evaluate((e) => e.tagName), 'IMG');
  // Hovering and following what can be followed runs nothing either.
  await win.locator('.lc-quote cite').hover();
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__pwned), 0);
  assert.deepEqual(dialogs, []);
  await context.close();
});
