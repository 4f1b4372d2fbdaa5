// The package's entry for native ES modules (no bundler): the widget's API (api.js) over
// wasm-pack's web build. `boot` fetches the wasm itself, side by side with the visitor's
// catalogue, unless `init()` was called first (to give the wasm's address, say).
import initWasm, * as wasm from './web/widget.js';
import { create } from './api.js';

let loading; // the wasm's initialisation, once asked for
let loaded = false;

/** Fetches and compiles the wasm (by default `web/widget_bg.wasm` next to this module), once. */
export default function init(options) {
  if (!loading) {
    loading = initWasm(options).then((exports) => {
      loaded = true;
      return exports;
    });
  }
  return loading;
}

/** Mounts a widget on `host` (in a shadow root) and returns its handle. Throws on bad options. */
export function boot(host, options) {
  const given = options && options.i18n;
  // The site's address for the catalogues (relative to the page), or the package's own.
  const i18n = given ? new URL(given, document.baseURI) : new URL('./i18n/', import.meta.url);
  const chat = create(
    host,
    options,
    // Once the wasm is there, the widget starts at once (in English, or when its texts came).
    () => (loaded ? wasm : init().then(() => wasm)),
    (tag) => new URL(tag + '.json', i18n),
  );
  chat.ready().catch(() => {}); // reported in the console; `ready()` answers it too
  return chat;
}
