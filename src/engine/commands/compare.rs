//! `!compare`: the best passage of each outlet on the same thing, side by side.

use super::*;

/// `!compare`: the best passage of each outlet on the same thing, side by side.
pub fn compare(ctx: &Context<'_>, text: &str) -> Result<Found, SearchError> {
    let p = ctx.prefix();
    let (groups, heading) = match ctx.knowledge.topics.find(text.trim()) {
        Some(t) => (query::parse_search(&t.query).groups, t.description.clone()),
        None => {
            let words: Vec<Vec<Item>> = query::content_words(text)
                .into_iter()
                .map(|w| vec![Item::Word(w)])
                .collect();
            (words, texts::compared(text))
        }
    };
    if groups.is_empty() {
        return Ok(Found::Done(Answer::notice(
            NoticeKind::BadInput,
            texts::COMPARE_WHAT,
            vec![format!("{p}compare stock"), format!("{p}compare AI budget")],
        )));
    }
    let searcher = ctx.snapshot.reader.searcher();
    let Hits {
        mut hits,
        highlighter,
    } = ranked_hits(
        ctx,
        &searcher,
        &ranked_query(ctx, &searcher, &groups, &[]),
        COMPARED_CANDIDATES,
    )?;
    // What outlets report differently is mostly figures: prefer passages that state some,
    // among more than are kept, so that one just below the others can rise.
    for hit in &mut hits {
        if rank::states(rank::Expected::Figure, &hit.text) {
            hit.score *= 1.3;
        }
    }
    sort_hits(&mut hits);
    hits.truncate(MAX_HITS);
    let comparison = comparison(ctx, &groups, &hits);
    let best = hits.first().map_or(0.0, |h| h.score);
    let mut per_outlet: Vec<Hit> = Vec::new();
    // Outlets whose best passage is far below the best one don't report the same thing.
    for h in hits.into_iter().filter(|h| h.score >= 0.35 * best) {
        if !per_outlet
            .iter()
            .any(|p| p.source.article == h.source.article)
        {
            let rank = per_outlet.len() + 1;
            per_outlet.push(Hit { rank, ..h });
        }
    }
    let notices = comparison
        .as_ref()
        .map_or_else(|| vec![texts::NO_COMPARABLE_FIGURES.to_string()], summary);
    // Every outlet's passage is shown, whole.
    let per_outlet = excerpt::apply(per_outlet, highlighter.as_ref())
        .into_iter()
        .map(|h| Hit {
            quote: 0..h.text.len(),
            ..h
        })
        .collect();
    let found = Hits {
        hits: per_outlet,
        highlighter,
    };
    let mut found = ctx.page(text, heading, found, notices);
    if let Found::Ranked(all, first, _) = &mut found {
        first.hits = all.clone();
        first.comparison = comparison;
    }
    Ok(found)
}

/// How many ranked passages the figures' preference chooses among (the best [`MAX_HITS`] of
/// them are compared).
const COMPARED_CANDIDATES: usize = 2 * MAX_HITS;

/// What kind of figure a quantity is stated in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// An amount of money (with a scale or above a price's size).
    Amount,
    /// A price: money without a scale ("HK$151.80").
    Price,
    Percent,
}

/// The quantities financial news reports, by the words that name them (stems of the index's
/// analyzer), for any coverage: a figure is about the quantity whose word is nearest to it in
/// its sentence. A figure near none of them is left out of the comparison.
const QUANTITIES: &[(&str, Class, &[&str])] = &[
    (
        "spending",
        Class::Amount,
        &[
            "invest",
            "spend",
            "capex",
            "expenditur",
            "budget",
            "alloc",
            "outlay",
        ],
    ),
    ("revenue", Class::Amount, &["revenu", "sale", "turnov"]),
    (
        "profit",
        Class::Amount,
        &["profit", "earn", "incom", "loss"],
    ),
    (
        "valuation",
        Class::Amount,
        &["valuat", "valu", "worth", "capit"],
    ),
    (
        "fundraising",
        Class::Amount,
        &[
            "rais",
            "bond",
            "note",
            "offer",
            "convert",
            "placement",
            "loan",
            "debt",
        ],
    ),
    (
        "share price",
        Class::Price,
        &["share", "stock", "price", "close", "trade", "target"],
    ),
    (
        "share move",
        Class::Percent,
        &[
            "share", "stock", "rose", "fell", "jump", "gain", "surg", "drop", "climb", "slid",
            "ralli", "declin", "rise", "fall", "tumbl", "soar", "advanc",
        ],
    ),
    (
        "growth",
        Class::Percent,
        &["growth", "grew", "grow", "increas", "year", "quarter"],
    ),
];

