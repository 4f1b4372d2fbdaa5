// The package's one entry, for bundlers (Vite, webpack 5, Rollup) and native ES modules alike:
// the widget's API (api.js) over wasm-bindgen's glue (widget.js, `--target web`) and its wasm.
// Importing it does nothing: the glue, the wasm and a catalogue are loaded when `boot` runs (in a
// browser), so a page rendered on the server can import it. The glue comes by `import()` and
// finds the wasm with `new URL('./widget_bg.wasm', import.meta.url)`; each catalogue is a module
// of its own (`i18n/<tag>.js`), named on its own line so that bundlers make it a chunk of its
// own: a visitor fetches only their language. `options.i18n` (a base address) fetches the
// catalogues' JSON files (`i18n/<tag>.json`) from elsewhere instead. The second module
// (`rich.js`, `rich_bg.wasm`: formatted messages and files) and the emoji table (`emoji.js`) are
// modules of their own too, loaded the first time a message needs them.
import { create } from './api.js';

const CATALOGUES = {
  'pt-BR': () => import('./i18n/pt-BR.js'),
  es: () => import('./i18n/es.js'),
  de: () => import('./i18n/de.js'),
  fr: () => import('./i18n/fr.js'),
  ar: () => import('./i18n/ar.js'),
};

let loading; // the promise of the glue, its wasm instantiated
let glue; // the glue, once its wasm is instantiated

/** Fetches and compiles the wasm (by default `widget_bg.wasm` beside the glue), once. */
export default function init(options) {
  if (!loading) {
    loading = import('./widget.js')
      .then((m) => m.default(options).then(() => (glue = m)))
      .catch((e) => {
        loading = null; // the next call tries again
        if (/\/\.vite\/deps\//.test(import.meta.url)) {
          console.error(
            "Livechat: Vite's dev server pre-bundled the package, so its wasm is not where the code looks: add `optimizeDeps: { exclude: ['rocketchat-livechat-wasm'] }` to vite.config",
          );
        }
        throw e;
      });
  }
  return loading;
}

/** Mounts a widget on `host` (in a shadow root) and returns its handle. Throws on bad options. */
export function boot(host, options) {
  const given = options && options.i18n;
  // The site's address for the catalogues (relative to the page), or the package's own.
  const base = given && new URL(given, document.baseURI);
  const chat = create(
    host,
    options,
    // Once the wasm is there, the widget starts at once (in English, or when its texts came).
    () => glue || init(),
    (tag) => (base ? new URL(tag + '.json', base) : CATALOGUES[tag]().then((m) => m.default)),
    undefined,
    // Loaded when a message needs them: the second module (formatted text, files) and the emoji
    // table, each a chunk of its own.
    (part) =>
      part == 'rich'
        ? import('./rich.js').then((m) => m.default().then(() => m))
        : import('./emoji.js').then((m) => m.default),
  );
  chat.ready().catch(() => {}); // reported in the console; `ready()` answers it too
  return chat;
}
