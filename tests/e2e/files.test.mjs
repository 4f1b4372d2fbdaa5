// Files between a visitor and an agent through the dev server: the visitor's upload
// (`livechat/upload/:rid`, as the widget will send it) shows in the agent console as an image
// and a file link, readable by the agent; the agent sends a file from the console
// (`rooms.media` then `rooms.mediaConfirm`) and it reaches the visitor's history, readable with
// the visitor's token and room; a type the server refuses is explained.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openConsole, png, startServer, until } from './support.mjs';

let server;
let browser;

before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A visitor with a room, over REST as the widget calls it. */
async function visitor(name) {
  const token = `files-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const api = (path, init = {}) => fetch(`${server.url}/api/v1/${path}`, init);
  const json = { 'content-type': 'application/json' };
  assert.equal((await api('livechat/visitor', { method: 'POST', headers: json, body: JSON.stringify({ visitor: { token, name } }) })).status, 200);
  const room = (await (await api(`livechat/room?token=${token}`)).json()).room;
  return { token, rid: room._id, api };
}

test('a visitor’s image shows in the console, and the agent’s file reaches the visitor', async () => {
  const v = await visitor('Ada Files');
  const image = png(40, 30, () => [255, 0, 0]);
  const form = new FormData();
  form.append('file', new Blob([image], { type: 'image/png' }), 'red square.png');
  form.append('description', 'my red square');
  const up = await v.api(`livechat/upload/${v.rid}`, { method: 'POST', headers: { 'x-visitor-token': v.token }, body: form });
  const sent = await up.json();
  assert.equal(up.status, 200, JSON.stringify(sent));
  assert.deepEqual(sent.attachments[0].image_dimensions, { width: 40, height: 30 });

  const page = await openConsole(browser, server.url);
  await page.getByRole('button', { name: /Ada Files/ }).click();
  const log = page.getByRole('log', { name: 'Messages' });
  const img = log.getByRole('img', { name: 'my red square' });
  await img.waitFor();
  // Drawn, so the agent's credentials reached the file route.
  await until(async () => (await img.evaluate((e) => e.complete && e.naturalWidth)) === 40, 'the image to load');
  assert.equal(await img.getAttribute('width'), '40', 'sized from its dimensions before it loads');
  // The picture opens full size in a new tab.
  const full = log.getByRole('link', { name: 'my red square' });
  assert.equal(await full.getAttribute('target'), '_blank');

  // The agent sends a file from the console.
  await page.getByLabel('Send a file').setInputFiles({ name: 'guide.txt', mimeType: 'text/plain', buffer: Buffer.from('the guide') });
  await log.getByRole('link', { name: 'guide.txt' }).waitFor();
  let message;
  await until(async () => {
    const history = await (await v.api(`livechat/messages.history/${v.rid}?token=${v.token}`)).json();
    message = history.messages.find((m) => m.file?.name === 'guide.txt');
    return message;
  }, 'the file in the visitor’s history');
  const att = message.attachments[0];
  assert.equal(att.title, 'guide.txt');
  assert.equal(att.fileId, message.file._id);
  const file = await fetch(`${server.url}${att.title_link}?rc_token=${v.token}&rc_rid=${v.rid}&rc_room_type=l`);
  assert.equal(file.status, 200);
  assert.equal(await file.text(), 'the guide');
  assert.equal((await fetch(`${server.url}${att.title_link}`)).status, 403, 'nobody else');

  // A type the server refuses is explained, and nothing is sent.
  await page.getByLabel('Send a file').setInputFiles({ name: 'x.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg/>') });
  await page.getByText('The server does not take files of this type.').waitFor();
  await page.context().close();
});
