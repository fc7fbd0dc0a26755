//! Rendering answers: terminal text and the stable JSON interface. (Discord and Matrix
//! renderers live with their adapters.)

pub mod chart;
pub mod json;
pub mod text;

use crate::engine::Attribution;

/// "Publisher · Title · date" with what is known; never invents a field.
pub fn attribution_line(a: &Attribution) -> String {
    let mut parts: Vec<&str> = a.publisher.iter().map(String::as_str).collect();
    parts.push(a.title.as_str());
    if let Some(date) = &a.date {
        parts.push(date);
    }
    parts.join(" · ")
}

/// The quotation marks to put around a quote: none when the quote opens with a quotation
/// of its own (it carries its marks; another pair would show as ““We are…”).
pub fn quote_marks(quote: &str) -> (&'static str, &'static str) {
    const OPENING: &[char] = &['“', '"', '„', '«', '»', '‘', '\'', '‚'];
    if quote.trim_start().starts_with(OPENING) {
        ("", "")
    } else {
        ("“", "”")
    }
}

/// Cuts `text` to at most `max` chars at a word boundary, adding "…" when cut.
pub fn truncate_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let at_word = match cut.rfind(char::is_whitespace) {
        Some(i) if i > cut.len() / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", at_word.trim_end())
}
