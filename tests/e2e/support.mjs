// Shared by the end-to-end journeys (`node --test tests/e2e/`): start a dev server on a free
// loopback port and stop it by PID; launch headless Chromium through playwright-core.
//
// Environment (set by `cargo xtask test`; the defaults suit a run from the repository root
// after `cargo xtask dist` and `cargo build -p livechat-dev-server`):
//   LIVECHAT_DEV_SERVER  the dev server binary   (target/debug/livechat-dev-server)
//   LIVECHAT_DIST        the directory to serve   (dist/)
//   CHROMIUM             the browser              (/usr/bin/chromium)

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = process.env.LIVECHAT_DIST || join(ROOT, 'dist');
const BINARY = process.env.LIVECHAT_DEV_SERVER || join(ROOT, 'target', 'debug', 'livechat-dev-server');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/**
 * Starts `livechat-dev-server --addr ADDR (--memory | --db DB) [--www DIR] ...args` and resolves
 * once it printed its address. `addr` defaults to a free loopback port (`127.0.0.1:0`); `db` is
 * a SQLite file (kept across restarts), in memory when absent; `www: null` serves no files.
 * `restart()` stops the server and starts it again with the same arguments on the same port.
 * CORS is off, as on a new Rocket.Chat: pages it serves call it from its own origin; a test
 * whose page is on another origin passes `args: ['--cors-origin', origin]` (see cors.test.mjs).
 * @returns {Promise<Server>}
 *
 * @typedef {object} Server
 * @property {string} url       `http://127.0.0.1:PORT`
 * @property {string} addr      `127.0.0.1:PORT`
 * @property {number} pid       the current process
 * @property {string[]} output  what it printed (stdout lines and stderr chunks), every run
 * @property {(opts?: {signal?: NodeJS.Signals}) => Promise<void>} stop   by PID (SIGTERM unless told)
 * @property {() => Promise<void>} start  again, on the same address, after `stop`
 * @property {(opts?: {signal?: NodeJS.Signals}) => Promise<void>} restart  `stop` then `start`
 */