/// Money without a scale at or above this is an amount, not a price.
const PRICE_MAX: f64 = 100_000.0;
/// Two figures further apart than this ratio (beyond their qualifiers) disagree.
const APART: f64 = 1.25;
/// Two percentages further apart than this many points (beyond their qualifiers) disagree.
const POINTS: f64 = 0.25;

/// The percentages a figure allows: "more than 9%" is 9% to a point or so above.
fn percent_bounds(r: &figure_reading::Reading) -> (f64, f64) {
    let (lo, hi) = (r.value, r.upper.unwrap_or(r.value));
    let slack = (hi.abs() * 0.15).max(1.0);
    match r.qualifier {
        figure_reading::Qualifier::Exact => (lo, hi),
        figure_reading::Qualifier::About => (lo - slack / 2.0, hi + slack / 2.0),
        figure_reading::Qualifier::MoreThan | figure_reading::Qualifier::AtLeast => {
            (lo, hi + slack)
        }
        figure_reading::Qualifier::LessThan | figure_reading::Qualifier::UpTo => (lo - slack, hi),
    }
}

fn class(found: &figure_reading::Found) -> Option<Class> {
    let r = found.reading.as_ref()?;
    match found.kind {
        figure_reading::FigureKind::Money if r.value.abs() < PRICE_MAX => Some(Class::Price),
        figure_reading::FigureKind::Money => Some(Class::Amount),
        figure_reading::FigureKind::Percent if r.unit == "%" => Some(Class::Percent),
        _ => None,
    }
}

/// The quantity a figure is about: the one whose word is nearest to it in its sentence.
fn quantity(found: &figure_reading::Found) -> Option<&'static str> {
    let class = class(found)?;
    let mut analyzer = crate::index::tokenizer::stemmed();
    let mut words: Vec<(usize, String)> = Vec::new();
    analyzer
        .token_stream(&found.sentence)
        .process(&mut |t| words.push((t.offset_from, t.text.clone())));
    let at = found.sentence.find(&found.value).unwrap_or(0);
    // A share move or price is about shares: the sentence names them.
    let names_shares = words
        .iter()
        .any(|(_, w)| ["share", "stock"].iter().any(|s| w.starts_with(s)));
    QUANTITIES
        .iter()
        .filter(|(_, c, _)| *c == class)
        .filter(|(name, _, _)| names_shares || !name.starts_with("share"))
        .filter_map(|(name, _, stems)| {
            words
                .iter()
                .filter(|(_, w)| stems.iter().any(|s| w.starts_with(s)))
                .map(|(offset, _)| offset.abs_diff(at))
                .min()
                .map(|d| (d, *name))
        })
        .min()
        .map(|(_, name)| name)
}

