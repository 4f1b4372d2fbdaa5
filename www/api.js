// The widget's JavaScript API: Rocket.Chat's embed API (unchanged) and the widget's typed one, in
// front of the wasm. One source for both ways of embedding: `cargo xtask dist` puts it inside the
// script-tag loader (dist/livechat.js, where `export` goes) and ships it in the npm package
// (dist/npm/api.js). The wasm side is src/embed.rs: `boot` mounts a widget, `command` runs one
// command on it, and every event comes back through one sink.

// Every event `on` takes; the wasm reports them by number, in this order (src/embed.rs `Event`).
export var EVENTS = (
  'chat-maximized chat-minimized chat-started chat-ended pre-chat-form-submit offline-form-submit ' +
  'show-widget hide-widget assign-agent agent-status-change queue-position-change no-agent-online ' +
  'message status-change unread-change'
).split(' ');

// The catalogue tag of each language the widget speaks, by primary subtag (src/i18n).
var LANGUAGES = { en: 'en', pt: 'pt-BR', es: 'es', de: 'de', fr: 'fr', ar: 'ar' };

// The first of `tags` (the site's setting, then the browser's languages) that the widget speaks;
// English otherwise.
export function language(tags) {
  for (var i = 0; i < tags.length; i++) {
    var primary = String(tags[i] || '').trim().split(/[-_]/)[0].toLowerCase();
    if (Object.prototype.hasOwnProperty.call(LANGUAGES, primary)) return LANGUAGES[primary];
  }
  return 'en';
}

// Rocket.Chat's Enterprise-only calls: accepted (so a site's snippet keeps working) and ignored.
var IGNORED = 'setAgent setBusinessUnit clearBusinessUnit setGuestMetadata setHiddenSystemMessages setParentUrl';
// Rocket.Chat's callbacks and the event each registers for.
var CALLBACKS = {
  onChatMaximized: 0, onChatMinimized: 1, onChatStarted: 2, onChatEnded: 3, onPrechatFormSubmit: 4,
  onOfflineFormSubmit: 5, onWidgetShown: 6, onWidgetHidden: 7, onAssignAgent: 8, onAgentStatusChange: 9,
  onQueuePositionChange: 10, onServiceOffline: 11,
};
var MARK = Symbol.for('livechat'); // on a host element that has a widget

function fail(message) {
  throw new Error('Livechat: ' + message);
}

// A handler for promises nobody else may handle.
function quiet() {}

