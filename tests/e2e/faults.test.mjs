// Faults during a conversation: the dev server is stopped (killed or terminated) and restarted
// on the same port and database, and the visitor's browser goes offline and online, at least
// 20 times in all, while the visitor (typing in the widget) and the agent (over REST) keep
// sending. At the end every message sent by either side appears exactly once, in order, in the
// widget and in the server's history, and both are the same list.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { agentLogin, chatWindow, launchBrowser, launcher, sleep, startServer, until } from './support.mjs';

/** Disruptions in all: server restarts and offline spells, alternating. */
const DISRUPTIONS = 22;
/** The waits are drawn from this seed, so a failing run can be replayed (FAULT_SEED=…). */
const SEED = Number(process.env.FAULT_SEED) || 20261121;

let dir;
let server;
let browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'livechat-faults-'));
  [server, browser] = await Promise.all([startServer({ db: join(dir, 'livechat.db') }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** mulberry32: a small seeded generator, uniform in [0, 1). */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every message of the room the server holds, oldest first (paged through history). */
async function serverHistory(url, rid, token) {
  const all = [];
  let end;
  for (;;) {
    const q = new URLSearchParams({ token, limit: '50', ...(end ? { end } : {}) });
    const res = await fetch(`${url}/api/v1/livechat/messages.history/${rid}?${q}`);
    assert.equal(res.status, 200, 'history answers');
    const { messages } = await res.json();
    all.push(...messages);
    if (messages.length < 50) break;
    // `end` is exclusive: ask up to the oldest's millisecond included (the overlap merges away).
    end = new Date(Math.min(...messages.map((m) => Date.parse(m.ts))) + 1).toISOString();
  }
  const seen = new Set();
  return all
    .filter((m) => !seen.has(m._id) && seen.add(m._id))
    .sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
}

/**
 * Checks one side's list of `{id, text}` against what each sender sent: every message exactly
 * once and each sender's messages in the order sent. Returns the counts.
 */
function check(side, list, visitorTexts, agentSent) {
  const counts = new Map();
  for (const m of list) counts.set(m.text, (counts.get(m.text) || 0) + 1);
  const sent = [...visitorTexts, ...agentSent.map((a) => a.text)];
  const duplicates = [...counts].filter(([, n]) => n > 1).map(([t, n]) => `${t} ×${n}`);
  const missing = sent.filter((t) => !counts.has(t));
  const unexpected = list.filter((m) => !sent.includes(m.text)).map((m) => m.text);
  const order = (texts) => list.map((m) => m.text).filter((t) => texts.includes(t));
  const agentIds = new Map(agentSent.map((a) => [a.text, a.id]));
  const wrongIds = list.filter((m) => agentIds.has(m.text) && agentIds.get(m.text) !== m.id).map((m) => m.text);
  return {
    side,
    seen: list.length,
    visitor: list.filter((m) => visitorTexts.includes(m.text)).length,
    agent: list.filter((m) => agentIds.has(m.text)).length,
    duplicates,
    missing,
    unexpected,
    visitorInOrder: JSON.stringify(order(visitorTexts)) === JSON.stringify(visitorTexts),
    agentInOrder: JSON.stringify(order([...agentIds.keys()])) === JSON.stringify(agentSent.map((a) => a.text)),
    wrongIds,
  };
}

test('server restarts and offline spells lose and duplicate nothing, on either side', async () => {
  const started = Date.now();
  const rnd = random(SEED);
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  const email = `faults.${Date.now()}@example.com`;
  // The site knows the visitor: no pre-chat form.
  await page.addInitScript((email) => {
    window.RocketChat = function (c) { window.RocketChat._.push(c); };
    window.RocketChat._ = [];
    window.RocketChat(function () {
      this.setGuestName('Fault Tester');
      this.setGuestEmail(email);
    });
  }, email);
  await page.goto(server.url + '/');
  await launcher(page).click();
  const win = chatWindow(page);
  const composer = win.getByRole('textbox', { name: 'Type your message…' });
  await composer.waitFor();

  const visitorTexts = [];
  const say = async (text) => {
    visitorTexts.push(text);
    await composer.fill(text);
    await composer.press('Enter');
  };
  // The first message opens the room; the agent is assigned at once (auto routing).
  await say('visitor 000');
  await win.getByRole('heading', { name: 'Alex Agent' }).waitFor();

  const agent = await agentLogin(server.url);
  let room;
  await until(async () => {
    const q = new URLSearchParams({ 'agents[]': agent.userId, open: 'true' });
    const { body } = await agent.call('GET', `/api/v1/livechat/rooms?${q}`);
    room = body?.rooms?.find((r) => r.fname === 'Fault Tester');
    return room;
  }, 'the room in the agent list');
  const rid = room._id;
  const token = room.v.token;

  // The agent: one message at a time, with its own `_id`, sent again until the server has it.
  // A resend of an `_id` the server already stored is answered with Rocket.Chat's 400; the
  // history then says whether it is there.
  const agentSent = [];
  let agentAttempts = 0;
  async function agentSend(n) {
    const text = `agent ${String(n).padStart(3, '0')}`;
    const id = `fault-agent-${String(n).padStart(3, '0')}-${SEED}`;
    agentSent.push({ id, text });
    for (let attempt = 1; ; attempt++) {
      // Restarts take well under a second: this many tries means something else is wrong.
      if (attempt > 300) throw new Error(`the agent could not send ${text}`);
      agentAttempts++;
      let res;
      try {
        res = await agent.call('POST', '/api/v1/chat.sendMessage', { message: { _id: id, rid, msg: text } });
      } catch {
        await sleep(100); // the server is down
        continue;
      }
      if (res.status === 200) return;
      if (res.status === 400) {
        const stored = await serverHistory(server.url, rid, token).catch(() => []);
        if (stored.some((m) => m._id === id && m.msg === text)) return;
      }
      if (res.status >= 500 || res.status === 400) {
        await sleep(100);
        continue;
      }
      throw new Error(`the agent's message was refused: ${res.status} ${JSON.stringify(res.body)}`);
    }
  }

  let stop = false;
  const visitorLoop = (async () => {
    for (let n = 1; !stop; n++) {
      await say(`visitor ${String(n).padStart(3, '0')}`);
      await sleep(150 + rnd() * 350);
    }
  })();
  const agentLoop = (async () => {
    for (let n = 1; !stop; n++) {
      await agentSend(n);
      await sleep(150 + rnd() * 350);
    }
  })();

  // What the visitor saw meanwhile: messages waiting to be sent, the reconnecting banner.
  const felt = { waiting: 0, banner: 0, samples: 0 };
  const watcher = (async () => {
    while (!stop) {
      const [waiting, banner] = await Promise.all([
        win.locator('.lc-status').count(),
        win.getByText('Connection lost. Reconnecting…').count(),
      ]);
      felt.samples++;
      felt.waiting += waiting > 0;
      felt.banner += banner > 0;
      await sleep(100);
    }
  })();

  // The disruptions: a restart (killed or terminated), then an offline spell, and so on.
  let restarts = 0;
  let offlineSpells = 0;
  for (let i = 0; i < DISRUPTIONS; i++) {
    await sleep(300 + rnd() * 700);
    if (i % 2 === 0) {
      const signal = i % 4 === 0 ? 'SIGKILL' : 'SIGTERM';
      await server.stop({ signal });
      await sleep(100 + rnd() * 500);
      await server.start();
      restarts++;
    } else {
      await context.setOffline(true);
      await sleep(200 + rnd() * 800);
      await context.setOffline(false);
      offlineSpells++;
    }
  }
  stop = true;
  await Promise.all([visitorLoop, agentLoop, watcher]);
  const sendingDone = Date.now();

  // Settle: the outbox drains and both sides show everything (generous, polled).
  const expected = visitorTexts.length + agentSent.length;
  const widgetList = () =>
    win.locator('li.lc-message').evaluateAll((rows) =>
      rows.map((r) => ({ id: r.dataset.id, text: r.querySelector('.lc-bubble').innerText })),
    );
  const serverList = async () =>
    (await serverHistory(server.url, rid, token)).filter((m) => !m.t).map((m) => ({ id: m._id, text: m.msg }));
  await until(
    async () =>
      (await win.locator('.lc-status').count()) === 0 &&
      (await widgetList()).length >= expected &&
      (await serverList()).length >= expected,
    'the outbox to drain and both sides to show every message',
    90_000,
  );
  // Nothing more arrives late.
  await sleep(1500);
  const shown = await widgetList();
  const stored = await serverList();
  const took = Date.now() - started;

  const sides = [check('widget', shown, visitorTexts, agentSent), check('server', stored, visitorTexts, agentSent)];
  console.log(
    `faults (seed ${SEED}): ${restarts} server restarts + ${offlineSpells} offline spells = ${restarts + offlineSpells} disruptions; ` +
      `the widget had messages waiting in ${felt.waiting} and showed the reconnecting banner in ${felt.banner} of ${felt.samples} samples; ` +
      `sent: visitor ${visitorTexts.length}, agent ${agentSent.length} (${agentAttempts} agent attempts); ` +
      sides
        .map(
          (s) =>
            `${s.side}: ${s.seen} seen (visitor ${s.visitor}, agent ${s.agent}), ` +
            `${s.duplicates.length} duplicated, ${s.missing.length} missing`,
        )
        .join('; ') +
      `; settled ${((Date.now() - sendingDone) / 1000).toFixed(1)} s after the last send; total ${(took / 1000).toFixed(1)} s`,
  );
  assert.ok(restarts + offlineSpells >= 20, 'at least 20 disruptions');
  assert.ok(felt.waiting > 0 && felt.banner > 0, 'the visitor felt the disruptions');
  for (const s of sides) {
    if (!s.visitorInOrder || !s.agentInOrder) {
      const list = s.side === 'widget' ? shown : stored;
      console.log(`${s.side} order:`, list.map((m) => m.text).join(', '));
    }
  }
  for (const s of sides) {
    assert.deepEqual(s.duplicates, [], `${s.side}: nothing twice`);
    assert.deepEqual(s.missing, [], `${s.side}: nothing missing`);
    assert.deepEqual(s.unexpected, [], `${s.side}: nothing else`);
    assert.ok(s.visitorInOrder, `${s.side}: the visitor's messages in the order sent`);
    assert.ok(s.agentInOrder, `${s.side}: the agent's messages in the order sent`);
    assert.deepEqual(s.wrongIds, [], `${s.side}: the agent's messages keep their _id`);
  }
  assert.deepEqual(shown, stored, 'the widget shows exactly what the server holds, in its order');
  await context.close();
});

test('a message written while an earlier one is still on its way does not overtake it', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.addInitScript((email) => {
    window.RocketChat = function (c) { window.RocketChat._.push(c); };
    window.RocketChat._ = [];
    window.RocketChat(function () {
      this.setGuestName('Slow Line');
      this.setGuestEmail(email);
    });
  }, `slow.${Date.now()}@example.com`);
  await page.goto(server.url + '/');
  await launcher(page).click();
  const win = chatWindow(page);
  const composer = win.getByRole('textbox', { name: 'Type your message…' });
  const say = async (text) => {
    await composer.fill(text);
    await composer.press('Enter');
  };
  await say('first');
  await win.getByRole('heading', { name: 'Alex Agent' }).waitFor();
  await until(async () => (await win.locator('.lc-status').count()) === 0, 'the first message to be confirmed');

  // The next message's request is held on its way; two more are written meanwhile.
  let release;
  const held = new Promise((r) => (release = r));
  const posted = [];
  await page.route(
    (u) => u.pathname.endsWith('/api/v1/livechat/message'),
    async (route) => {
      posted.push(JSON.parse(route.request().postData()).msg);
      if (posted.length === 1) await held;
      await route.continue();
    },
  );
  await say('second (slow)');
  await until(async () => posted.length === 1, 'the second message to be on its way');
  await say('third');
  await say('fourth');
  await sleep(500);
  assert.deepEqual(posted, ['second (slow)'], 'nothing is sent past a message on its way');
  release();
  await until(async () => (await win.locator('.lc-status').count()) === 0, 'every message to be confirmed');
  assert.deepEqual(posted, ['second (slow)', 'third', 'fourth']);
  const texts = await win.locator('li.lc-message .lc-bubble').allInnerTexts();
  assert.deepEqual(texts, ['first', 'second (slow)', 'third', 'fourth']);
  await context.close();
});
