/* Livechat loader (livechat.js): one <script> tag per widget.
 *
 *   <script async src="https://cdn.example/livechat/livechat.js"
 *     data-server="https://chat.example.com" data-department="sales" data-language="de"
 *     data-color="#0b5cad" data-position="left" data-consent="required"></script>
 *
 * It draws the launcher at once, in a shadow root, before any wasm is fetched; loads the widget
 * (widget.js + widget_bg.wasm, next to this file) on the visitor's first interaction or when the
 * page is idle, with the visitor's language (i18n/<tag>.json) side by side; replays the calls the
 * site made meanwhile, in order; and hands the launcher over to the widget's own. Rocket.Chat's
 * `RocketChat(function () { this.… })` queue works unchanged. Route changes of single-page sites
 * are reported through the History API, without polling.
 * Plain script. The API itself is www/api.js, which `cargo xtask dist` puts in place of the line
 * below (this file alone does not run). */
(function (w, doc) {
  'use strict';
  /* www/api.js */
  var script = doc.currentScript;
  if (!script) return;
  var data = script.dataset;
  var rc = w.RocketChat;
  // The server: data-server, or Rocket.Chat's snippet's `RocketChat.url` (https://host/livechat).
  var server = data.server || (rc && typeof rc.url === 'string' ? rc.url.replace(/\/livechat\/?$/, '') : '');
  // Relative to the page when not absolute (`data-server="/"`: the page's own server).
  try {
    server = server ? new URL(server, w.location.href).href.replace(/\/$/, '') : '';
  } catch (e) {
    server = '';
  }
  if (!server || !/^https?:\/\//.test(server)) {
    console.error('Livechat: the script tag needs data-server="https://your-rocket-chat"');
    return;
  }
  var base = new URL('.', script.src).href;

  // A wasm-bindgen module beside this script (`widget`, `rich`), its wasm instantiated.
  function module(name) {
    return import(base + name + '.js').then(function (m) {
      return m.default({ module_or_path: base + name + '_bg.wasm' }).then(function () {
        return m;
      });
    });
  }

  // The launcher's styles: the same rules as the widget's own (src/ui/widget.css; a test keeps
  // them equal), so the hand-over is invisible.
  var CSS =
    ':host{--lc-color:#c1272d;--lc-on-color:#ffffff;--lc-text:#1f2329;--lc-offset:20px;all:initial;}' +
    '*,*::before,*::after{box-sizing:border-box;}' +
    'button,input,select,textarea{font:inherit;color:inherit;}' +
    '.lc-launcher{position:fixed;inset-block-end:var(--lc-offset);inset-inline-end:var(--lc-offset);' +
    'z-index:2147483000;inline-size:56px;block-size:56px;border:0;border-radius:50%;' +
    'background:var(--lc-color);color:var(--lc-on-color);box-shadow:0 4px 14px rgb(0 0 0 / 25%);' +
    'cursor:pointer;display:grid;place-items:center;transition:transform 0.15s ease-out;}' +
    '.lc-launcher:hover{transform:scale(1.06);}' +
    '.lc-launcher:focus-visible{box-shadow:0 0 0 4px #14171a,0 4px 14px rgb(0 0 0 / 25%);}' +
    ':focus-visible{outline:2px solid #ffffff;outline-offset:0;box-shadow:0 0 0 4px #14171a;}' +
    ':host([data-position="left"]) .lc-launcher,:host([data-position="left"]) .lc-window{' +
    'inset-inline-end:auto;inset-inline-start:var(--lc-offset);}' +
    '.lc-icon{inline-size:24px;block-size:24px;fill:currentColor;stroke:currentColor;}';
  var ICON = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z';
  // The launcher's accessible name in the widget's languages (src/i18n, Key::OpenChat).
  var OPEN = { en: 'Open chat', 'pt-BR': 'Abrir chat', es: 'Abrir chat', de: 'Chat öffnen', fr: 'Ouvrir le chat', ar: 'فتح المحادثة' };

  // The registry of every widget on the page, shared by all loaders.
  var registry = (w.Livechat = w.Livechat || { widgets: [] });
  registry.get = function (key) {
    for (var i = 0; i < registry.widgets.length; i++) {
      var x = registry.widgets[i];
      if (key === undefined || x.name === key || x.server === key) return x;
    }
  };

  var clicked = false;
  var host = doc.createElement('div');
  var root, button;
  var api = create(
    host,
    {
      server: server,
      department: data.department,
      language: data.language,
      color: data.color,
      position: data.position,
      colorScheme: data.colorScheme,
      consent: data.consent,
      namespace: data.namespace,
      sound: data.sound,
      transport: data.transport,
      triggers: data.triggers,
    },
    function () {
      return module('widget');
    },
    function (tag) {
      return base + 'i18n/' + tag + '.json';
    },
    handOver,
    function (part) {
      return part == 'rich'
        ? module('rich')
        : fetch(base + 'emoji.json').then(function (r) {
            if (!r.ok) throw new Error('HTTP ' + r.status);
            return r.json();
          });
    },
  );
  api.name = data.name || server;
  api.server = server;
  registry.widgets.push(api);

  // The first widget on the page answers Rocket.Chat's API: drain its queue in order, then run
  // later calls at once.
  if (!registry.rocketChat) {
    registry.rocketChat = api;
    var pending = rc && rc._ instanceof Array ? rc._ : [];
    // A site's callback that throws must not stop the others, or the widget.
    var RocketChat = function (fn) {
      if (typeof fn !== 'function') return;
      try {
        fn.call(api);
      } catch (e) {
        console.error('Livechat: a RocketChat(function () { … }) call failed', e);
      }
    };
    RocketChat._ = { push: RocketChat };
    RocketChat.url = rc && rc.url;
    RocketChat.livechat = api;
    w.RocketChat = RocketChat;
    for (var i = 0; i < pending.length; i++) RocketChat(pending[i]);
  }

  // The widget is up and the calls made meanwhile applied: it takes over from the loader's launcher.
  // `interacted()` tells the widget the visitor clicked this launcher (consent in the site's
  // consent mode, never an agreement to the server's data-processing terms).
  function handOver(interacted) {
    if (!root) return; // not drawn yet: the widget drew its own launcher
    if (clicked) {
      interacted();
      api.open();
    }
    var own = root.querySelector('.lc-root .lc-launcher');
    if (own && root.activeElement === button) own.focus();
    var mine = root.querySelectorAll('[data-lc-loader]');
    for (var i = 0; i < mine.length; i++) mine[i].remove();
  }

  function quietly() {
    api.ready().catch(function () {});
  }

  function draw() {
    host.setAttribute('data-livechat', api.name);
    doc.body.appendChild(host);
    root = host.attachShadow({ mode: 'open' });
    // A constructed stylesheet: a Content-Security-Policy without 'unsafe-inline' in style-src
    // blocks <style> elements, not these. The widget's own sheet replaces it. <style> where the
    // browser cannot construct one.
    var style = '';
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      style = '<style data-lc-loader>' + CSS + '</style>';
    }
    root.innerHTML =
      style +
      '<button data-lc-loader type="button" class="lc-launcher" aria-expanded="false" aria-controls="lc-window">' +
      '<svg class="lc-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="' + ICON + '"/></svg></button>';
    button = root.querySelector('button');
    button.setAttribute('aria-label', OPEN[language([data.language].concat(w.navigator.languages || [w.navigator.language]))]);
    button.addEventListener('click', function () {
      if (api.isLoaded()) return;
      clicked = true;
      button.setAttribute('aria-busy', 'true');
      api.ready().catch(function () {
        button.removeAttribute('aria-busy'); // the next interaction tries again
      });
    });
    ['pointerenter', 'focusin', 'touchstart'].forEach(function (type) {
      host.addEventListener(type, quietly, { once: true, passive: true });
    });
    if (data.load !== 'interaction') {
      var idle = w.requestIdleCallback || function (f) { setTimeout(f, 1500); };
      idle(quietly);
    }
    report();
  }

  // Page visits: the current page now, and every route change of a single-page site. The
  // History API is wrapped once for every widget on the page; no polling.
  var last = '';
  function report(href) {
    href = href || w.location.href;
    if (href === last) return;
    last = href;
    api.pageVisited(doc.title, href);
  }
  if (!registry.routes) {
    registry.routes = [];
    var changed = function () {
      // The address now: two route changes in one task (a push, then back) are two visits.
      // The title after the site's own handler has run (and set it).
      var href = w.location.href;
      setTimeout(function () {
        registry.routes.forEach(function (f) { f(href); });
      }, 0);
    };
    ['pushState', 'replaceState'].forEach(function (name) {
      var original = w.history[name];
      w.history[name] = function () {
        var result = original.apply(this, arguments);
        changed();
        return result;
      };
    });
    w.addEventListener('popstate', changed);
    w.addEventListener('hashchange', changed);
  }
  registry.routes.push(report);

  if (doc.body) draw();
  else doc.addEventListener('DOMContentLoaded', draw);
})(window, document);
