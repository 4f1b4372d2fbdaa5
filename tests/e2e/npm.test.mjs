// The npm package as a front-end developer meets it: `npm pack` of dist/npm, installed into small
// consumer apps (TypeScript source) that the pinned Vite 7, Vite 6, webpack 5, Rollup 4 and
// TypeScript of the root package.json build with no configuration beyond what the package's README
// shows (Rollup's config is the README's own, taken from it); each
// app runs in Chromium against a dev server (the widget opens, a message round-trips, a German
// visitor's catalogue arrives as a file of its own and no other language comes). Its types check
// under `bundler`, `node16` and `nodenext` resolution, strict, and Node imports the package as a
// server-side renderer would. Every app is built once, in `before`.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { DIST, ROOT, launchBrowser, startServer, until } from './support.mjs';

const NAME = 'rocketchat-livechat-wasm';
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

// The app: what the README shows, typed.
const MAIN_TS = `import { boot, type ChatMessage, type Livechat } from '${NAME}';

const params = new URLSearchParams(location.search);
const host = document.body.appendChild(document.createElement('div'));
host.id = 'chat';
const chat: Livechat = boot(host, { server: params.get('server') ?? '', namespace: 'npm-app' });
const messages: ChatMessage[] = [];
chat.on('message', (m) => {
  messages.push(m);
});
chat.setGuestName('Ada');
chat.setGuestEmail(params.get('email') ?? '');
Object.assign(window, { chat, messages });
`;

// The former entry's declarations, checked too.
const WEB_TS = `import init, { boot, type BootOptions } from '${NAME}/web';

export function start(host: Element, options: BootOptions): Promise<unknown> {
  return init().then(() => boot(host, options).ready());
}
`;

