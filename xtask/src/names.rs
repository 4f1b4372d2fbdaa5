//! Short names for what the wasm and wasm-bindgen's glue call each other by.
//!
//! wasm-bindgen names every import after the JavaScript it wraps plus a 16-digit hash
//! (`__wbg_addEventListener_847fd86b8c33ec43`) and every closure shim after its full Rust type
//! (`wasm_bindgen_…___convert__closures_____invoke___…`), and both files carry each name:
//! about 200 of them, whose hashes brotli cannot compress (4 KB of the shipped bundle). They are
//! private to the pair — the page only sees the glue's own exports (`default`, `boot`,
//! `command`, …) — so [`shorten`] renames them, in the wasm's import and export sections and in
//! the glue alike, to `$a`, `$b`, … Nothing else in either file changes: wasm refers to
//! functions by index, not by name.

use std::collections::HashMap;

/// The module name the glue provides the wasm's imports under.
const GLUE_MODULE: &str = "./widget_bg.js";

/// Export names that are wasm-bindgen's own (shims, allocator, tables); the rest (`memory`,
/// the crate's `#[wasm_bindgen]` functions) keep theirs.
const GENERATED_EXPORTS: &[&str] = &["__wbindgen", "__wbg", "__externref", "wasm_bindgen_"];

/// The wasm and glue with short names, or what stopped it.
pub fn shorten(wasm: &[u8], glue: &str) -> Result<(Vec<u8>, String), String> {
    let mut names = Names::default();
    let wasm = rename_in_wasm(wasm, &mut names)?;
    let taken: Vec<&str> = identifiers(glue).filter(|id| id.starts_with('$')).collect();
    if let Some(clash) = taken.iter().find(|id| names.map.values().any(|n| n == *id)) {
        return Err(format!("the glue already uses the identifier {clash}"));
    }
    let mut out = String::with_capacity(glue.len());
    let mut last = 0;
    for (start, id) in identifier_spans(glue) {
        if let Some(short) = names.map.get(id) {
            out.push_str(&glue[last..start]);
            out.push_str(short);
            last = start + id.len();
        }
    }
    out.push_str(&glue[last..]);
    Ok((wasm, out))
}

/// Old name → short name, in the order met.
#[derive(Default)]
struct Names {
    map: HashMap<String, String>,
}

impl Names {
    fn short(&mut self, name: &str) -> String {
        let n = self.map.len();
        self.map.entry(name.to_owned()).or_insert_with(|| short_name(n)).clone()
    }
}

/// `$a` … `$Z`, `$ba`, … (letters only after the `$`: valid everywhere an identifier is).
fn short_name(mut n: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut s = Vec::new();
    loop {
        s.push(LETTERS[n % LETTERS.len()]);
        n /= LETTERS.len();
        if n == 0 {
            break;
        }
    }
    s.push(b'$');
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

fn identifier_spans(js: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = js.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !word(bytes[i]) {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        while i < bytes.len() && word(bytes[i]) {
            i += 1;
        }
        Some((start, &js[start..i]))
    })
}

fn identifiers(js: &str) -> impl Iterator<Item = &str> {
    identifier_spans(js).map(|(_, id)| id)
}

/// A reader over a wasm section's bytes.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, String> {
        let b = *self.bytes.get(self.at).ok_or("the wasm ends early")?;
        self.at += 1;
        Ok(b)
    }

    fn uleb(&mut self) -> Result<u32, String> {
        let (mut value, mut shift) = (0u64, 0);
        loop {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return u32::try_from(value).map_err(|_| "a number in the wasm is too large".to_owned());
            }
            shift += 7;
            if shift > 35 {
                return Err("a number in the wasm is too long".into());
            }
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or("the wasm ends early")?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn name(&mut self) -> Result<&'a str, String> {
        let n = self.uleb()? as usize;
        std::str::from_utf8(self.take(n)?).map_err(|_| "a name in the wasm is not UTF-8".to_owned())
    }

    /// Skips a table's or memory's limits.
    fn limits(&mut self) -> Result<(), String> {
        let flags = self.byte()?;
        self.uleb()?;
        if flags & 1 != 0 {
            self.uleb()?;
        }
        Ok(())
    }

    fn done(&self) -> bool {
        self.at == self.bytes.len()
    }
}