// White or black, whichever reads better on `color` (WCAG 2 contrast), for a site colour that
// came without a text colour. The canvas writes any CSS colour as #rrggbb (translucent ones
// otherwise: white, as before).
function onColor(color) {
  var c = document.createElement('canvas').getContext('2d');
  c.fillStyle = color;
  var hex = String(c.fillStyle);
  var l = [1, 3, 5].map(function (i) {
    var v = parseInt(hex.substr(i, 2), 16) / 255;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  var y = 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2] + 0.05;
  return hex[0] == '#' && y * y > 0.0525 ? '#000000' : '#ffffff';
}

// A trimmed, non-empty string, or undefined.
function text(v) {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

// A widget on `host`. `options` as in BootOptions (index.d.ts); `load()` answers the wasm's
// exports (`boot`, `command`), or a promise of them; `i18n(tag)` answers the address of a
// language's catalogue, or a promise of its texts (the npm package's modules). Throws on bad
// options. Nothing is fetched until `ready()` (or an `open`) is called; calls made until the
// widget is up are queued and applied in order, each answering a promise of its result.
// `booted(clicked)`, if given, runs once the widget is up and the queue applied; `clicked()`
// tells the widget its launcher was clicked before it came (an interaction). `parts(name)`, if
// given, answers a promise of a part loaded when a message needs it: `'rich'` the second
// module's exports (its wasm instantiated), `'emoji'` the shortcode table; without it, every
// message shows as plain text.
export function create(host, options, load, i18n, booted, parts) {
  options = options || {};
  var server = text(options.server);
  if (!server) fail('the `server` option is required');
  if (!/^https?:\/\//.test(server)) fail('`server` must be an http(s) address');
  if (host[MARK]) fail('this element has a widget already');
  host[MARK] = true;

  var nav = navigator;
  var lang = language([options.language].concat(nav.languages || [nav.language]));
  var catalogues = {}; // tag → promise of its texts (null: not to be had)
  var listeners = []; // [event, callback]
  var queue = []; // [method, arguments, resolve, reject] until the widget is up
  var shown = true; // as `show-widget`/`hide-widget` last reported it
  var switches = 0; // setLanguage calls: the last one wins
  var own; // the text colour the site set
  var run; // run(command, a, b, c), once the widget is up
  var loading; // the promise of the widget, once asked for
  var rich; // the promise of the second module, once a message needed it

  // The texts of `tag` (null for English, or when they could not be had), fetched once. A
  // catalogue that has not come in 5 s is given up: the widget starts in English rather than wait.
  function catalogue(tag) {
    if (tag === 'en') return null;
    if (catalogues[tag]) return catalogues[tag];
    // Every browser that runs the wasm (reference types) has AbortController; aborting a fetch
    // that has completed does nothing, so the timer need not be cleared.
    var stop = new AbortController();
    setTimeout(function () {
      stop.abort(new Error('no answer in 5 s'));
    }, 5000);
    // An address, or a promise of the texts (the npm package's modules): that one races the
    // same 5 s.
    var texts = i18n(tag);
    return (catalogues[tag] = (texts.then
      ? Promise.race([texts, new Promise(function (_, reject) {
          stop.signal.onabort = function () {
            reject(stop.signal.reason);
          };
        })])
      : fetch(texts, { signal: stop.signal })
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      }))
      .then(function (texts) {
        if (!Array.isArray(texts)) throw new Error('not a catalogue');
        return texts;
      })
      .catch(function (e) {
        delete catalogues[tag]; // the next setLanguage tries again
        console.warn('Livechat: the ' + tag + ' texts could not be loaded, so the widget speaks English', e);
        return null;
      }));
  }

  function emit(event, payload) {
    // A callback may add or remove listeners: call a copy.
    listeners.slice().forEach(function (l) {
      if (l[0] !== event) return;
      try {
        l[1](payload);
      } catch (e) {
        console.error('Livechat: an event callback failed:', e);
      }
    });
  }

  // The site's colour, and the text on it: the site's own once it gave one, else white or black;
  // the agent's avatar always takes the better of the two (widget.css).
  function paint(color, fg) {
    var on = color && onColor(color);
    if (fg) own = fg;
    if (color) {
      host.style.setProperty('--lc-color', color);
      host.style.setProperty('--lc-contrast', on);
      host.style.setProperty('--lc-shade', on == '#000000' ? '#ffffff' : '#000000');
    }
    if (fg || (color && !own)) host.style.setProperty('--lc-on-color', fg || on);
  }

  function visible(v) {
    if (shown === v) return;
    shown = v;
    host.style.display = v ? '' : 'none';
    emit(v ? 'show-widget' : 'hide-widget');
  }

  // The second module, loaded the first time a message or a file needs it (again after a
  // failure).
  function second() {
    return (rich =
      rich ||
      Promise.resolve(parts('rich')).catch(function (e) {
        rich = null;
        throw e;
      }));
  }

  // Draws a message that is more than plain text (the module asks for the emoji table when a
  // message has a shortcode); what the widget put there stays when the module cannot be had.
  function draw(target, message, context) {
    context.emoji = function () {
      return parts('emoji');
    };
    second()
      .then(function (m) {
        m.render(target, message, context);
      })
      .catch(function (e) {
        console.warn('Livechat: a formatted message shows as plain text', e);
      });
  }

  // The second module's function `name` (`upload`: sends the visitor's files and lists them
  // above the composer; `trigger`: the server's proactive messages; `panel`: what it draws in the
  // window), loaded when first called.
  function later(name) {
    return function call(a, b, tries) {
      tries = tries || 0;
      second()
        .then(function (m) {
          m[name](a, b);
        })
        .catch(function (e) {
          console.warn('Livechat: ' + name + ' failed', e);
          // A panel the window shows (the consent, the survey) is tried again while it is there,
          // and the start of the server's triggers (what follows it is lost without it).
          if ((name == 'panel' ? b.slot.isConnected : name == 'trigger' && a == 'start') && tries < 5)
            setTimeout(function () {
              call(a, b, tries + 1);
            }, 2000 << tries);
        });
    };
  }

  // `texts` are the catalogue of `tag` (null: English).
  function start(wasm, tag, texts) {
    if (run) return;
    var o = {};
    for (var k in options) o[k] = options[k];
    o.language = texts ? tag : 'en';
    o.texts = texts;
    if (parts) o.lazy = { draw: draw, upload: later('upload'), trigger: later('trigger'), panel: later('panel') };
    var id = wasm.boot(host, o, function (event, payload) {
      emit(EVENTS[event], payload);
    });
    run = function (name, a, b, c) {
      return wasm.command(id, name, a, b, c);
    };
    var calls = queue;
    queue = [];
    calls.forEach(function (c) {
      try {
        c[2](impl[c[0]].apply(api, c[1]));
      } catch (e) {
        c[3](e);
      }
    });
    if (booted)
      booted(function () {
        run('clicked');
      });
  }

  // Fetches the wasm and the visitor's catalogue side by side, and starts the widget with both
  // (no English flash); at once when both are at hand.
  function ready() {
    if (!loading) {
      var wasm = load();
      // A `setLanguage` made while these load is queued and applied after the start; the widget
      // starts in the language these texts are of.
      var tag = lang;
      var texts = catalogue(tag);
      loading = (
        wasm.then || texts
          ? Promise.all([wasm, texts]).then(function (r) {
              start(r[0], tag, r[1]);
            })
          : new Promise(function (resolve) {
              start(wasm, tag, null); // at once: calls made right after `boot` find the widget up
              resolve();
            })
      ).then(
        function () {
          return api;
        },
        function (e) {
          loading = null; // the next call tries again
          console.error('Livechat: the widget could not be loaded', e);
          throw e;
        },
      );
    }
    return loading;
  }

  function on(event, callback) {
    if (EVENTS.indexOf(event) < 0) fail('unknown event');
    listeners.push([event, callback]);
  }

  // How each call works once the widget is up. Most are one command of the wasm's, by the
  // same name; these take no argument, or strings.
  var impl = {};
  'open close reset consent clearDepartment'.split(' ').forEach(function (m) {
    impl[m] = function () {
      return run(m);
    };
  });
  'pageVisited setDepartment setGuestToken setGuestName setGuestEmail'.split(' ').forEach(function (m) {
    impl[m] = function (a, b) {
      return run(m, String(a), String(b));
    };
  });
  impl.maximizeWidget = impl.open;
  impl.minimizeWidget = impl.close;
  impl.show = impl.showWidget = function () {
    visible(true);
  };
  impl.hide = impl.hideWidget = function () {
    visible(false);
  };
  impl.on = on;
  impl.off = function (event, callback) {
    listeners = listeners.filter(function (l) {
      return l[0] !== event || l[1] !== callback;
    });
  };
  // Forgets every callback and listener the site registered.
  impl.clearAllCallbacks = function () {
    listeners = [];
  };
  Object.keys(CALLBACKS).forEach(function (m) {
    impl[m] = function (callback) {
      on(EVENTS[CALLBACKS[m]], callback);
    };
  });
  impl.setTheme = function (theme) {
    theme = Object(theme);
    paint(text(theme.color), text(theme.fontColor) || text(theme.iconColor)); // one colour for text and icons
    position(text(theme.position));
    var title = text(theme.title);
    var offline = text(theme.offlineTitle);
    if (title || offline) run('setTheme', title, offline);
  };
  impl.setCustomField = function (key, value, overwrite) {
    if (typeof key !== 'string' || (typeof value !== 'string' && typeof value !== 'number')) {
      fail('setCustomField(key, value) takes two strings');
    }
    // Rocket.Chat's widget takes numbers too.
    return run('setCustomField', key, String(value), overwrite !== false);
  };
  impl.setCustomFields = function (fields) {
    if (!Array.isArray(fields)) fail('setCustomFields takes an array of [key, value, overwrite]');
    var last = Promise.resolve();
    fields.forEach(function (f) {
      last = impl.setCustomField(f[0], f[1], f[2]);
    });
    return last;
  };
  impl.registerGuest = function (guest) {
    if (!guest || typeof guest !== 'object') fail('registerGuest takes an object');
    return run('registerGuest', guest);
  };
  // Switches once the language's texts are here (English if they cannot be had).
  impl.setLanguage = function (tag) {
    var n = ++switches;
    var want = language([tag]);
    return Promise.resolve(catalogue(want)).then(function (texts) {
      if (n === switches) run('setLanguage', texts ? want : 'en', texts);
    });
  };
  // Rocket.Chat's all-in-one call, applied in this order.
  impl.initialize = function (p) {
    p = Object(p);
    if (p.theme && typeof p.theme === 'object') impl.setTheme(p.theme);
    'setDepartment department setGuestToken guestToken setGuestName guestName setGuestEmail guestEmail'
      .split(' ')
      .forEach(function (m, i, all) {
        if (i % 2 === 0 && text(p[all[i + 1]])) impl[m](text(p[all[i + 1]]));
      });
    if (p.registerGuest && typeof p.registerGuest === 'object') impl.registerGuest(p.registerGuest);
    if (text(p.language)) impl.setLanguage(text(p.language));
    var f = p.customField;
    if (Array.isArray(f)) impl.setCustomField(f[0], f[1], f[2]);
    if (Array.isArray(p.setCustomFields)) impl.setCustomFields(p.setCustomFields);
  };

  function position(p) {
    if (p === 'left' || p === 'right') host.setAttribute('data-position', p);
  }

  var api = { isLoaded: function () { return !!run; }, ready: ready };
  // Getters answer from what is known until the widget is up.
  var GETTERS = { isOpen: false, status: 'loading', unreadCount: 0, token: undefined };
  Object.keys(GETTERS).forEach(function (m) {
    api[m] = function () {
      return run ? run(m) : GETTERS[m];
    };
  });
  api.isVisible = function () {
    return host.style.display !== 'none';
  };
  function call(m, args) {
    if (run) return impl[m].apply(api, args);
    if (m === 'hideWidget' || m === 'hide') host.style.display = 'none';
    if (m === 'showWidget' || m === 'show') host.style.display = '';
    if (m === 'maximizeWidget' || m === 'open') ready().catch(quiet);
    // Before the load, a language asked for is the one the widget starts in.
    if (m === 'setLanguage') lang = language([args[0]]);
    return new Promise(function (resolve, reject) {
      queue.push([m, args, resolve, reject]);
    });
  }
  Object.keys(impl).forEach(function (m) {
    api[m] = function () {
      var r = call(m, arguments);
      // Rocket.Chat's API answers nothing, so its snippets never catch: a refusal is the
      // caller's to await, never an unhandled rejection on the page.
      if (r && r.catch) r.catch(quiet);
      return r;
    };
  });
  IGNORED.split(' ').forEach(function (m) {
    api[m] = function () {
      console.warn('Livechat: RocketChat ' + m + '() is not supported by this widget and was ignored');
    };
  });

  // The host: the site's colour, side and colour scheme at once, before any wasm.
  position(text(options.position));
  if (/^(light|dark|auto)$/.test(text(options.colorScheme))) host.setAttribute('data-theme', text(options.colorScheme));
  paint(text(options.color));
  return api;
}
