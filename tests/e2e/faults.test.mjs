// Faults during a conversation: the dev server is stopped (killed or terminated) and restarted
// on the same port and database, the visitor's browser goes offline and online, and the
// widget's WebSocket stalls (stays open but delivers nothing: a dead NAT mapping, a hung proxy),
// at least 50 times in all, while the visitor (typing in the widget) and the agent (over REST)
// keep sending. The page reaches the server through a loopback TCP proxy here, which is what
// stalls a socket. Each stall must be noticed by the widget's keep-alive (it connects again) and
// caught up (the agent's messages sent meanwhile show). At the end every message sent by either
// side appears exactly once, in order, in the widget and in the server's history, and both are
// the same list.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { agentLogin, chatWindow, knownVisitor, launchBrowser, launcher, sleep, startServer, until } from './support.mjs';

/**
 * Disruptions in all, at least: server restarts (killed or terminated) and offline spells,
 * alternating, and `STALLS` stalled sockets, each once `STALL_AFTER[k]` disruptions happened. A
 * stall lasts until the widget gives up on the socket (its keep-alive: a ping after 25 s of
 * silence, dead 10 s later), so there are few; the server restarts meanwhile too (for the
 * first `RESTARTS_IN_STALL_FOR` ms, then stays up for the widget to reconnect to), unseen by
 * the stalled socket, as behind a dead NAT mapping.
 */
const DISRUPTIONS = 50;
const STALLS = 2;
const STALL_AFTER = [8, 30];
const RESTARTS_IN_STALL_FOR = 18_000;
/** A stall not noticed within this long fails the test (25 s + 10 s, the widget's 500 ms timer, and its backoff). */
const STALL_NOTICED_WITHIN = 60_000;
/** The waits are drawn from this seed, so a failing run can be replayed (FAULT_SEED=…). */
const SEED = Number(process.env.FAULT_SEED) || 20261121;

let dir;
let server;
let browser;
/** Between the fault test's page and the server (`startProxy`). */
let proxy;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'livechat-faults-'));
  [server, browser] = await Promise.all([startServer({ db: join(dir, 'livechat.db') }), launchBrowser()]);
});

