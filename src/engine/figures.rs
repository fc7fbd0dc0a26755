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
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub value: String,
    pub kind: FigureKind,
    pub sentence: String,
    /// Where the figure is in the sentence (bytes).
    pub at: std::ops::Range<usize>,
    /// What it says, read: a number in a unit, with its qualifier.
    pub reading: Option<Reading>,
}

/// How a figure is qualified ("more than $5 billion").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    Exact,
    About,
    MoreThan,
    AtLeast,
    LessThan,
    UpTo,
}

/// A figure read: its value (scales applied: "5.3 billion" is 5.3e9) in a unit ("USD", "CNY",
/// "%", "pp", "date" as days since 1970), a range's upper end, its qualifier, and the same
/// figure in another unit when the text gives it ("380 billion yuan ($53 billion)").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reading {
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upper: Option<f64>,
    pub unit: String,
    pub qualifier: Qualifier,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<(f64, String)>,
}

impl Reading {
    /// The values this figure allows, as a range: "more than 5" allows 5 to 7.5 (a reader
    /// takes "more than" as somewhat more), "about 5" 4.5 to 5.5.
    pub fn bounds(&self) -> (f64, f64) {
        let (lo, hi) = (self.value, self.upper.unwrap_or(self.value));
        match self.qualifier {
            Qualifier::Exact => (lo, hi),
            Qualifier::About => (lo * 0.9, hi * 1.1),
            Qualifier::MoreThan | Qualifier::AtLeast => (lo, hi * 1.5),
            Qualifier::LessThan | Qualifier::UpTo => (lo / 1.5, hi),
        }
    }

    /// Its value in `unit`, from the figure itself or the conversion the text gives.
    pub fn in_unit(&self, unit: &str) -> Option<Reading> {
        if self.unit == unit {
            return Some(self.clone());
        }
        let (value, _) = self.also.iter().find(|(_, u)| u == unit)?;
        let scale = value / self.value;
        Some(Reading {
            value: *value,
            upper: self.upper.map(|u| u * scale),
            unit: unit.to_string(),
            qualifier: self.qualifier,
            also: Vec::new(),
        })
    }
}

/// Reads the number, scale and unit of a figure as stated.
pub fn read(value: &str, kind: FigureKind) -> Option<Reading> {
    let lower = value.to_lowercase();
    if kind == FigureKind::Date {
        return None;
    }
    let unit = if kind == FigureKind::Percent {
        if lower.contains("point") { "pp" } else { "%" }
    } else {
        currency(&lower)?
    };
    let numbers: Vec<f64> = NUMBER
        .find_iter(&lower)
        .filter_map(|m| m.as_str().replace(',', "").parse::<f64>().ok())
        .collect();
    let first = *numbers.first()?;
    let scale = scale(&lower);
    let negative = lower.trim_start().starts_with(['-', '−']);
    let sign = if negative { -1.0 } else { 1.0 };
    Some(Reading {
        value: sign * first * scale,
        upper: numbers.get(1).map(|n| sign * n * scale),
        unit: unit.to_string(),
        qualifier: Qualifier::Exact,
        also: Vec::new(),
    })
}

static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d[\d,]*(?:\.\d+)?").expect("a valid pattern"));

fn scale(lower: &str) -> f64 {
    let words = [
        ("trillion", 1e12),
        ("tn", 1e12),
        ("billion", 1e9),
        ("bn", 1e9),
        ("million", 1e6),
        ("thousand", 1e3),
    ];
    if let Some((_, s)) = words.iter().find(|(w, _)| lower.contains(w)) {
        return *s;
    }
    // A letter right after the digits: 53B, 5M, 20K.
    match lower.trim_end().chars().last() {
        Some('b') => 1e9,
        Some('m') => 1e6,
        Some('k') => 1e3,
        _ => 1.0,
    }
}

fn currency(lower: &str) -> Option<&'static str> {
    let codes = [
        ("hk$", "HKD"),
        ("us$", "USD"),
        ("rmb", "CNY"),
        ("yuan", "CNY"),
        ("€", "EUR"),
        ("euro", "EUR"),
        ("£", "GBP"),
        ("won", "KRW"),
        ("yen", "JPY"),
        ("¥", "¥"),
        ("dollar", "USD"),
        ("$", "USD"),
    ];
    codes
        .iter()
        .find(|(mark, _)| lower.contains(mark))
        .map(|(_, code)| *code)
}

/// The qualifier in the words just before a figure ("more than", "about", "up to"...).
fn qualifier(before: &str) -> Qualifier {
    let tail: String = before
        .to_lowercase()
        .split_whitespace()
        .rev()
        .take(3)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join(" ");
    let ends = |w: &str| tail.ends_with(w);
    if ends("more than")
        || ends("over")
        || ends("above")
        || ends("exceeding")
        || ends("in excess of")
    {
        Qualifier::MoreThan
    } else if ends("at least") || ends("no less than") {
        Qualifier::AtLeast
    } else if ends("about")
        || ends("around")
        || ends("roughly")
        || ends("nearly")
        || ends("almost")
        || ends("approximately")
        || ends("some")
        || ends("close to")
    {
        Qualifier::About
    } else if ends("less than") || ends("under") || ends("below") {
        Qualifier::LessThan
    } else if ends("up to") || ends("as much as") || ends("at most") {
        Qualifier::UpTo
    } else {
        Qualifier::Exact
    }
}

