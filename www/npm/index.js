// The package's entry for bundlers (webpack 5, Vite, Rollup): the widget's API (api.js) over
// wasm-pack's bundler build. Each catalogue is named on its own line so that bundlers emit it
// as an asset; `options.i18n` (a base address) serves them from elsewhere instead.
import * as wasm from './bundler/widget.js';
import { create } from './api.js';

const CATALOGUES = {
  'pt-BR': new URL('./i18n/pt-BR.json', import.meta.url),
  es: new URL('./i18n/es.json', import.meta.url),
  de: new URL('./i18n/de.json', import.meta.url),
  fr: new URL('./i18n/fr.json', import.meta.url),
  ar: new URL('./i18n/ar.json', import.meta.url),
};

/** Mounts a widget on `host` (in a shadow root) and returns its handle. Throws on bad options. */
export function boot(host, options) {
  const given = options && options.i18n;
  // The site's address for the catalogues (relative to the page), or the package's own.
  const i18n = given && new URL(given, document.baseURI);
  const chat = create(
    host,
    options,
    () => wasm,
    (tag) => (i18n ? new URL(tag + '.json', i18n) : CATALOGUES[tag]),
  );
  chat.ready().catch(() => {}); // reported in the console; `ready()` answers it too
  return chat;
}