after(async () => {
  await proxy?.close();
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * A loopback TCP proxy to `target` (`host:port`), byte for byte: the page, its REST calls and
 * its WebSocket go through it. When the server goes away, so do the connections through it.
 * `stall(both)` stops delivery on every open WebSocket, from the server (and to it, with `both`),
 * keeping each connection open, even when the server goes away: the bytes are dropped.
 * `upgrades` counts WebSocket connections.
 */
async function startProxy(target) {
  const pairs = new Set();
  const proxy = {
    url: '',
    upgrades: 0,
    /** The open WebSockets: how many bytes the server delivered on each. */
    sockets() {
      return [...pairs].filter((p) => p.ws).map((p) => p.delivered);
    },
    /** Stalls the open WebSockets; answers them (to `release`). */
    stall(both = false) {
      const stalled = [...pairs].filter((p) => p.ws);
      for (const p of stalled) p.stalled = both ? 'both' : 'in';
      return stalled;
    },
    /** Drops stalled connections the widget has moved on from. */
    release(stalled) {
      for (const p of stalled) p.end();
    },
    close() {
      for (const p of pairs) p.end();
      return new Promise((r) => listener.close(r));
    },
  };
  const listener = createServer((client) => {
    const [host, port] = target.split(':');
    const upstream = connect(Number(port), host);
    const pair = { ws: false, stalled: null, delivered: 0 };
    pair.end = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    pairs.add(pair);
    client.on('data', (chunk) => {
      if (!pair.ws && /\r\nupgrade:\s*websocket\r\n/i.test(chunk.toString('latin1'))) {
        pair.ws = true;
        proxy.upgrades++;
      }
      if (pair.stalled !== 'both' && !upstream.destroyed) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (pair.stalled) return;
      pair.delivered += chunk.length;
      client.write(chunk);
    });
    client.on('close', pair.end);
    client.on('error', pair.end);
    // A stalled connection outlives the server's end of it.
    const upstreamGone = () => (pair.stalled ? upstream.destroy() : pair.end());
    upstream.on('close', upstreamGone);
    upstream.on('error', upstreamGone);
  });
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  proxy.url = `http://127.0.0.1:${listener.address().port}`;
  return proxy;
}

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

test('server restarts, offline spells and stalled sockets lose and duplicate nothing, on either side', async () => {
  const started = Date.now();
  const rnd = random(SEED);
  proxy = await startProxy(server.addr);
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  const email = `faults.${Date.now()}@example.com`;
  // The site knows the visitor: no pre-chat form.
  await knownVisitor(page, 'Fault Tester', email);
  await page.goto(proxy.url + '/');
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

  // The widget's agent messages (texts), to see a stall caught up.
  const widgetTexts = () => win.locator('li.lc-message .lc-bubble').allInnerTexts();

  // The disruptions: a restart (killed or terminated), then an offline spell, and so on, and
  // the stalls. A stall holds until the widget connects again; then its agent messages sent
  // meanwhile must show.
  const counts = { killed: 0, terminated: 0, offline: 0, stalled: 0, restartsInStalls: 0 };
  const total = () => counts.killed + counts.terminated + counts.offline + counts.stalled;
  let restarts = 0;
  const restart = async () => {
    const signal = restarts++ % 2 === 0 ? 'SIGKILL' : 'SIGTERM';
    await server.stop({ signal });
    await sleep(100 + rnd() * 500);
    await server.start();
    counts[signal === 'SIGKILL' ? 'killed' : 'terminated']++;
  };
  const noticedAfter = [];
  for (let i = 0; total() < DISRUPTIONS || counts.stalled < STALLS; i++) {
    await sleep(300 + rnd() * 700);
    if (counts.stalled < STALLS && total() >= STALL_AFTER[counts.stalled]) {
      // Only a socket in use can stall: a WebSocket that the server has talked on, and no new
      // one for a second (the widget may still be reconnecting after the last spell).
      const n = counts.stalled + 1;
      let upgrades = -1;
      await until(async () => {
        const ready = upgrades === proxy.upgrades && proxy.sockets().some((delivered) => delivered > 0);
        upgrades = proxy.upgrades;
        if (!ready) await sleep(900);
        return ready;
      }, `one WebSocket in use before stall ${n}`);
      // The first stall drops what the server sends; the second what either side sends.
      const stalled = proxy.stall(n % 2 === 0);
      const since = Date.now();
      while (Date.now() - since < RESTARTS_IN_STALL_FOR && proxy.upgrades === upgrades) {
        await restart();
        counts.restartsInStalls++;
        await sleep(1000 + rnd() * 1000);
      }
      await until(() => proxy.upgrades > upgrades, `the widget to notice stall ${n} (a new WebSocket)`, STALL_NOTICED_WITHIN);
      noticedAfter.push(((Date.now() - since) / 1000).toFixed(1));
      proxy.release(stalled);
      // Caught up: the agent's latest message, sent while the socket was stalled, shows.
      const last = agentSent.at(-1).text;
      await until(async () => (await widgetTexts()).includes(last), `the widget to catch up after stall ${n} (${last})`);
      counts.stalled++;
    } else if (i % 2 === 0) {
      await restart();
    } else {
      await context.setOffline(true);
      await sleep(200 + rnd() * 800);
      await context.setOffline(false);
      counts.offline++;
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
  const disruptions = total();
  console.log(
    `faults (seed ${SEED}): ${counts.killed} servers killed + ${counts.terminated} terminated ` +
      `(${counts.restartsInStalls} of these restarts while a socket stalled) + ${counts.offline} offline spells + ` +
      `${counts.stalled} stalled sockets (noticed after ${noticedAfter.join(' s, ')} s) = ${disruptions} disruptions; ` +
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
  assert.ok(disruptions >= 50, 'at least 50 disruptions');
  assert.ok(counts.killed && counts.terminated && counts.offline && counts.stalled === STALLS, 'every kind of disruption');
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
  await knownVisitor(page, 'Slow Line', `slow.${Date.now()}@example.com`);
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