/// What the compared passages are mostly about: the name (a capitalised word, not at the
/// start of a sentence) they give most often ("Alibaba").
fn subject(hits: &[Hit]) -> Option<String> {
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for hit in hits {
        for sentence in
            unicode_segmentation::UnicodeSegmentation::unicode_sentences(hit.text.as_str())
        {
            for word in sentence.split_whitespace().skip(1) {
                let name: String = word.chars().take_while(|c| c.is_alphanumeric()).collect();
                if name.chars().count() > 2 && name.starts_with(char::is_uppercase) {
                    *counts.entry(name).or_default() += 1;
                }
            }
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .filter(|(_, n)| *n >= 2)
        .map(|(name, _)| name)
}

/// Whether a figure is about the subject: its sentence, or the sentence before it in the
/// passage, names it (a figure about other companies names them instead).
fn about_subject(hit: &Hit, found: &figure_reading::Found, subject: Option<&str>) -> bool {
    let Some(subject) = subject else {
        return true;
    };
    if found.sentence.contains(subject) {
        return true;
    }
    let sentences: Vec<&str> =
        unicode_segmentation::UnicodeSegmentation::unicode_sentences(hit.text.as_str()).collect();
    let at = sentences
        .iter()
        .position(|s| s.trim() == found.sentence)
        .unwrap_or(0);
    let names_other = found
        .sentence
        .split_whitespace()
        .skip(1)
        .any(|w| w.starts_with(char::is_uppercase) && w.chars().count() > 2);
    at > 0 && !names_other && sentences[at - 1].contains(subject)
}

/// The figures of the compared passages (all the ranked ones, best first), grouped by
/// quantity, one line per outlet (its best ranked figure of that quantity about the subject),
/// with the differences found.
fn comparison(ctx: &Context<'_>, groups: &[Vec<Item>], hits: &[Hit]) -> Option<Comparison> {
    let mut b = Builder::new(&ctx.snapshot.fields);
    let asked: std::collections::HashSet<String> = groups
        .iter()
        .flatten()
        .flat_map(|i| b.terms(i.text()))
        .collect();
    let subject = subject(hits);
    let mut out: Vec<QuantityGroup> = Vec::new();
    for hit in hits {
        for found in figure_reading::extract(&hit.text) {
            let Some(name) = quantity(&found) else {
                continue;
            };
            let words = crate::index::tokenizer::stemmed_tokens(&found.sentence);
            let on_topic = asked.is_empty() || words.iter().any(|w| asked.contains(w));
            if !on_topic && !name.starts_with("share") {
                continue;
            }
            if !about_subject(hit, &found, subject.as_deref()) {
                continue;
            }
            let Some(reading) = found.reading.clone() else {
                continue;
            };
            let group = match out.iter_mut().position(|g| g.quantity == name) {
                Some(i) => &mut out[i],
                None => {
                    out.push(QuantityGroup {
                        quantity: name.to_string(),
                        lines: Vec::new(),
                        differences: Vec::new(),
                        agree: true,
                    });
                    out.last_mut()?
                }
            };
            // One line per source: an outlet, or an article of an unknown outlet.
            let outlet = hit.source.outlet();
            if group.lines.iter().any(|l| l.source.outlet() == outlet) {
                continue;
            }
            group.lines.push(FigureReport {
                source: hit.source.clone(),
                figure: found.value.clone(),
                value: reading.value,
                upper: reading.upper,
                unit: reading.unit.clone(),
                qualifier: reading.qualifier,
                also: reading.also.clone(),
                quote: found.sentence.clone(),
                reference: hit.reference.clone(),
                day: day_of(&found, hit),
            });
        }
    }
    // A quantity one outlet reports is nothing to compare.
    out.retain(|g| g.lines.len() >= 2);
    for g in &mut out {
        g.differences = differences(g);
        g.agree = g.differences.is_empty();
    }
    (!out.is_empty()).then_some(Comparison { groups: out })
}

/// The day a figure is about: a date in its sentence (not one it is measured from: "since
/// December 2021"), else the article's date.
fn day_of(found: &figure_reading::Found, hit: &Hit) -> Option<String> {
    figure_reading::extract(&found.sentence)
        .into_iter()
        .filter(|f| f.kind == figure_reading::FigureKind::Date)
        .find(|f| {
            let before = found
                .sentence
                .get(..f.at.start)
                .unwrap_or_default()
                .trim_end();
            let last = before.rsplit(' ').next().unwrap_or_default().to_lowercase();
            !matches!(
                last.as_str(),
                "since" | "from" | "until" | "before" | "after"
            )
        })
        .map(|f| f.value)
        .or_else(|| hit.source.date.clone())
}

fn reading_of(l: &FigureReport) -> figure_reading::Reading {
    figure_reading::Reading {
        value: l.value,
        upper: l.upper,
        unit: l.unit.clone(),
        qualifier: l.qualifier,
        also: l.also.clone(),
    }
}

/// How a line reads in a difference: "ABMedia: more than $5.3 billion".
fn stated(l: &FigureReport) -> String {
    let qualifier = match l.qualifier {
        figure_reading::Qualifier::Exact => "",
        figure_reading::Qualifier::About => "about ",
        figure_reading::Qualifier::MoreThan => "more than ",
        figure_reading::Qualifier::AtLeast => "at least ",
        figure_reading::Qualifier::LessThan => "less than ",
        figure_reading::Qualifier::UpTo => "up to ",
    };
    format!("{qualifier}{}", l.figure)
}

/// The differences that matter in a group: outlets whose figures cannot both be right within
/// their qualifiers, compared in a unit both state (never converted with a rate the text does
/// not give), said plainly with how far apart they are; a share move on different days says so.
fn differences(g: &QuantityGroup) -> Vec<String> {
    // The unit most lines can be read in.
    let mut units: Vec<(String, usize)> = Vec::new();
    for l in &g.lines {
        let reading = reading_of(l);
        for u in std::iter::once(l.unit.clone()).chain(l.also.iter().map(|(_, u)| u.clone())) {
            if reading.in_unit(&u).is_some() {
                match units.iter_mut().find(|(x, _)| *x == u) {
                    Some((_, n)) => *n += 1,
                    None => units.push((u, 1)),
                }
            }
        }
    }
    let Some((unit, _)) = units.into_iter().max_by_key(|(_, n)| *n) else {
        return Vec::new();
    };
    // Lines in that unit, clustered by agreement: their bounds overlap, within a ratio for
    // amounts and prices, within a quarter point for percentages.
    let percent = unit == "%" || unit == "pp";
    let overlaps = |lo: f64, hi: f64, clo: f64, chi: f64| {
        if percent {
            lo <= chi + POINTS && clo <= hi + POINTS
        } else {
            lo <= chi * APART && clo <= hi * APART
        }
    };
    let mut clusters: Vec<(f64, f64, Vec<&FigureReport>)> = Vec::new();
    for l in &g.lines {
        let Some(r) = reading_of(l).in_unit(&unit) else {
            continue;
        };
        let (lo, hi) = if percent {
            percent_bounds(&r)
        } else {
            r.bounds()
        };
        match clusters
            .iter_mut()
            .find(|(clo, chi, _)| overlaps(lo, hi, *clo, *chi))
        {
            Some((clo, chi, members)) => {
                *clo = clo.max(lo);
                *chi = chi.min(hi).max(*clo);
                members.push(l);
            }
            None => clusters.push((lo, hi, vec![l])),
        }
    }
    if clusters.len() < 2 {
        return Vec::new();
    }
    clusters.sort_by_key(|(_, _, m)| m.len());
    let name = |members: &[&FigureReport]| -> String {
        match members {
            [one] => one.source.outlet(),
            many => format!("{} others", many.len()),
        }
    };
    let (_, _, majority) = clusters.last().cloned().unwrap_or_default();
    let mut out = Vec::new();
    let value = |l: &FigureReport| reading_of(l).in_unit(&unit).map_or(l.value, |r| r.value);
    for (_, _, members) in &clusters[..clusters.len() - 1] {
        let mine = members.first().map_or(0.0, |l| value(l));
        let theirs = majority.first().map_or(0.0, |l| value(l));
        let ratio = if mine.abs() > 0.0 && theirs.abs() > 0.0 {
            (mine / theirs).abs().max((theirs / mine).abs())
        } else {
            f64::INFINITY
        };
        let apart = if g.quantity.contains("move") || g.quantity == "growth" {
            format!("{:.1} points apart", (mine - theirs).abs())
        } else if ratio.is_finite() {
            format!("{}× apart", format_ratio(ratio))
        } else {
            "apart".to_string()
        };
        let in_unit = |l: &FigureReport| -> String {
            if l.unit == unit {
                return stated(l);
            }
            // Said in the unit compared, with the figure as stated beside it.
            let converted = FigureReport {
                figure: amount(value(l), &unit),
                ..l.clone()
            };
            format!("{} ({})", stated(&converted), l.figure)
        };
        let mut text = format!(
            "{}: {}; {}: {}: {apart}",
            name(members),
            members
                .iter()
                .map(|l| in_unit(l))
                .collect::<Vec<_>>()
                .join(", "),
            name(&majority),
            majority.first().map(|l| in_unit(l)).unwrap_or_default(),
        );
        if g.quantity.contains("move") {
            let days: Vec<String> = members
                .iter()
                .chain(majority.iter())
                .map(|l| {
                    format!(
                        "{} {}",
                        l.source.outlet(),
                        l.day.as_deref().unwrap_or("gives no day")
                    )
                })
                .collect();
            text.push_str(&format!(" (days: {})", days.join(", ")));
        }
        out.push(text);
    }
    out
}

/// An amount in a unit, the way news states it: "$53 billion", "380 billion yuan".
fn amount(value: f64, unit: &str) -> String {
    let (number, scale) = [(1e12, " trillion"), (1e9, " billion"), (1e6, " million")]
        .into_iter()
        .find(|(s, _)| value.abs() >= *s)
        .map_or((value, ""), |(s, word)| (value / s, word));
    let number = format!("{number:.2}");
    let number = number.trim_end_matches('0').trim_end_matches('.');
    match unit {
        "USD" => format!("${number}{scale}"),
        "HKD" => format!("HK${number}{scale}"),
        "EUR" => format!("€{number}{scale}"),
        "GBP" => format!("£{number}{scale}"),
        "CNY" => format!("{number}{scale} yuan"),
        other => format!("{number}{scale} {other}"),
    }
}

fn format_ratio(r: f64) -> String {
    if r >= 10.0 {
        format!("{}", r.round())
    } else {
        format!("{:.1}", r)
    }
}

/// The notice an answer leads with: the differences, or that the outlets agree.
fn summary(c: &Comparison) -> Vec<String> {
    c.groups
        .iter()
        .map(|g| {
            if g.agree {
                texts::figures_agree(&g.quantity, g.lines.len())
            } else {
                texts::figures_differ_on(&g.quantity, &g.differences.join("; "))
            }
        })
        .collect()
}