const MONTHS: &str =
    "January|February|March|April|May|June|July|August|September|October|November|December";

static PATTERNS: LazyLock<Vec<(FigureKind, Regex)>> = LazyLock::new(|| {
    let money = r"(?:(?:US|HK|RMB)?\$|€|£|¥)\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:trillion|billion|million|bn|tn|[MBK](?-u:\b)))?(?:\s(?:yuan|dollars))?|(?-u:\b)\d[\d,]*(?:\.\d+)?\s(?:trillion|billion|million)\s(?:yuan|dollars|euros|won|yen)";
    let percent = r"[+\-−]?\d[\d,]*(?:\.\d+)?(?:\s?(?:-|to)\s?\d[\d,]*(?:\.\d+)?)?\s?(?:%|percent(?-u:\b)|per cent(?-u:\b)|percentage points?(?-u:\b))";
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
        let mut found: Vec<Found> = Vec::new();
        for (start, end, kind) in spans {
            let value = sentence[start..end].trim().to_string();
            let reading = read(&value, kind).map(|r| Reading {
                qualifier: qualifier(&sentence[..start]),
                ..r
            });
            // "380 billion yuan ($53 billion)": one figure in two currencies.
            let converted = found.last_mut().filter(|prev| {
                prev.kind == FigureKind::Money
                    && kind == FigureKind::Money
                    && sentence[prev.at.end..start].trim() == "("
            });
            if let (Some(prev), Some(r)) = (converted, &reading) {
                if let Some(p) = &mut prev.reading {
                    p.also.push((r.value, r.unit.clone()));
                }
                continue;
            }
            found.push(Found {
                value,
                kind,
                sentence: sentence.trim().to_string(),
                at: start..end,
                reading,
            });
        }
        out.extend(found);
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
                ("7.2%".to_string(), FigureKind::Percent),
                ("HK$151.80".to_string(), FigureKind::Money),
                ("September 24th".to_string(), FigureKind::Date),
            ]
        );
    }

    fn reading(text: &str) -> Reading {
        extract(text)
            .into_iter()
            .find_map(|f| f.reading)
            .unwrap_or_else(|| panic!("no reading in {text}"))
    }

    #[test]
    fn scales_and_currencies_are_read() {
        let r = reading("It will spend $53bn.");
        assert_eq!((r.value, r.unit.as_str()), (53e9, "USD"));
        let r = reading("It raised US$5.3 billion.");
        assert_eq!((r.value, r.unit.as_str()), (5.3e9, "USD"));
        let r = reading("A budget of 380 billion yuan.");
        assert_eq!((r.value, r.unit.as_str()), (380e9, "CNY"));
        let r = reading("Shares closed at HK$151.80.");
        assert_eq!((r.value, r.unit.as_str()), (151.8, "HKD"));
        let r = reading("It costs €2.5 million.");
        assert_eq!((r.value, r.unit.as_str()), (2.5e6, "EUR"));
        let r = reading("Valued at $1.2 trillion.");
        assert_eq!(r.value, 1.2e12);
    }

    #[test]
    fn a_conversion_the_text_gives_is_one_figure_in_two_currencies() {
        let found = extract("It will invest 380 billion yuan ($53 billion) over three years.");
        assert_eq!(found.len(), 1, "{found:?}");
        let r = found[0].reading.clone().unwrap();
        assert_eq!(r.also, vec![(53e9, "USD".to_string())]);
        assert_eq!(r.in_unit("USD").unwrap().value, 53e9);
        assert!(r.in_unit("EUR").is_none(), "no rate the text does not give");
    }

    #[test]
    fn qualifiers_are_kept() {
        assert_eq!(
            reading("more than $5.3 billion in AI").qualifier,
            Qualifier::MoreThan
        );
        assert_eq!(reading("by over $5 billion").qualifier, Qualifier::MoreThan);
        assert_eq!(reading("about 7% higher").qualifier, Qualifier::About);
        assert_eq!(reading("at least 10% of it").qualifier, Qualifier::AtLeast);
        assert_eq!(reading("up to $2 billion").qualifier, Qualifier::UpTo);
        assert_eq!(reading("rose 7% on the day").qualifier, Qualifier::Exact);
        let more = reading("more than $5 billion");
        assert_eq!(more.bounds(), (5e9, 7.5e9));
    }

    #[test]
    fn ranges_and_percentage_points_are_read() {
        let r = reading("Margins widened 2-3% this year.");
        assert_eq!((r.value, r.upper, r.unit.as_str()), (2.0, Some(3.0), "%"));
        let r = reading("It gained 1.5 percentage points of share.");
        assert_eq!((r.value, r.unit.as_str()), (1.5, "pp"));
        let r = reading("Shares fell -4.1% today.");
        assert_eq!(r.value, -4.1);
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
