// Writes the emoji shortcode table: `node xtask/emoji.mjs <out.json> [<out.js>]`.
//
// Rocket.Chat names emoji as JoyPixels does (`:smile:`, `:+1:`, `:thumbsup_tone2:`). The table
// maps each of those names to its emoji, from `emojibase-data` (MIT; pinned in package.json):
// `en/shortcodes/joypixels.json` (code points → names) and `en/compact.json` (code points →
// emoji, skin tones included). The `.js` form is the same table as a module's default export
// (the npm package's chunk).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const names = require('emojibase-data/en/shortcodes/joypixels.json');
const compact = require('emojibase-data/en/compact.json');

const emoji = new Map();
for (const e of compact) {
  emoji.set(e.hexcode, e.unicode);
  for (const skin of e.skins || []) emoji.set(skin.hexcode, skin.unicode);
}
const table = {};
let missing = 0;
for (const [hexcode, list] of Object.entries(names)) {
  const unicode = emoji.get(hexcode);
  if (!unicode) {
    missing++;
    continue;
  }
  for (const name of [].concat(list)) table[name] = unicode;
}
const count = Object.keys(table).length;
if (count < 3000 || !table.smile || !table['+1']) {
  console.error(`emoji table: only ${count} names (${missing} code points without an emoji)`);
  process.exit(1);
}
const [json, js] = process.argv.slice(2);
const text = JSON.stringify(table);
writeFileSync(json, text);
if (js) writeFileSync(js, `export default ${text};\n`);
console.log(`  ${json}: ${count} shortcodes`);
