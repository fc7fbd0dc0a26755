//! Bytes from the web to text: the charset from a byte-order mark, the HTTP header, the page's
//! own declaration (`<meta charset>`, `http-equiv`, the XML prolog), else UTF-8 when the bytes
//! are valid UTF-8, else windows-1252 (what browsers assume for undeclared Western pages).

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How far into a page its own charset declaration is looked for (the HTML standard: 1024).
const PRESCAN: usize = 1024;

/// Decodes `bytes` served with `content_type` (the header, if any).
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    encoding(bytes, content_type)
        .decode_with_bom_removal(bytes)
        .0
        .into_owned()
}

/// The encoding `decode` uses.
pub fn encoding(bytes: &[u8], content_type: Option<&str>) -> &'static Encoding {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return encoding;
    }
    let declared = content_type
        .and_then(charset_param)
        .or_else(|| declared_in_page(&bytes[..bytes.len().min(PRESCAN)]))
        .and_then(|label| Encoding::for_label(label.trim().as_bytes()));
    match declared {
        // A page that says UTF-16 but reached us without a BOM is ASCII-compatible in fact.
        Some(e) if e.output_encoding() == UTF_8 && e != UTF_8 => UTF_8,
        Some(e) => e,
        None if std::str::from_utf8(bytes).is_ok() => UTF_8,
        None => WINDOWS_1252,
    }
}

/// `charset=...` in a Content-Type value.
fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// `<meta charset="x">`, `<meta http-equiv="Content-Type" content="...; charset=x">` or
/// `<?xml ... encoding="x"?>` near the start of a page.
fn declared_in_page(head: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    if let Some(prolog) = text.strip_prefix("<?xml") {
        let prolog = &prolog[..prolog.find("?>")?];
        return attribute_value(prolog, "encoding");
    }
    let mut rest = text.as_str();
    while let Some(i) = rest.find("<meta") {
        rest = &rest[i + 5..];
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        if let Some(value) = attribute_value(tag, "charset") {
            return Some(value);
        }
        if tag.contains("http-equiv")
            && let Some(content) = attribute_value(tag, "content")
            && let Some(value) = charset_param(&format!("x;{}", content.replace(',', ";")))
        {
            return Some(value);
        }
    }
    None
}

/// The value of `name=` in a tag's text, quoted or not.
fn attribute_value(tag: &str, name: &str) -> Option<String> {
    let mut search = tag;
    loop {
        let i = search.find(name)?;
        let before = search[..i].chars().next_back();
        let after = search[i + name.len()..].trim_start();
        search = &search[i + name.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '-') {
            continue;
        }
        let Some(value) = after.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let value = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or_default(),
            _ => value
                .split(|c: char| c.is_whitespace() || c == '/' || c == ';')
                .next()
                .unwrap_or_default(),
        };
        return (!value.is_empty()).then(|| value.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_charset_wins_over_guessing() {
        let bytes = b"Caf\xe9 au lait";
        assert_eq!(
            decode(bytes, Some("text/html; charset=ISO-8859-1")),
            "Café au lait"
        );
    }

    #[test]
    fn a_page_without_a_header_charset_is_read_by_its_meta_tag() {
        let page =
            b"<html><head><meta charset=\"windows-1252\"></head><body>\x93quoted\x94 \x80</body>";
        let text = decode(page, Some("text/html"));
        assert!(text.contains("\u{201c}quoted\u{201d} \u{20ac}"), "{text}");
        let page =
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">\xe9";
        assert!(decode(page, None).ends_with('é'));
    }

    #[test]
    fn an_undeclared_page_is_utf8_when_valid_and_windows_1252_when_not() {
        assert_eq!(decode("naïve".as_bytes(), None), "naïve");
        assert_eq!(decode(b"na\xefve \x96 dash", None), "naïve – dash");
    }

    #[test]
    fn the_xml_prolog_names_a_feed_encoding_and_a_bom_beats_everything() {
        let feed = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss>\xe9</rss>";
        assert!(decode(feed, Some("application/rss+xml")).contains('é'));
        let bom = b"\xef\xbb\xbfcaf\xc3\xa9";
        assert_eq!(decode(bom, Some("text/html; charset=windows-1252")), "café");
    }

    #[test]
    fn a_bogus_charset_label_falls_back_to_sniffing() {
        assert_eq!(
            decode("ok é".as_bytes(), Some("text/html; charset=klingon")),
            "ok é"
        );
    }
}
