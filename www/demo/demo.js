// The demo host page's own script (www/demo/index.html): the page keeps no inline script or
// style, so it runs under a strict Content-Security-Policy.

// Rocket.Chat's queue: calls made before the widget has loaded wait here, in order.
window.RocketChat = window.RocketChat || function (c) { window.RocketChat._.push(c); };
window.RocketChat._ = window.RocketChat._ || [];

(function () {
  var log = document.getElementById('log');
  function note(text) {
    var line = document.createElement('div');
    line.textContent = new Date().toLocaleTimeString() + '  ' + text;
    log.prepend(line);
  }
  RocketChat(function () {
    var api = this;
    this.onChatMaximized(function () { note('onChatMaximized'); });
    this.onChatMinimized(function () { note('onChatMinimized'); });
    this.onChatStarted(function () { note('onChatStarted'); });
    this.onChatEnded(function () { note('onChatEnded'); });
    this.onPrechatFormSubmit(function (d) { note('onPrechatFormSubmit ' + JSON.stringify(d)); });
    this.onOfflineFormSubmit(function (d) { note('onOfflineFormSubmit ' + JSON.stringify(d)); });
    this.onWidgetShown(function () { note('onWidgetShown'); });
    this.onWidgetHidden(function () { note('onWidgetHidden'); });
    this.onAssignAgent(function (a) { note('onAssignAgent ' + (a.name || a.username)); });
    this.onAgentStatusChange(function (a) { note('onAgentStatusChange ' + a.status); });
    // The widget's own events.
    this.on('message', function (m) { note('message ' + (m.fromVisitor ? 'visitor' : 'agent') + ': ' + m.msg); });
    this.on('status-change', function (s) { document.getElementById('status').value = s; });
    this.on('unread-change', function (n) { document.getElementById('unread').value = n; });
    this.on('chat-maximized', function () { document.getElementById('open').value = 'yes'; });
    this.on('chat-minimized', function () { document.getElementById('open').value = 'no'; });

    document.querySelectorAll('[data-call]').forEach(function (b) {
      b.addEventListener('click', function () { api[b.dataset.call](); });
    });
    document.getElementById('identify').addEventListener('click', function () {
      api.setGuestName(document.getElementById('name').value);
      api.setGuestEmail(document.getElementById('email').value).catch(function (e) { note(e.message); });
    });
    document.getElementById('department').addEventListener('change', function (e) {
      if (e.target.value) api.setDepartment(e.target.value); else api.clearDepartment();
    });
    document.getElementById('language').addEventListener('change', function (e) { api.setLanguage(e.target.value); });
    document.getElementById('color').addEventListener('input', function (e) { api.setTheme({ color: e.target.value }); });
  });

  // A single-page site's router: links change the route with pushState.
  document.querySelectorAll('[data-route]').forEach(function (a) {
    a.addEventListener('click', function (e) {
      e.preventDefault();
      history.pushState({}, '', a.getAttribute('href'));
      document.title = a.textContent + ' — Acme Outdoor';
      document.getElementById('page-title').textContent = a.textContent;
      note('route ' + location.pathname);
    });
  });
})();
