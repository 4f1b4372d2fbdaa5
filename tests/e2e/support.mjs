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
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = process.env.LIVECHAT_DIST || join(ROOT, 'dist');
const BINARY = process.env.LIVECHAT_DEV_SERVER || join(ROOT, 'target', 'debug', 'livechat-dev-server');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/**
 * Starts `livechat-dev-server --addr 127.0.0.1:0 --memory [--www DIR] ...args` and resolves
 * once it printed its address. `www: null` serves no files.
 * @returns {Promise<{url: string, pid: number, output: string[], stop: () => Promise<void>}>}
 */
export async function startServer({ args = [], www = DIST } = {}) {
  if (!existsSync(BINARY)) throw new Error(`no dev server at ${BINARY}: run \`cargo build -p livechat-dev-server\``);
  if (www === DIST && !existsSync(join(www, 'livechat.js'))) throw new Error(`no widget in ${www}: run \`cargo xtask dist\``);
  const argv = ['--addr', '127.0.0.1:0', '--memory', ...(www ? ['--www', www] : []), ...args];
  const child = spawn(BINARY, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
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
  const pid = child.pid;
  return {
    url,
    pid,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      process.kill(pid, 'SIGTERM');
      await exited;
    },
  };
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