export async function startServer({ args = [], www = DIST, db = null, addr = '127.0.0.1:0' } = {}) {
  if (!existsSync(BINARY)) throw new Error(`no dev server at ${BINARY}: run \`cargo build -p livechat-dev-server\``);
  if (www === DIST && !existsSync(join(www, 'livechat.js'))) throw new Error(`no widget in ${www}: run \`cargo xtask dist\``);
  const output = [];
  const argv = (at) => ['--addr', at, ...(db ? ['--db', db] : ['--memory']), ...(www ? ['--www', www] : []), ...args];
  let child = null;
  const server = {
    url: '',
    addr: '',
    pid: 0,
    output,
    async stop({ signal = 'SIGTERM' } = {}) {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = once(c, 'exit');
      process.kill(c.pid, signal);
      await exited;
    },
    async start() {
      // A port just freed may still be held for a moment: try again a few times.
      for (let attempt = 1; ; attempt++) {
        try {
          ({ child, url: server.url } = await spawnServer(argv(server.addr || addr), output));
          break;
        } catch (e) {
          if (!server.addr || attempt >= 20 || !/cannot listen/.test(e.message)) throw e;
          await sleep(100);
        }
      }
      server.addr = server.url.replace(/^http:\/\//, '');
      server.pid = child.pid;
    },
    async restart(opts) {
      await server.stop(opts);
      await server.start();
    },
  };
  await server.start();
  return server;
}

async function spawnServer(argv, output) {
  const child = spawn(BINARY, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.on('data', (chunk) => output.push(String(chunk)));
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolveUrl, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the dev server exited (${code}): ${output.join('')}`)));
    lines.once('line', (line) => {
      const m = /^livechat-dev-server listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line.trim());
      if (m) resolveUrl(m[1]);
      else reject(new Error(`the dev server said ${JSON.stringify(line)}`));
    });
  });
  // Keep reading so the server never blocks on a full pipe.
  lines.on('line', (line) => output.push(line));
  return { child, url };
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Headless Chromium; close it with `browser.close()`. */
export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

/**
 * Holds every request whose URL ends with `suffix` until `release()` is called; `requested`
 * resolves when the first one is made. For "X appears before Y is fetched" journeys.
 */
export async function holdRequests(page, suffix) {
  let release;
  const released = new Promise((r) => (release = r));
  let seen;
  const requested = new Promise((r) => (seen = r));
  let answered = false;
  await page.route((url) => url.pathname.endsWith(suffix), async (route) => {
    seen();
    await released;
    answered = true;
    await route.continue();
  });
  return { requested, release, answered: () => answered };
}

/** The launcher button, whichever drew it (loader or widget); Playwright pierces open shadow roots. */
export function launcher(page) {
  return page.locator('[data-livechat] button.lc-launcher');
}

/**
 * An agent's login over REST (`POST /api/v1/login`), for tests that play the agent from Node.
 * `call(method, path, body)` sends with `X-User-Id`/`X-Auth-Token` and resolves to
 * `{status, body}` (the parsed JSON); it rejects only when the server cannot be reached.
 * `sendFile(rid, name, type, bytes, description)` sends a file to a room as Rocket.Chat's agents
 * do (`rooms.media`, then `rooms.mediaConfirm`).
 */
export async function agentLogin(url, user = 'agent', password = 'agent') {
  const res = await fetch(`${url}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`login as ${user}: ${res.status} ${JSON.stringify(body)}`);
  const { userId, authToken } = body.data;
  return {
    userId,
    /** The login's headers, for calls `call` does not make (a multipart upload). */
    headers: { 'x-user-id': userId, 'x-auth-token': authToken },
    async call(method, path, payload, base = url) {
      const r = await fetch(base + path, {
        method,
        headers: { 'content-type': 'application/json', 'x-user-id': userId, 'x-auth-token': authToken },
        body: payload === undefined ? undefined : JSON.stringify(payload),
      });
      return { status: r.status, body: await r.json().catch(() => null) };
    },
    async sendFile(rid, name, type, bytes, description) {
      const headers = { 'x-user-id': userId, 'x-auth-token': authToken };
      const form = new FormData();
      form.append('file', new Blob([bytes], { type }), name);
      const up = await fetch(`${url}/api/v1/rooms.media/${rid}`, { method: 'POST', headers, body: form });
      const file = await up.json();
      if (up.status !== 200) throw new Error(`rooms.media: ${up.status} ${JSON.stringify(file)}`);
      const confirm = await fetch(`${url}/api/v1/rooms.mediaConfirm/${rid}/${file.file._id}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(description ? { description } : {}),
      });
      if (confirm.status !== 200) throw new Error(`rooms.mediaConfirm: ${confirm.status} ${await confirm.text()}`);
    },
  };
}

/** The agent console (`/console/`) in its own browser context, signed in through its form. */
export async function openConsole(browser, url, user = 'agent', password = 'agent') {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('console page error:', e));
  await page.goto(`${url}/console/`);
  await page.getByLabel('Username or e-mail').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /^My chats/ }).waitFor();
  return page;
}

/** The widget's chat window (Playwright pierces the open shadow root). */
export function chatWindow(page) {
  return page.locator('[data-livechat] section.lc-window');
}

/** Polls `f` (an async predicate) every 100 ms until it is true, or fails after `ms` with `what`. */
export async function until(f, what, ms = 30_000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      if (await f()) return;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await sleep(100);
  }
}

/**
 * Before `page` loads: the site names the visitor through Rocket.Chat's snippet queue, so no
 * pre-chat form stands between the launcher and the composer.
 */
export async function knownVisitor(page, name, email) {
  await page.addInitScript(
    ([name, email]) => {
      window.RocketChat = function (c) { window.RocketChat._.push(c); };
      window.RocketChat._ = [];
      window.RocketChat(function () {
        this.setGuestName(name);
        this.setGuestEmail(email);
      });
    },
    [name, email],
  );
}

/** The agent's open room whose last message `matches` (a text, or a predicate on it), once there is one. */
export async function agentRoomWith(agent, matches) {
  const is = typeof matches === 'function' ? matches : (msg) => msg === matches;
  const q = new URLSearchParams({ 'agents[]': agent.userId, open: 'true', count: '100' });
  let room;
  await until(async () => {
    const { body } = await agent.call('GET', `/api/v1/livechat/rooms?${q}`);
    room = body.rooms.find((r) => r.lastMessage?.msg !== undefined && is(r.lastMessage.msg));
    return room;
  }, 'the room');
  return room;
}

/** A real PNG of `w`×`h` 8-bit RGB pixels, `pixel(x, y)` answering each `[r, g, b]`. */
export function png(w, h, pixel) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) row.set(pixel(x, y), 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
