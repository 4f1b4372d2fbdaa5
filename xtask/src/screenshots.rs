//! `cargo xtask screenshots`: the README's screenshots of the widget's main screens
//! (`docs/screenshots/*.png`), taken on the demo host page in headless Chromium by
//! `tests/e2e/screenshots.mjs` against dev servers on free loopback ports. Not part of
//! `cargo xtask test`; run it when the look changes and commit the pictures.

use crate::cmd::{Result, Sh};

/// Where the pictures go, from the repository root.
pub const OUT: &str = "docs/screenshots";

pub fn run(sh: &Sh) -> Result<()> {
    crate::ensure::run(sh, crate::ensure::Options::INSTALL)?;
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
