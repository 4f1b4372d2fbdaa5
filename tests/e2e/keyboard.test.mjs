// The whole visitor journey with the keyboard alone: open, register, send, edit, delete, the
// menu, end, rate (all four ratings), new chat, close. After each step: where focus is (through
// the widget's shadow root) and that its ring is visible: an outline or box-shadow, one of whose
// colours has at least 3:1 against what is behind the element.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { ROOT, agentLogin, agentRoomWith, launchBrowser, startServer, until } from './support.mjs';

let server;
let browser;

before(async () => {
  [server, browser] = await Promise.all([
    startServer({ args: ['--config', join(ROOT, 'tests/e2e/journeys.toml')] }),
    launchBrowser(),
  ]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/**
 * The focused element, through shadow roots: a short description (`tag.class#id "text"`), and
 * its focus ring: the outline's and box-shadow's colours and the background behind it.
 */
function focusState() {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  if (!el || el === document.body) return { where: 'body' };
  // A visually hidden radio shows its ring on the star beside it.
  const ringed = el.matches('.lc-star input') ? el.nextElementSibling : el;
  const style = getComputedStyle(ringed);
  const colours = [];
  if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) colours.push(style.outlineColor);
  if (style.boxShadow !== 'none') {
    // Each spread shadow's colour (`rgb(…) 0px 0px 0px 4px`); blurred drop shadows do not count.
    for (const shadow of style.boxShadow.split(/,(?![^(]*\))/)) {
      const m = /^(rgba?\([^)]*\))\s+(-?[\d.]+)px\s+(-?[\d.]+)px\s+([\d.]+)px\s+([\d.]+)px/.exec(shadow.trim());
      if (m && Number(m[5]) > 0 && Number(m[4]) === 0) colours.push(m[1]);
    }
  }
  // What is behind: the nearest ancestor (across shadow roots) with a background colour.
  let behind = 'rgb(255, 255, 255)';
  for (let n = ringed.parentElement || ringed.getRootNode().host; n; n = n.parentElement || n.getRootNode().host) {
    const bg = getComputedStyle(n).backgroundColor;
    if (!/rgba\(.*,\s*0\)$/.test(bg) && bg !== 'transparent') {
      behind = bg;
      break;
    }
  }
  const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
  const text = (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40);
  return {
    where: `${el.tagName.toLowerCase()}${cls}${el.id ? `#${el.id}` : ''}${text ? ` "${text}"` : ''}`,
    tag: el.tagName.toLowerCase(),
    id: el.id,
    classes: [...el.classList],
    text,
    checked: el.checked ?? null,
    value: el.value ?? null,
    colours,
    behind,
  };
}

function rgb(css) {
  const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(css);
  assert.ok(m, `a colour: ${css}`);
  return [m[1], m[2], m[3]].map(Number);
}

function luminance(c) {
  const [r, g, b] = c.map((v) => {
    v /= 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a, b) {
  const [x, y] = [luminance(rgb(a)), luminance(rgb(b))];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/**
 * Asserts that focus is on what `expect` describes (a predicate over `focusState()`, with
 * `what` for the message) and that its ring is visible. Waits a little: focus may move a frame
 * after the key press.
 */
async function focusIs(page, what, expect) {
  let state;
  try {
    await until(async () => expect((state = await page.evaluate(focusState))), `focus on ${what}`, 5000);
  } catch (e) {
    throw new Error(`${e.message}: it is on ${state?.where}`);
  }
  const best = Math.max(0, ...state.colours.map((c) => contrast(c, state.behind)));
  assert.ok(
    best >= 3,
    `the focus ring on ${state.where} is not visible: ring ${JSON.stringify(state.colours)} on ${state.behind} (best ${best.toFixed(2)}:1)`,
  );
  return state;
}

const has = (cls) => (s) => s.classes?.includes(cls);

/** Presses `key` until focus is on what `expect` describes (at most `max` times). */
async function pressUntil(page, key, what, expect, max = 15) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    if (expect(await page.evaluate(focusState))) return focusIs(page, what, expect);
  }
  assert.fail(`${key} ×${max} never reached ${what} (focus is on ${(await page.evaluate(focusState)).where})`);
}

test('the whole journey by keyboard, with focus always where the visitor is and visible', { timeout: 180_000 }, async () => {
  const context = await browser.newContext({ reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(server.url + '/');
  await until(() => page.evaluate(() => window.Livechat.get().isLoaded()), 'the widget to load');
  const win = (selector) => page.locator(`[data-livechat] ${selector}`);

  // Open: Tab through the page to the launcher, Enter.
  await pressUntil(page, 'Tab', 'the launcher', has('lc-launcher'), 40);
  await page.keyboard.press('Enter');
  await focusIs(page, 'the name field', (s) => s.id === 'lc-name');

  // Register.
  await page.keyboard.type('Ada Lovelace');
  await page.keyboard.press('Tab');
  await focusIs(page, 'the e-mail field', (s) => s.id === 'lc-email');
  await page.keyboard.type(`ada.${Date.now()}@example.com`);
  await page.keyboard.press('Tab');
  await focusIs(page, 'the department', (s) => s.id === 'lc-department');
  await page.keyboard.press('ArrowDown');
  await focusIs(page, 'Sales chosen', (s) => s.value === 'sales');
  await page.keyboard.press('Tab');
  await focusIs(page, 'Start chat', (s) => s.tag === 'button' && s.text === 'Start chat');
  await page.keyboard.press('Enter');
  await focusIs(page, 'the composer', has('lc-input'));

  // Send.
  await page.keyboard.type('Hello, do you ship tents?');
  await page.keyboard.press('Enter');
  await focusIs(page, 'the composer, emptied', (s) => s.classes.includes('lc-input') && s.value === '');
  await win('.lc-avatar').waitFor();
  await page.keyboard.type('A second question');
  await page.keyboard.press('Enter');
  await until(async () => (await win('li.lc-mine').count()) === 2 && (await win('.lc-status').count()) === 0, 'both confirmed');
  const agent = await agentLogin(server.url);
  const room = await agentRoomWith(agent, 'A second question');
  await agent.call('POST', '/api/v1/chat.sendMessage', { message: { rid: room._id, msg: 'Yes, see https://example.com/tents' } });
  await win('.lc-theirs').waitFor();

  // Edit the last message: back from the composer to its Edit, Enter, change it, Enter.
  await focusIs(page, 'the composer', has('lc-input'));
  const editOfLast = (s) => s.tag === 'button' && s.text === 'Edit';
  await pressUntil(page, 'Shift+Tab', 'Edit', editOfLast);
  await page.keyboard.press('Enter');
  await focusIs(page, 'the composer, with the text', (s) => s.classes.includes('lc-input') && s.value === 'A second question');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('A second question, edited');
  await page.keyboard.press('Enter');
  await focusIs(page, 'the composer', (s) => s.classes.includes('lc-input') && s.value === '');
  await win('li.lc-mine .lc-edited').waitFor();

  // Delete it: Delete, the confirming Delete takes focus; Cancel gives it back; then delete.
  await pressUntil(page, 'Shift+Tab', 'Delete', (s) => s.tag === 'button' && s.text === 'Delete' && s.classes.includes('lc-ask-delete'));
  await page.keyboard.press('Enter');
  await focusIs(page, 'the confirming Delete', (s) => s.classes.includes('lc-danger') && s.text === 'Delete');
  await page.keyboard.press('Tab');
  await focusIs(page, 'Cancel', (s) => s.text === 'Cancel');
  await page.keyboard.press('Enter');
  await focusIs(page, 'Delete again', has('lc-ask-delete'));
  await page.keyboard.press('Enter');
  await focusIs(page, 'the confirming Delete', has('lc-danger'));
  await page.keyboard.press('Enter');
  await focusIs(page, 'the composer', has('lc-input'));
  await until(async () => (await win('li.lc-mine').count()) === 1, 'the message to go');

  // The menu: focus moves in; arrows; Escape closes only the menu, back on its button.
  const options = (s) => s.tag === 'button' && s.text === 'Options';
  await pressUntil(page, 'Shift+Tab', 'Options', options, 20);
  await page.keyboard.press('Enter');
  await focusIs(page, 'the first menu item', (s) => s.text === 'Change department');
  await page.keyboard.press('ArrowDown');
  await focusIs(page, 'End chat in the menu', (s) => s.text === 'End chat');
  await page.keyboard.press('ArrowDown');
  await focusIs(page, 'the first item again', (s) => s.text === 'Change department');
  await page.keyboard.press('Escape');
  await focusIs(page, 'Options', options);
  assert.equal(await win('.lc-menu').count(), 0, 'the menu closed');
  assert.equal(await win('#lc-window').count(), 1, 'the window stays open');

  // Change department, then Cancel: focus into the chooser and back to Options.
  await page.keyboard.press('Enter');
  await focusIs(page, 'the first menu item', (s) => s.text === 'Change department');
  await page.keyboard.press('Enter');
  await focusIs(page, 'a department', (s) => s.text === 'Support');
  await pressUntil(page, 'Tab', 'Cancel', (s) => s.text === 'Cancel');
  await page.keyboard.press('Enter');
  await focusIs(page, 'Options', options);

  // End: the confirmation takes focus (Cancel first); Escape closes only it.
  await page.keyboard.press('Enter');
  await focusIs(page, 'the first menu item', (s) => s.text === 'Change department');
  await page.keyboard.press('End');
  await focusIs(page, 'End chat in the menu', (s) => s.text === 'End chat');
  await page.keyboard.press('Enter');
  await focusIs(page, "the confirmation's Cancel", (s) => s.text === 'Cancel' && s.classes.includes('lc-secondary'));
  await page.keyboard.press('Escape');
  await focusIs(page, 'Options', options);
  assert.equal(await win('[role=alertdialog]').count(), 0);
  await page.keyboard.press('Enter');
  await focusIs(page, 'the first menu item', (s) => s.text === 'Change department');
  await page.keyboard.press('ArrowUp');
  await focusIs(page, 'End chat, from the top around', (s) => s.text === 'End chat');
  await page.keyboard.press('Enter');
  await focusIs(page, "the confirmation's Cancel", (s) => s.text === 'Cancel');
  await page.keyboard.press('Tab');
  await focusIs(page, 'End chat', (s) => s.text === 'End chat' && s.classes.includes('lc-danger'));
  await page.keyboard.press('Enter');

  // Rate: the survey's title, then each of the four groups by arrows.
  await focusIs(page, "the survey's title", (s) => s.tag === 'h2' && s.text === 'How was your chat?');
  const ratings = [
    ['satisfaction', 5],
    ['agentKnowledge', 4],
    ['agentResposiveness', 2],
    ['agentFriendliness', 3],
  ];
  for (const [name, value] of ratings) {
    await page.keyboard.press('Tab');
    await focusIs(page, `the first ${name} rating`, (s) => s.tag === 'input' && s.value === '1');
    // Space checks the focused radio; each arrow moves to the next and checks it.
    await page.keyboard.press('Space');
    for (let i = 1; i < value; i++) await page.keyboard.press('ArrowRight');
    await focusIs(page, `${name} ${value}`, (s) => s.tag === 'input' && s.value === String(value) && s.checked);
  }
  for (const [name, value] of ratings) {
    assert.equal(await win(`input[name=${name}]:checked`).getAttribute('value'), String(value), name);
  }
  await page.keyboard.press('Tab');
  await focusIs(page, 'the feedback', (s) => s.id === 'lc-feedback');
  await page.keyboard.type('Quick.');
  await pressUntil(page, 'Tab', 'Send feedback', (s) => s.text === 'Send feedback');
  await page.keyboard.press('Enter');

  // Thanks, then a new chat.
  await focusIs(page, 'the thank-you title', (s) => s.tag === 'h2' && s.text === 'Thank you!');
  await pressUntil(page, 'Tab', 'Start a new chat', (s) => s.text === 'Start a new chat');
  await page.keyboard.press('Enter');
  await focusIs(page, 'the composer of the new chat', has('lc-input'));

  // Close: Escape, focus back on the launcher.
  await page.keyboard.press('Escape');
  await focusIs(page, 'the launcher', has('lc-launcher'));
  assert.equal(await win('#lc-window').count(), 0, 'the window closed');
  await context.close();
});
