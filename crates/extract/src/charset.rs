//! Bytes to text: BOM, then the HTTP `Content-Type` charset, then `<meta charset>` /
//! `http-equiv`, then detection (chardetng); undecodable bytes become U+FFFD.

use encoding_rs::Encoding;

/// How the encoding was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CharsetSource {
    Bom,
    Header,
    Meta,
    Detected,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// WHATWG name, e.g. `UTF-8`, `windows-1252`.
    pub encoding: &'static str,
    pub source: CharsetSource,
    /// Some bytes were not valid in that encoding.
    pub had_errors: bool,
}

/// Decodes an HTML document.
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    let (encoding, source) = if let Some((enc, _)) = Encoding::for_bom(bytes) {
        (enc, CharsetSource::Bom)
    } else if let Some(enc) = content_type.and_then(charset_param).and_then(label) {
        (enc, CharsetSource::Header)
    } else if let Some(enc) = meta_charset(bytes) {
        (enc, CharsetSource::Meta)
    } else {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(bytes, true);
        (
            detector.guess(None, chardetng::Utf8Detection::Allow),
            CharsetSource::Detected,
        )
    };
    let (text, used, had_errors) = encoding.decode(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: used.name(),
        source,
        had_errors,
    }
}

/// Whether a body labelled as HTML is really binary (NUL bytes or mostly control
/// characters in its first 2 KiB), as servers mislabel images and archives.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(2048)];
    if head.is_empty() {
        return false;
    }
    if head.contains(&0) {
        return true;
    }
    let control = head
        .iter()
        .filter(|b| **b < 0x20 && !matches!(**b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    control * 10 > head.len()
}

fn label(name: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(name.trim().trim_matches(|c| c == '"' || c == '\'').as_bytes())?;
    // A document that says UTF-16 but reached us without a BOM is ASCII-compatible in practice.
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        return Some(encoding_rs::UTF_8);
    }
    Some(enc)
}

fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case("charset").then_some(v.trim())
    })
}

/// `<meta charset=…>` or `<meta http-equiv=content-type content="…; charset=…">` in the
/// first 4 KiB, as browsers prescan.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(i) = find(&lower[from..], b"<meta") {
        let start = from + i;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(j) = find(tag, b"charset=") {
            let value: Vec<u8> = tag[j + 8..]
                .iter()
                .copied()
                .skip_while(|b| *b == b'"' || *b == b'\'' || *b == b' ')
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
                .collect();
            if let Some(enc) = std::str::from_utf8(&value).ok().and_then(label) {
                return Some(enc);
            }
        }
        from = end.max(start + 5);
        if from >= lower.len() {
            break;
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_then_header_then_meta_then_detection() {
        let d = decode_html(b"\xEF\xBB\xBF<p>\xC3\xA6</p>", Some("text/html; charset=latin1"));
        assert_eq!(
            (d.encoding, d.source, d.text.as_str()),
            ("UTF-8", CharsetSource::Bom, "<p>æ</p>")
        );

        let d = decode_html(b"<p>\xE6bler</p>", Some("text/html; charset=\"ISO-8859-1\""));
        assert_eq!(
            (d.encoding, d.source, d.text.as_str()),
            ("windows-1252", CharsetSource::Header, "<p>æbler</p>")
        );

        let d = decode_html(b"<html><head><META http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1250\"></head>\x9a", None);
        assert_eq!((d.encoding, d.source), ("windows-1250", CharsetSource::Meta));
        assert!(d.text.ends_with('š'));

        let d = decode_html("<meta charset='utf-8'><p>Grøn omstilling</p>".as_bytes(), None);
        assert_eq!(d.source, CharsetSource::Meta);
        assert!(d.text.contains("Grøn"));

        let latin1 =
            b"<p>Det er en r\xE6kke gr\xF8nne m\xE5l for \xE6ldre borgere i K\xF8benhavn og \xC5rhus.</p>";
        let d = decode_html(latin1, None);
        assert_eq!(d.source, CharsetSource::Detected);
        assert!(
            d.text.contains("grønne") && d.text.contains("København"),
            "{}",
            d.text
        );
    }

    #[test]
    fn binary_bodies_are_recognised() {
        assert!(looks_binary(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(looks_binary(&[1u8, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
        assert!(!looks_binary("<p>Grøn omstilling\tog\nvind</p>".as_bytes()));
        assert!(!looks_binary(b""));
    }

    #[test]
    fn garbage_never_panics() {
        for bytes in [
            &b""[..],
            b"\xff\xfe\xfd",
            b"<meta charset=",
            b"<meta charset=nonsense>",
        ] {
            let _ = decode_html(bytes, Some("text/html; charset="));
        }
    }
}
