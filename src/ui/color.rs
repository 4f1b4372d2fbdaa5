//! Colours derived from the theme colour a site sets, with the contrast WCAG asks for. Pure
//! functions over sRGB, tested natively.

/// An sRGB colour, 0–255 per channel.
pub type Rgb = [u8; 3];

/// WCAG's relative luminance.
pub fn luminance(c: Rgb) -> f64 {
    let linear = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 { v / 12.92 } else { pow_2_4((v + 0.055) / 1.055) }
    };
    0.2126 * linear(c[0]) + 0.7152 * linear(c[1]) + 0.0722 * linear(c[2])
}

/// `x` (0 to 1) to the power 2.4: x² times the fifth root of x², found by Newton's method.
/// `f64::powf` would bring libm's `pow` into the wasm for this one use.
fn pow_2_4(x: f64) -> f64 {
    let a = x * x;
    let mut root = 1.0;
    for _ in 0..40 {
        root = (4.0 * root + a / (root * root * root * root)) / 5.0;
    }
    a * root
}

/// WCAG's contrast ratio of two colours, 1 to 21.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (a, b) = (luminance(a), luminance(b));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

const WHITE: Rgb = [255; 3];
const BLACK: Rgb = [0; 3];

/// The agent avatar's background and text for the theme colour `theme`: the theme colour
/// shaded (darker under white text, lighter under black) so it stands apart from the header,
/// with whichever of white and black contrasts more. One of the two always reaches 4.58:1 with
/// any colour, and shading away from the text only raises it: at least 4.5:1 whatever the site sets.
pub fn avatar_colors(theme: Rgb) -> (Rgb, Rgb) {
    let white_text = contrast(theme, WHITE) >= contrast(theme, BLACK);
    let (toward, amount, text) = if white_text { (BLACK, 0.3, WHITE) } else { (WHITE, 0.4, BLACK) };
    let mix = |i: usize| (f64::from(theme[i]) + (f64::from(toward[i]) - f64::from(theme[i])) * amount).round() as u8;
    ([mix(0), mix(1), mix(2)], text)
}

/// The colour of a computed style value: `rgb(r, g, b)`, `rgba(r, g, b, a)` (alpha ignored) or
/// `color(srgb r g b)` (0–1, clamped).
pub fn parse(css: &str) -> Option<Rgb> {
    let (scale, rest) = if let Some(rest) = css.strip_prefix("color(srgb ") {
        (255.0, rest)
    } else {
        (1.0, css.strip_prefix("rgba(").or_else(|| css.strip_prefix("rgb("))?)
    };
    let mut channels = rest.split([',', ' ', ')', '/']).filter(|p| !p.is_empty());
    let mut next = || number(channels.next()?).map(|v| (v * scale).round().clamp(0.0, 255.0) as u8);
    Some([next()?, next()?, next()?])
}

/// A decimal as computed styles write channels (`193`, `0.5`, `.25`, `-0.2`; no exponent).
/// By hand: `str::parse::<f64>` brings about 12 KB (brotli) of float parsing into the wasm.
fn number(s: &str) -> Option<f64> {
    let (sign, s) = s.strip_prefix('-').map_or((1.0, s), |rest| (-1.0, rest));
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return None;
    }
    let mut value = int.bytes().fold(0.0, |v, b| v * 10.0 + f64::from(b - b'0'));
    let mut unit = 1.0;
    for b in frac.bytes() {
        unit /= 10.0;
        value += f64::from(b - b'0') * unit;
    }
    Some(sign * value)
}

/// `#rrggbb`.
pub fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(theme: Rgb) {
        let (background, text) = avatar_colors(theme);
        let ratio = contrast(background, text);
        assert!(ratio >= 4.5, "{}: {} on {} is {ratio:.2}:1", hex(theme), hex(text), hex(background));
    }

    #[test]
    fn the_avatar_reaches_4_5_to_1_on_any_theme_colour() {
        // The default, light and mid colours where one text colour barely wins, and a grid
        // over the whole cube.
        for theme in [
            [0xc1, 0x27, 0x2d],
            [0xff, 0xff, 0x00],
            [0xff, 0xff, 0xff],
            [0x00, 0x00, 0x00],
            [0x76, 0x76, 0x76],
            [0x77, 0x77, 0x77],
            [0x0b, 0x5c, 0xad],
            [0x00, 0xff, 0xff],
            [0xff, 0x00, 0xff],
            [0x00, 0x80, 0x00],
            [0xff, 0x8a, 0x80],
            [0xf9, 0xab, 0x00],
        ] {
            check(theme);
        }
        for r in (0..=255).step_by(15) {
            for g in (0..=255).step_by(15) {
                for b in (0..=255).step_by(15) {
                    check([r as u8, g as u8, b as u8]);
                }
            }
        }
        // And 20,000 more from a fixed pseudo-random sequence.
        let mut seed = 0x2545_f491_u32;
        for _ in 0..20_000 {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let [_, r, g, b] = seed.to_be_bytes();
            check([r, g, b]);
        }
    }

    #[test]
    fn the_default_theme_keeps_white_initials_on_a_darker_red() {
        let (background, text) = avatar_colors([0xc1, 0x27, 0x2d]);
        assert_eq!(text, [255; 3]);
        assert!(luminance(background) < luminance([0xc1, 0x27, 0x2d]), "darker, to stand apart from the header");
        let (background, text) = avatar_colors([0xff, 0xff, 0x00]);
        assert_eq!(text, [0; 3]);
        assert!(luminance(background) >= luminance([0xff, 0xff, 0x00]));
    }

    #[test]
    fn the_power_is_powfs() {
        for v in 10..=255 {
            let x = (f64::from(v) / 255.0 + 0.055) / 1.055;
            assert!((pow_2_4(x) - x.powf(2.4)).abs() < 1e-12, "{v}");
        }
    }

    #[test]
    fn contrast_is_wcags() {
        assert!((contrast([255; 3], [0; 3]) - 21.0).abs() < 1e-9);
        assert!((contrast([0x76; 3], [255; 3]) - 4.54).abs() < 0.01);
        assert_eq!(contrast([0x12, 0x34, 0x56], [0x12, 0x34, 0x56]), 1.0);
    }

    #[test]
    fn parses_computed_colours() {
        assert_eq!(parse("rgb(193, 39, 45)"), Some([193, 39, 45]));
        assert_eq!(parse("rgba(255, 255, 0, 0.5)"), Some([255, 255, 0]));
        assert_eq!(parse("color(srgb 1 0.5 -0.2)"), Some([255, 128, 0]));
        assert_eq!(parse("color(srgb 0 0 1 / 0.5)"), Some([0, 0, 255]));
        assert_eq!(parse("oklch(0.5 0.1 20)"), None);
        assert_eq!(parse("rgb(1, 2)"), None);
        assert_eq!(parse("color(srgb .25 0.0 1.)"), Some([64, 0, 255]));
        assert_eq!(parse("rgb(1, 2, 3e2)"), None);
        assert_eq!(parse("color(srgb 1 . 1)"), None);
        assert_eq!(parse(""), None);
        assert_eq!(hex([0xc1, 0x27, 0x0d]), "#c1270d");
    }
}
