//! Cleaning rules checked on each seed article in data/articles: furniture out, content kept.

use std::path::Path;

use clippings::corpus::{self, Article};

fn article(slug: &str) -> Article {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("data/articles/{slug}.md"));
    corpus::load_file(&path).unwrap()
}

fn text(article: &Article) -> String {
    let paras: Vec<&str> = article.paragraphs.iter().map(|p| p.text.as_str()).collect();
    paras.join("\n\n")
}

fn sections(article: &Article) -> Vec<&str> {
    article
        .paragraphs
        .iter()
        .filter_map(|p| p.section.as_deref())
        .collect()
}

fn assert_absent(article: &Article, needles: &[&str]) {
    let text = text(article);
    for needle in needles {
        assert!(
            !text.contains(needle),
            "{}: {needle:?} should be gone",
            article.slug
        );
    }
}

fn assert_kept(article: &Article, needles: &[&str]) {
    let text = text(article);
    for needle in needles {
        assert!(
            text.contains(needle),
            "{}: {needle:?} should be kept",
            article.slug
        );
    }
}

/// Every line of every paragraph is verbatim from the file (tables aside, whose cells are).
fn assert_verbatim(article: &Article, raw: &str) {
    let raw_joined = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    for p in &article.paragraphs {
        for line in p.text.lines() {
            for cell in line.split(" | ") {
                assert!(
                    raw_joined.contains(cell),
                    "{}: not verbatim: {cell:?}",
                    article.slug
                );
            }
        }
    }
}

#[test]
fn every_seed_loads_without_warnings_and_stays_verbatim() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let (articles, warnings) = corpus::load(&data).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(articles.len(), 5);
    for a in &articles {
        let raw = std::fs::read_to_string(data.join(format!("articles/{}.md", a.slug))).unwrap();
        assert_verbatim(a, &raw);
        for p in a.passages() {
            assert!(p.text.chars().count() <= corpus::passages::MAX_PASSAGE_CHARS);
        }
    }
}

#[test]
fn info_finance_loses_contact_widgets_and_disclaimer() {
    let a = article("infofinance-ai-investment");
    assert_absent(
        &a,
        &[
            "Gọi ngay",
            "+84",
            "Telegram",
            "Email",
            "Disclaimer",
            "not reponsible",
        ],
    );
    assert_kept(
        &a,
        &[
            "380 billion yuan ($53 billion)",
            "“We are vigorously advancing",
        ],
    );
    let heading = "Strong Market Reaction in Hong Kong and the U.S.";
    assert!(sections(&a).contains(&heading));
    assert!(!a.paragraphs.iter().any(|p| p.text == heading));
}

#[test]
fn abmedia_loses_translation_banner_buttons_and_syndication_lines() {
    let a = article("abmedia-ai-budget");
    assert_absent(
        &a,
        &[
            "avatar",
            "09-25",
            "machine translated",
            "Show original",
            "first appeared in",
            "Disclaimer",
            "Add to Favorites",
            "Ark bought Alibaba after",
        ],
    );
    let widgets = ["Like", "Comments", "Source"];
    assert!(
        !a.paragraphs
            .iter()
            .any(|p| widgets.contains(&p.text.as_str()))
    );
    assert_kept(&a, &["more than $5.3 billion", "Qwen3-Max", "T-Head"]);
}

#[test]
fn invezz_loses_tags_and_source_line_and_keeps_its_sections() {
    let a = article("invezz-shares-surge");
    assert_absent(
        &a,
        &[
            "Source: Invezz",
            "Greater China",
            "baba stock",
            "Semiconductor Self-sufficiency",
        ],
    );
    assert_kept(
        &a,
        &[
            "$3.2 billion through convertible bonds",
            "Qwen3-Next",
            "Jefferies",
        ],
    );
    let s = sections(&a);
    for heading in ["News Summary", "Background", "In-Depth AI Insights"] {
        assert!(s.contains(&heading), "{heading}");
    }
}

#[test]
fn investingcube_keeps_its_bullet_list_and_loses_the_republishing_notice() {
    let a = article("investingcube-convertible-bonds");
    assert_absent(&a, &["originally published", "Republishing"]);
    assert_kept(&a, &["HK$151.80", "Kunlun P800", "Zhenwu"]);
    let list = a
        .paragraphs
        .iter()
        .find(|p| p.text.starts_with("- Current price"))
        .unwrap();
    assert_eq!(list.text.lines().count(), 3);
    assert!(list.text.lines().all(|l| l.starts_with("- ")));
}

#[test]
fn unnamed_article_loses_ads_and_comment_form_and_rejoins_the_table() {
    let a = article("unnamed-53-billion-bet");
    assert_absent(
        &a,
        &[
            "Advertisement",
            "Must read",
            "Source link",
            "LEAVE A REPLY",
            "Please enter",
            "More articles",
            "Latest article",
        ],
    );
    let table = a
        .paragraphs
        .iter()
        .find(|p| p.text.starts_with("Asset/Equity"))
        .unwrap();
    assert_eq!(table.section.as_deref(), Some("Key Market Moves"));
    assert!(
        table
            .text
            .contains("\nSMIC | +7.8% | Expected chip demand from AI models\n")
    );
    assert!(
        table.text.ends_with(
            "ARK Invest (Alibaba ADR stake) | $16.3M invested | First re-entry since 2021"
        )
    );
    let takeaways = a
        .paragraphs
        .iter()
        .find(|p| p.text.contains("Bullish Case"))
        .unwrap();
    assert_eq!(takeaways.text.lines().count(), 3);
}
