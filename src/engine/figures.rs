//! The key numbers in passages: amounts, percentages, prices and dates, each with the
//! sentence that states it.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

/// What a figure measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureKind {
    Money,
    Percent,
    Date,
}

/// A figure as the text states it, with its sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub value: String,
    pub kind: FigureKind,
    pub sentence: String,
}

const MONTHS: &str =
    "January|February|March|April|May|June|July|August|September|October|November|December";

static PATTERNS: LazyLock<Vec<(FigureKind, Regex)>> = LazyLock::new(|| {
    let money = r"(?:(?:US|HK|RMB)?\$|€|£|¥)\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:trillion|billion|million|bn|tn|[MBK](?-u:\b)))?(?:\s(?:yuan|dollars))?|(?-u:\b)\d[\d,]*(?:\.\d+)?\s(?:trillion|billion|million)\s(?:yuan|dollars|euros|won|yen)";
    let percent = r"[+\-−]?\d[\d,]*(?:\.\d+)?\s?(?:%|percent(?-u:\b)|per cent(?-u:\b))";
    let date = format!(
        r"(?-u:\b)(?:{MONTHS})\s\d{{1,2}}(?:st|nd|rd|th)?(?-u:\b)(?:,\s\d{{4}})?|(?-u:\b)(?:{MONTHS})\s\d{{4}}(?-u:\b)|(?-u:\b)\d{{4}}-\d{{2}}-\d{{2}}(?-u:\b)"
    );
    [
        (FigureKind::Money, money.to_string()),
        (FigureKind::Percent, percent.to_string()),
        (FigureKind::Date, date),
    ]
    .into_iter()
    .map(|(kind, p)| (kind, Regex::new(&p).expect("figure patterns are valid")))
    .collect()
});

/// Every figure a text states, in order, with its sentence.
pub fn extract(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    for sentence in text.unicode_sentences() {
        let mut spans: Vec<(usize, usize, FigureKind)> = Vec::new();
        for (kind, re) in PATTERNS.iter() {
            for m in re.find_iter(sentence) {
                if !spans.iter().any(|(s, e, _)| m.start() < *e && *s < m.end()) {
                    spans.push((m.start(), m.end(), *kind));
                }
            }
        }
        spans.sort_by_key(|(start, _, _)| *start);
        for (start, end, kind) in spans {
            out.push(Found {
                value: sentence[start..end].trim().to_string(),
                kind,
                sentence: sentence.trim().to_string(),
            });
        }
    }
    out
}

/// Two sentences stating the same figure state the same fact when they also share at least
/// two other content words ("10%" of a chip stock and "10%" of a budget are different facts).
pub fn same_fact(a: &str, b: &str) -> bool {
    let words = |s: &str| -> std::collections::HashSet<String> {
        crate::index::tokenizer::stemmed_tokens(s)
            .into_iter()
            .filter(|t| t.chars().count() > 3 && !t.chars().any(|c| c.is_ascii_digit()))
            .collect()
    };
    words(a).intersection(&words(b)).count() >= 2
}

/// A figure's identity for grouping: digits and unit words, case and spacing aside.
pub fn key(value: &str) -> String {
    value
        .to_lowercase()
        .replace("bn", "billion")
        .replace(" ", "")
        .replace(',', "")
        .trim_start_matches(['+', '−', '-'])
        .replace("us$", "$")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, FigureKind)> {
        extract(text)
            .into_iter()
            .map(|f| (f.value, f.kind))
            .collect()
    }

    #[test]
    fn money_percentages_and_dates_are_found_as_stated() {
        let v = values(
            "The 380 billion yuan ($53 billion) plan lifted shares 7.2% to HK$151.80 on September 24th.",
        );
        assert_eq!(
            v,
            vec![
                ("380 billion yuan".to_string(), FigureKind::Money),
                ("$53 billion".to_string(), FigureKind::Money),
                ("7.2%".to_string(), FigureKind::Percent),
                ("HK$151.80".to_string(), FigureKind::Money),
                ("September 24th".to_string(), FigureKind::Date),
            ]
        );
    }

    #[test]
    fn each_figure_keeps_its_own_sentence() {
        let found = extract("Shares rose 9%. The plan costs US$5.3 billion.");
        assert_eq!(found[0].sentence, "Shares rose 9%.");
        assert_eq!(found[1].value, "US$5.3 billion");
        assert_eq!(found[1].sentence, "The plan costs US$5.3 billion.");
    }

    #[test]
    fn keys_equate_spellings_of_the_same_figure() {
        assert_eq!(key("$53 billion"), key("$53bn"));
        assert_eq!(key("US$5.3 billion"), key("$5.3 billion"));
        assert_ne!(key("$53 billion"), key("$5.3 billion"));
    }

    #[test]
    fn month_and_year_is_one_date() {
        assert_eq!(
            values("since February 2025."),
            vec![("February 2025".to_string(), FigureKind::Date)]
        );
    }

    #[test]
    fn plain_numbers_and_years_alone_are_not_figures() {
        assert!(extract("In 2021 there were 3 plans and 52-week highs.").is_empty());
    }
}
