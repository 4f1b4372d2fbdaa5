// Load timings of the script-tag widget on the demo host page, in headless Chromium over
// loopback, for `cargo xtask bench` (which builds dist/ and the dev server first):
//
//   node tests/e2e/timings.mjs [runs]
//
// Each run is a fresh browser context (empty cache) on a dev server serving dist/. Measured in
// the page, with `performance.now()`:
//   * script start → launcher visible: from the moment the page starts fetching livechat.js
//     (its resource timing) to the first animation frame in which the loader's launcher is laid
//     out (that frame paints it);
//   * click → focusable composer: from the click on the launcher to the first frame in which the
//     chat window's composer is laid out and enabled and the window fully opaque (readable: an
//     entrance fade counts) — once with `data-load="interaction"`, so
//     the widget (wasm) is fetched and started by that click (the pointer reaching the launcher
//     starts it a moment before), and once clicked after the widget has loaded in the page's
//     idle time (the default). The site names the visitor, so no pre-chat form stands between.
// Prints the median, min and max of each over the runs.

import { chatWindow, knownVisitor, launchBrowser, launcher, startServer } from './support.mjs';

const RUNS = Number(process.argv[2]) || 7;

/** Watches, from the first script on, for the launcher, the click and the composer. */
function probe() {
  const marks = (window.__timings = {});
  const host = () => document.querySelector('[data-livechat]');
  const laidOut = (el) => el && el.getClientRects().length > 0;
  const frame = () => {
    const root = host()?.shadowRoot;
    if (marks.launcher === undefined && laidOut(root?.querySelector('.lc-launcher'))) marks.launcher = performance.now();
    const composer = root?.querySelector('.lc-window textarea');
    const opaque = (el) => el && getComputedStyle(el).opacity === '1';
    if (marks.click !== undefined && marks.composer === undefined && laidOut(composer) && !composer.disabled && opaque(root.querySelector('.lc-window'))) {
      marks.composer = performance.now();
    }
    if (marks.composer === undefined) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  addEventListener('click', () => (marks.click ??= performance.now()), { capture: true });
}

/** One run: `warm` clicks only after the widget has loaded. */
async function run(browser, url, warm) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const email = `timing.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@example.com`;
  await page.addInitScript(probe);
  if (!warm) {
    // The widget loads only when the visitor reaches for the launcher.
    await page.route(
      (u) => u.pathname === '/',
      async (route) => {
        const res = await route.fetch();
        const html = (await res.text()).replace('data-server="/"', 'data-server="/" data-load="interaction"');
        await route.fulfill({ response: res, body: html });
      },
    );
  }
  await knownVisitor(page, 'Timing', email);
  await page.goto(url + '/');
  await page.waitForFunction(() => window.__timings.launcher !== undefined);
  if (warm) await page.waitForFunction(() => window.Livechat.get().isLoaded());
  else if (await page.evaluate(() => window.Livechat.get().isLoaded())) throw new Error('loaded before the click');
  await launcher(page).click();
  await chatWindow(page).locator('textarea').waitFor();
  await page.waitForFunction(() => window.__timings.composer !== undefined);
  const t = await page.evaluate(() => {
    const script = performance.getEntriesByType('resource').find((e) => new URL(e.name).pathname === '/livechat.js');
    const m = window.__timings;
    return { launcher: m.launcher - script.startTime, composer: m.composer - m.click };
  });
  await context.close();
  return t;
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

const [server, browser] = await Promise.all([startServer(), launchBrowser()]);
try {
  // One run first that is not counted: the dev server and the disk warm up.
  await run(browser, server.url, false);
  const cold = [];
  const warm = [];
  for (let i = 0; i < RUNS; i++) {
    cold.push(await run(browser, server.url, false));
    warm.push(await run(browser, server.url, true));
  }
  const rows = [
    ['script start → launcher visible', stats([...cold, ...warm].map((t) => t.launcher))],
    ['click → focusable composer (loads on the click)', stats(cold.map((t) => t.composer))],
    ['click → focusable composer (loaded when idle)', stats(warm.map((t) => t.composer))],
  ];
  console.log(`\n==> timings in headless Chromium over loopback, ms (median of ${RUNS} runs; launcher: of ${2 * RUNS})`);
  console.log(`${'measure'.padEnd(46)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)}`);
  for (const [name, s] of rows) {
    console.log(`${name.padEnd(46)} ${s.median.toFixed(0).padStart(8)} ${s.min.toFixed(0).padStart(8)} ${s.max.toFixed(0).padStart(8)}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
