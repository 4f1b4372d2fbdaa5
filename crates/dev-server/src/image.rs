//! An image's size in pixels, read from its header as Rocket.Chat's `identify` does for the
//! types it identifies (BMP, JPEG, PNG, GIF, WebP). Nothing else of the file is read.

use livechat_wire::message::Dimensions;

/// The types whose size is read (`image/(x-windows-)?bmp|p?jpeg|png|gif|webp`).
pub fn identifies(kind: &str) -> bool {
    matches!(
        kind,
        "image/bmp" | "image/x-windows-bmp" | "image/jpeg" | "image/pjpeg" | "image/png" | "image/gif" | "image/webp"
    )
}

/// The size of the image in `bytes`, when its header says (whatever its declared type).
pub fn dimensions(bytes: &[u8]) -> Option<Dimensions> {
    let size = |width: u32, height: u32| (width > 0 && height > 0).then_some(Dimensions { width, height });
    let be32 = |at: usize| bytes.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    let le16 = |at: usize| bytes.get(at..at + 2).map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])));
    let le24 = |at: usize| bytes.get(at..at + 3).map(|b| u32::from_le_bytes([b[0], b[1], b[2], 0]));
    let le32 = |at: usize| bytes.get(at..at + 4).map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(b"IHDR") {
        return size(be32(16)?, be32(20)?);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return size(le16(6)?, le16(8)?);
    }
    if bytes.starts_with(b"BM") {
        // Negative heights are top-down bitmaps.
        return size(le32(18)?.unsigned_abs(), le32(22)?.unsigned_abs());
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return match bytes.get(12..16)? {
            b"VP8 " => size(le16(26)? & 0x3fff, le16(28)? & 0x3fff),
            b"VP8L" => {
                let b = bytes.get(21..25)?;
                let bits = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                size((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1)
            }
            b"VP8X" => size(le24(24)? + 1, le24(27)? + 1),
            _ => None,
        };
    }
    if bytes.starts_with(&[0xff, 0xd8]) {
        return jpeg(bytes);
    }
    None
}

/// A JPEG's size: from its first start-of-frame segment.
fn jpeg(bytes: &[u8]) -> Option<Dimensions> {
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xff {
            return None;
        }
        let marker = bytes[at + 1];
        if marker == 0xff {
            at += 1;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC).
        if (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker) {
            let b = bytes.get(at + 5..at + 9)?;
            let (height, width) = (u16::from_be_bytes([b[0], b[1]]), u16::from_be_bytes([b[2], b[3]]));
            return (width > 0 && height > 0)
                .then_some(Dimensions { width: u32::from(width), height: u32::from(height) });
        }
        if length < 2 {
            return None;
        }
        at += 2 + length;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dims(width: u32, height: u32) -> Option<Dimensions> {
        Some(Dimensions { width, height })
    }

    /// A PNG's first bytes (signature and IHDR) for a `width`×`height` image.
    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend(width.to_be_bytes());
        b.extend(height.to_be_bytes());
        b.extend([8, 6, 0, 0, 0]);
        b
    }

    #[test]
    fn reads_each_format() {
        assert_eq!(dimensions(&png(3, 2)), dims(3, 2));
        assert_eq!(dimensions(b"GIF89a\x05\x00\x07\x00"), dims(5, 7));
        let mut bmp = b"BM".to_vec();
        bmp.resize(18, 0);
        bmp.extend(640i32.to_le_bytes());
        bmp.extend((-480i32).to_le_bytes());
        assert_eq!(dimensions(&bmp), dims(640, 480));
        // JPEG: SOI, an APP0 segment, then SOF0 with height 600 and width 800.
        let jpeg =
            [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x02, 0x58, 0x03, 0x20];
        assert_eq!(dimensions(&jpeg), dims(800, 600));
        let mut webp = b"RIFF\0\0\0\0WEBPVP8X".to_vec();
        webp.resize(24, 0);
        webp.extend([0x1f, 0x03, 0x00, 0x57, 0x02, 0x00]); // 800 - 1, 600 - 1
        assert_eq!(dimensions(&webp), dims(800, 600));
    }

    #[test]
    fn anything_else_has_no_size() {
        for bytes in [&b""[..], b"%PDF-1.7", b"\x89PNG\r\n\x1a\n", b"GIF89a", &[0xff, 0xd8, 0xff], &png(0, 5)] {
            assert_eq!(dimensions(bytes), None, "{bytes:?}");
        }
        assert!(identifies("image/png") && identifies("image/webp") && !identifies("image/svg+xml"));
    }
}