fn uleb(out: &mut Vec<u8>, mut n: u32) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn name(out: &mut Vec<u8>, s: &str) {
    uleb(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

const IMPORTS: u8 = 2;
const EXPORTS: u8 = 7;

fn rename_in_wasm(wasm: &[u8], names: &mut Names) -> Result<Vec<u8>, String> {
    if wasm.get(..8) != Some(b"\0asm\x01\0\0\0".as_slice()) {
        return Err("not a wasm module (version 1)".into());
    }
    let mut out = wasm[..8].to_vec();
    let mut r = Reader { bytes: wasm, at: 8 };
    while !r.done() {
        let id = r.byte()?;
        let size = r.uleb()? as usize;
        let body = r.take(size)?;
        let body = match id {
            IMPORTS => imports(body, names)?,
            EXPORTS => exports(body, names)?,
            _ => body.to_vec(),
        };
        out.push(id);
        uleb(&mut out, body.len() as u32);
        out.extend_from_slice(&body);
    }
    Ok(out)
}

fn imports(body: &[u8], names: &mut Names) -> Result<Vec<u8>, String> {
    let mut r = Reader { bytes: body, at: 0 };
    let count = r.uleb()?;
    let mut out = Vec::with_capacity(body.len());
    uleb(&mut out, count);
    for _ in 0..count {
        let module = r.name()?;
        let field = r.name()?;
        let start = r.at;
        match r.byte()? {
            // A function (its type) or a tag (attribute, type).
            0x00 => {
                r.uleb()?;
            }
            0x04 => {
                r.byte()?;
                r.uleb()?;
            }
            // A table (element type, limits), a memory (limits), a global (type, mutability).
            0x01 => {
                r.byte()?;
                r.limits()?;
            }
            0x02 => r.limits()?,
            0x03 => {
                r.byte()?;
                r.byte()?;
            }
            kind => return Err(format!("an import of unknown kind {kind:#04x}")),
        }
        let desc = &body[start..r.at];
        name(&mut out, module);
        if module == GLUE_MODULE {
            name(&mut out, &names.short(field));
        } else {
            name(&mut out, field);
        }
        out.extend_from_slice(desc);
    }
    if !r.done() {
        return Err("the import section has bytes after its last import".into());
    }
    Ok(out)
}

fn exports(body: &[u8], names: &mut Names) -> Result<Vec<u8>, String> {
    let mut r = Reader { bytes: body, at: 0 };
    let count = r.uleb()?;
    let mut out = Vec::with_capacity(body.len());
    uleb(&mut out, count);
    for _ in 0..count {
        let field = r.name()?;
        let start = r.at;
        r.byte()?;
        r.uleb()?;
        let desc = &body[start..r.at];
        if GENERATED_EXPORTS.iter().any(|p| field.starts_with(p)) {
            name(&mut out, &names.short(field));
        } else {
            name(&mut out, field);
        }
        out.extend_from_slice(desc);
    }
    if !r.done() {
        return Err("the export section has bytes after its last export".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(id: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![id];
        uleb(&mut out, body.len() as u32);
        out.extend_from_slice(body);
        out
    }

    /// A module importing two functions and a memory, exporting a shim, the memory and `boot`.
    fn module(import_names: [&str; 2], shim: &str) -> Vec<u8> {
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        // One type: () -> ().
        wasm.extend(section(1, &[1, 0x60, 0, 0]));
        let mut imports = vec![3];
        for field in import_names {
            name(&mut imports, GLUE_MODULE);
            name(&mut imports, field);
            imports.extend([0x00, 0]);
        }
        name(&mut imports, "env");
        name(&mut imports, "memory");
        imports.extend([0x02, 0x01, 1, 2]);
        wasm.extend(section(IMPORTS, &imports));
        let mut exports = vec![3];
        for (field, kind, index) in [(shim, 0u8, 0u8), ("memory", 2, 0), ("boot", 0, 1)] {
            name(&mut exports, field);
            exports.extend([kind, index]);
        }
        wasm.extend(section(EXPORTS, &exports));
        // A custom section, kept as it is.
        let mut custom = Vec::new();
        name(&mut custom, "producers");
        custom.extend([9, 9, 9]);
        wasm.extend(section(0, &custom));
        wasm
    }

    #[test]
    fn renames_the_glue_pairs_names_in_both_files_and_nothing_else() {
        let long = ["__wbg_addEventListener_847fd86b8c33ec43", "__wbg_new_0123456789abcdef"];
        let shim = "wasm_bindgen_9d3a___convert__closures_____invoke___true_";
        let glue = format!(
            "const imports = {{ {a}: function() {{}}, {b}: function() {{}} }};\n\
             function {shim}(x) {{ wasm.{shim}(x); }}\n\
             export function boot() {{ return wasm.boot(); }}\n\
             const m = wasm.memory; // {a}_not_this {b}x\n",
            a = long[0],
            b = long[1],
        );
        let (wasm, js) = shorten(&module(long, shim), &glue).unwrap();
        assert_eq!(wasm, module(["$a", "$b"], "$c"), "imports and the shim renamed, memory and boot kept");
        assert_eq!(
            js,
            "const imports = { $a: function() {}, $b: function() {} };\n\
             function $c(x) { wasm.$c(x); }\n\
             export function boot() { return wasm.boot(); }\n\
             const m = wasm.memory; // __wbg_addEventListener_847fd86b8c33ec43_not_this __wbg_new_0123456789abcdefx\n",
            "whole identifiers only"
        );
    }

    #[test]
    fn refuses_what_it_cannot_rename_safely() {
        let long = ["__wbg_a_1", "__wbg_b_2"];
        assert!(shorten(b"\0asm\x02\0\0\0", "").unwrap_err().contains("not a wasm module"));
        let mut cut = module(long, "__wbindgen_malloc");
        cut.truncate(cut.len() - 3);
        assert!(shorten(&cut, "").unwrap_err().contains("ends early"));
        let clash = shorten(&module(long, "__wbindgen_malloc"), "let $a = 1;").unwrap_err();
        assert!(clash.contains("$a"), "{clash}");
    }

    #[test]
    fn short_names_count_in_letters() {
        assert_eq!(short_name(0), "$a");
        assert_eq!(short_name(51), "$Z");
        assert_eq!(short_name(52), "$ba");
        assert_eq!((0..3000).map(short_name).collect::<std::collections::HashSet<_>>().len(), 3000);
    }
}