const INDEX_HTML = (script) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>app</title></head><body>${script}</body></html>\n`;

const tsconfig = (module, extra = {}) =>
  JSON.stringify({
    compilerOptions: {
      target: 'es2022',
      module,
      moduleResolution: module === 'esnext' ? 'bundler' : module,
      strict: true,
      lib: ['es2022', 'dom', 'dom.iterable'],
      types: [],
      // The package's declarations are checked (as a library's are without skipLibCheck);
      // TypeScript's own lib files need not be, every time.
      skipLibCheck: false,
      skipDefaultLibCheck: true,
      ...extra,
    },
    include: ['src/*.ts'],
  });

let dir; // the temporary folder: the tarball, the app, its builds
let app; // the app's folder (its node_modules holds the package)
let browser;
const servers = [];
let vite; // Vite 7's dev server
const timings = {};

/** Runs `f`, noting how long it took under `name`. */
async function timed(name, f) {
  const t = performance.now();
  const r = await f();
  timings[name] = Math.round(performance.now() - t);
  return r;
}

before(async () => {
  const started = performance.now();
  dir = mkdtempSync(join(tmpdir(), 'livechat-npm-'));
  app = join(dir, 'app');
  const pkg = join(app, 'node_modules', NAME);
  mkdirSync(pkg, { recursive: true });
  mkdirSync(join(app, 'src'));
  await timed('pack', () => {
    const out = execFileSync('npm', ['pack', join(DIST, 'npm'), '--pack-destination', dir, '--json', '--silent'], {
      encoding: 'utf8',
    });
    const [{ filename }] = JSON.parse(out);
    // What `npm install` does with a package without dependencies.
    execFileSync('tar', ['-xzf', join(dir, filename), '-C', pkg, '--strip-components=1']);
  });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  writeFileSync(join(app, 'src', 'main.ts'), MAIN_TS);
  writeFileSync(join(app, 'src', 'web.ts'), WEB_TS);
  writeFileSync(join(app, 'index.html'), INDEX_HTML('<script type="module" src="/src/main.ts"></script>'));
  writeFileSync(join(app, 'tsconfig.bundler.json'), tsconfig('esnext', { noEmit: true }));
  writeFileSync(join(app, 'tsconfig.node16.json'), tsconfig('node16', { noEmit: true }));
  // webpack bundles what TypeScript emits (no loader needed).
  writeFileSync(join(app, 'tsconfig.nodenext.json'), tsconfig('nodenext', { outDir: 'tsc-out' }));

  const { build: vite7 } = await import('vite');
  const { build: vite6 } = await import('vite6');
  await timed('vite 7 build', () => vite7({ root: app, configFile: false, logLevel: 'warn', build: { outDir: join(dir, 'vite7'), emptyOutDir: true } }));
  await timed('vite 6 build', () => vite6({ root: app, configFile: false, logLevel: 'warn', build: { outDir: join(dir, 'vite6'), emptyOutDir: true } }));
  await timed('tsc nodenext', () => tsc('nodenext'));
  await timed('webpack build', () => webpackBuild(join(app, 'tsc-out', 'main.js'), join(dir, 'webpack')));
  writeFileSync(join(dir, 'webpack', 'index.html'), INDEX_HTML('<script src="main.js"></script>'));
  await timed('rollup build', () => rollupBuild(join(app, 'tsc-out', 'main.js'), join(dir, 'rollup')));
  writeFileSync(join(dir, 'rollup', 'index.html'), INDEX_HTML('<script type="module" src="main.js"></script>'));
  browser = await launchBrowser();
  timings.setup = Math.round(performance.now() - started);
});

after(async () => {
  console.log('npm consumer apps, ms:', JSON.stringify(timings));
  await vite?.close();
  await browser?.close();
  for (const s of servers) await s.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `tsc -p tsconfig.<kind>.json` in the app; throws with TypeScript's report on an error. */
function tsc(kind) {
  try {
    execFileSync(process.execPath, [TSC, '-p', `tsconfig.${kind}.json`], { cwd: app, encoding: 'utf8' });
  } catch (e) {
    throw new Error(`tsc (${kind}) failed:\n${e.stdout}${e.stderr}`);
  }
}

/** webpack 5 with its defaults (production mode): `entry` → `out/main.js` and its chunks. */
async function webpackBuild(entry, out) {
  const { default: webpack } = await import('webpack');
  const stats = await new Promise((resolve, reject) =>
    webpack({ mode: 'production', context: app, entry, output: { path: out } }, (e, s) => (e ? reject(e) : resolve(s))),
  );
  if (stats.hasErrors()) throw new Error(stats.toString('errors-only'));
}

/**
 * Rollup 4 with the package README's `rollup.config.mjs`, as written there (its plugin installed
 * beside the app, as npm would): `entry` → `out/main.js` and its chunks. Any warning fails it.
 */
async function rollupBuild(entry, out) {
  const readme = readFileSync(join(app, 'node_modules', NAME, 'README.md'), 'utf8');
  const config = readme.match(/```js\n(\/\/ rollup\.config\.mjs\n[\s\S]*?)```/);
  assert.ok(config, "the package's README shows a rollup.config.mjs");
  writeFileSync(join(app, 'rollup.config.mjs'), config[1]);
  mkdirSync(join(app, 'node_modules', '@rollup'));
  const plugin = join('node_modules', '@rollup', 'plugin-node-resolve');
  symlinkSync(join(ROOT, plugin), join(app, plugin), 'dir');
  const { default: options } = await import(pathToFileURL(join(app, 'rollup.config.mjs')));
  const { rollup } = await import('rollup');
  const warnings = [];
  const bundle = await rollup({ ...options, input: entry, onwarn: (w) => warnings.push(String(w)) });
  await bundle.write({ ...options.output, dir: out });
  await bundle.close();
  assert.deepEqual(warnings, [], 'Rollup warned');
}

/** The files under `root`, as paths relative to it. */
function files(root) {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name).slice(root.length + 1));
}

/**
 * The app at `url` in a German browser, against `server`: the widget comes up in German, the
 * visitor sends a message and hears it back from the server (`message` event), and the German
 * texts came in a response of their own, no other language's at all.
 */
async function journey(url, server) {
  const context = await browser.newContext({ locale: 'de-DE' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
  });
  const bodies = []; // [url, text] of every script and JSON response
  page.on('response', async (r) => {
    const type = r.headers()['content-type'] || '';
    if (/javascript|json/.test(type)) bodies.push([r.url(), await r.text().catch(() => '')]);
  });
  const email = `npm.${Date.now()}.${Math.random().toString(36).slice(2)}@example.com`;
  await page.goto(`${url}?server=${encodeURIComponent(server.url)}&email=${encodeURIComponent(email)}`);
  await page.waitForFunction(() => window.chat && window.chat.isLoaded(), null, { timeout: 20_000 });
  const button = page.locator('#chat button.lc-launcher');
  assert.equal(await button.getAttribute('aria-label'), 'Chat öffnen');
  await button.click();
  const composer = page.locator('#chat .lc-window textarea');
  await composer.waitFor({ state: 'visible' });
  const text = `Hallo aus ${new URL(url).port}`;
  await composer.fill(text);
  await composer.press('Enter');
  await until(
    () => page.evaluate((text) => window.messages.some((m) => m.fromVisitor && m.msg === text), text),
    'the message back from the server',
  );
  // A formatted one is drawn by the second module, its shortcode from the emoji table: both
  // chunks (or files) of the build load.
  await composer.fill('*fett* :smile:');
  await composer.press('Enter');
  await page.locator('#chat .lc-mine strong', { hasText: 'fett' }).waitFor();
  await page.locator('#chat .lc-mine [role=img][aria-label=":smile:"]').waitFor();
  assert.equal(await button.getAttribute('aria-label'), 'Chat schließen');
  const german = bodies.filter(([, body]) => body.includes('Chat schließen'));
  assert.equal(german.length, 1, `one response with the German texts: ${german.map(([u]) => u).join(' ')}`);
  assert.ok(!/Ouvrir le chat|Abrir chat|فتح المحادثة/.test(german[0][1]), 'the German texts alone');
  const others = bodies.filter(([, body]) => /Ouvrir le chat|Abrir (o )?chat|فتح المحادثة/.test(body));
  assert.deepEqual(others.map(([u]) => u), [], 'no other language is fetched');
  assert.deepEqual(errors, []);
  await context.close();
  return german[0][0];
}

/** A dev server serving `www`, or none (`null`) with CORS on for `origin`. */
async function server(www, origin) {
  const s = await startServer({ www, args: origin ? ['--cors-origin', origin] : [] });
  servers.push(s);
  return s;
}

/** A build: the German texts are a file of their own, nothing is inlined as a `data:` URL. */
function checkBuild(out) {
  const all = files(out);
  const german = all.filter((f) => readFileSync(join(out, f), 'utf8').includes('Chat schließen'));
  assert.equal(german.length, 1, `${all.join(' ')}: one file has the German texts`);
  assert.match(german[0], /\.js$/);
  // The widget's wasm, and the second module's (formatted messages and files), once each.
  const wasm = all.filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 2, `${all.join(' ')}: each wasm once`);
  for (const f of all.filter((f) => f.endsWith('.js'))) {
    assert.ok(!readFileSync(join(out, f), 'utf8').includes('data:application/'), `${f} inlines a data: URL`);
  }
}

test('Vite 7 build, no configuration: the widget opens, a message round-trips, German comes as a file of its own', async () => {
  checkBuild(join(dir, 'vite7'));
  const s = await server(join(dir, 'vite7'));
  const german = await journey(s.url + '/', s);
  assert.match(new URL(german).pathname, /^\/assets\/de-[\w-]+\.js$/);
});

test('Vite 6 build, no configuration', async () => {
  checkBuild(join(dir, 'vite6'));
  const s = await server(join(dir, 'vite6'));
  await journey(s.url + '/', s);
});

test('webpack 5 build (defaults) of what TypeScript (nodenext) emitted', async () => {
  checkBuild(join(dir, 'webpack'));
  const s = await server(join(dir, 'webpack'));
  await journey(s.url + '/', s);
});

test("Rollup 4 build of what TypeScript (nodenext) emitted, with the README's rollup.config.mjs", async () => {
  checkBuild(join(dir, 'rollup'));
  const s = await server(join(dir, 'rollup'));
  const german = await journey(s.url + '/', s);
  assert.match(new URL(german).pathname, /^\/de-[\w-]+\.js$/);
});

test("Vite 7's dev server, with the one setting the README shows", async () => {
  const { createServer } = await import('vite');
  vite = await timed('vite 7 dev server start', async () => {
    const v = await createServer({
      root: app,
      configFile: false,
      logLevel: 'warn',
      // As the package's README shows it.
      optimizeDeps: { exclude: [NAME] },
      server: { host: '127.0.0.1', port: 0 },
    });
    await v.listen();
    return v;
  });
  const url = vite.resolvedUrls.local[0];
  const s = await server(null, new URL(url).origin);
  const german = await journey(url, s);
  assert.match(new URL(german).pathname, new RegExp(`/node_modules/${NAME}/i18n/de\\.js$`));
});

test("without that setting Vite's dev server breaks the wasm's address, and the console says what to add", async () => {
  await vite.close();
  const { createServer } = await import('vite');
  vite = await createServer({ root: app, configFile: false, logLevel: 'silent', server: { host: '127.0.0.1', port: 0 } });
  await vite.listen();
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(vite.resolvedUrls.local[0] + '?server=http://127.0.0.1:9');
  await until(() => errors.some((e) => e.includes('could not be loaded')), 'the failed load');
  assert.ok(
    errors.some((e) => e.includes(`optimizeDeps: { exclude: ['${NAME}'] }`)),
    JSON.stringify(errors),
  );
  await page.close();
});

test('the declarations type-check, strict, under bundler, node16 and nodenext resolution', async () => {
  tsc('bundler');
  tsc('node16');
  // nodenext: the webpack build above compiled the app with it.
  // And they fail where they must (a check that cannot fail proves nothing).
  writeFileSync(join(app, 'src', 'wrong.ts'), `import { boot } from '${NAME}';\nboot(document.body, { server: 1 });\n`);
  try {
    assert.throws(() => tsc('bundler'), /TS2322/);
  } finally {
    rmSync(join(app, 'src', 'wrong.ts'));
  }
});

test('Node imports the package as a server-side renderer would: nothing runs, nothing is fetched', () => {
  const script = `
    globalThis.fetch = () => { throw new Error('fetch called'); };
    const main = await import('${NAME}');
    const web = await import('${NAME}/web');
    console.log(JSON.stringify({
      main: Object.keys(main).sort(),
      web: Object.keys(web).sort(),
      same: main.boot === web.boot,
      window: typeof window,
    }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: app, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), { main: ['boot', 'default'], web: ['boot', 'default'], same: true, window: 'undefined' });
});
