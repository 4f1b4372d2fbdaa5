//! `cargo xtask screenshots`: the README's screenshots of the widget's main screens
//! (`docs/screenshots/*.png`), taken on the demo host page in headless Chromium by
//! `tests/e2e/screenshots.mjs` against dev servers on free loopback ports. Not part of
//! `cargo xtask test`; run it when the look changes and commit the pictures.

use crate::cmd::{Result, Sh};

/// Where the pictures go, from the repository root.
pub const OUT: &str = "docs/screenshots";

pub fn run(sh: &Sh) -> Result<()> {
    crate::ensure::run(sh, crate::ensure::Options::INSTALL)?;
    emoji_font(sh);
    crate::dist::script_tag(sh)?;
    crate::dist::demo_page(sh)?;
    let binary = crate::server::build(sh)?;
    println!("==> screenshots into {OUT}/");
    sh.cmd("node")
        .args(["tests/e2e/screenshots.mjs", OUT])
        .env("LIVECHAT_DEV_SERVER", &binary)
        .env("LIVECHAT_DIST", crate::dist::dir(sh))
        .env("CHROMIUM", crate::ensure::CHROMIUM)
        .run()
}

/// Debian's colour emoji font, without which headless Chromium draws emoji as boxes: installed
/// with apt-get when running as root, else a note (the pictures are taken either way).
fn emoji_font(sh: &Sh) {
    const FONT: &str = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf";
    if std::path::Path::new(FONT).exists() {
        return;
    }
    let root = sh.cmd("id").arg("-u").read().is_ok_and(|uid| uid.trim() == "0");
    if root {
        println!("==> installing the colour emoji font (fonts-noto-color-emoji) for the pictures");
        let apt = |args: &[&str]| sh.cmd("apt-get").args(args).env("DEBIAN_FRONTEND", "noninteractive").run();
        if apt(&["update"])
            .and_then(|_| apt(&["install", "-y", "--no-install-recommends", "fonts-noto-color-emoji"]))
            .is_ok()
        {
            return;
        }
    }
    println!(
        "note: without fonts-noto-color-emoji, emoji in the pictures show as boxes (apt-get install fonts-noto-color-emoji)"
    );
}
