//! Attribution and quotation marks as every renderer shows them: an article that names no
//! outlet is never given one, and a quote that opens with a quotation is not wrapped twice.

use clippings::engine::{Answer, Attribution, FigureLine, Hit, Passages, figures::FigureKind};

fn unknown_outlet(article: &str, title: &str) -> Attribution {
    Attribution {
        article: article.into(),
        publisher: None,
        title: title.into(),
        date: None,
        url: None,
    }
}

fn known_outlet() -> Attribution {
    Attribution {
        publisher: Some("Info Finance".into()),
        ..unknown_outlet("infofinance", "Alibaba raises its AI budget")
    }
}

const QUOTED: &str = "“We are vigorously investing in AI,” the chief executive said on Tuesday.";

fn passages() -> Answer {
    let text = QUOTED.to_string();
    Answer::Passages(Passages {
        query: "invest".into(),
        heading: "invest".into(),
        hits: vec![Hit {
            rank: 1,
            score: 1.0,
            quote: 0..text.len(),
            highlights: Vec::new(),
            text,
            source: unknown_outlet("bet", "Alibaba’s $53 Billion AI Bet"),
            section: None,
            paragraph: 2,
            part: 1,
            reference: "bet:2".into(),
            also_reported_by: vec![known_outlet(), unknown_outlet("other", "Another page")],
            concepts: 0,
        }],
        offset: 0,
        total: 1,
        notices: Vec::new(),
        comparison: None,
    })
}

fn figures() -> Answer {
    Answer::Figures {
        topic: "capex".into(),
        figures: vec![FigureLine {
            reading: None,
            value: "$53 billion".into(),
            kind: FigureKind::Money,
            quote: "“We will spend $53 billion,” the company said.".into(),
            source: unknown_outlet("bet", "Alibaba’s $53 Billion AI Bet"),
            reference: "bet:3".into(),
            also_reported_by: Vec::new(),
        }],
    }
}

/// Every way an answer is shown: terminal text, JSON, the Discord payload, the Matrix event.
fn shown(answer: &Answer) -> Vec<(&'static str, String)> {
    vec![
        (
            "text",
            clippings::render::text::render(answer, Default::default()),
        ),
        ("json", clippings::render::json::render("q", answer)),
        #[cfg(feature = "discord")]
        ("discord", clippings::discord::preview(answer)),
        #[cfg(feature = "matrix")]
        ("matrix", clippings::matrix::render::preview(answer)),
    ]
}

/// The format required a publisher, so a page naming no outlet said "Unknown publisher",
/// which every answer printed as an outlet and corroboration counted as one.
#[test]
fn an_article_that_names_no_outlet_is_never_given_one() {
    for answer in [passages(), figures()] {
        for (renderer, out) in shown(&answer) {
            assert!(
                !out.contains("Unknown publisher") && !out.contains("None"),
                "{renderer}: {out}"
            );
            assert!(
                out.contains("Alibaba’s $53 Billion AI Bet"),
                "{renderer}: {out}"
            );
        }
    }
    let text = clippings::render::text::render(&passages(), Default::default());
    assert!(
        text.contains("— Alibaba’s $53 Billion AI Bet\n"),
        "the attribution says only what is known: {text}"
    );
    assert!(
        text.contains("also reported by Info Finance, “Another page” (outlet unknown)"),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&clippings::render::json::render("q", &passages())).unwrap();
    let hit = &json["hits"][0];
    assert!(hit["publisher"].is_null(), "{json}");
    assert!(hit["also_reported_by"][1]["publisher"].is_null(), "{json}");
}

#[test]
fn a_quote_that_opens_with_a_quotation_is_not_wrapped_twice() {
    for answer in [passages(), figures()] {
        for (renderer, out) in shown(&answer) {
            for doubled in ["““", "“…“"] {
                assert!(!out.contains(doubled), "{renderer} has {doubled}: {out}");
            }
        }
    }
    let text = clippings::render::text::render(&passages(), Default::default());
    assert!(text.contains("1. “We are vigorously"), "{text}");
    assert!(
        text.contains("on Tuesday.\n"),
        "no closing mark of ours: {text}"
    );
    // A quote that does not open with a quotation keeps its marks.
    let plain = clippings::render::text::render(
        &Answer::Figures {
            topic: "capex".into(),
            figures: vec![FigureLine {
                reading: None,
                quote: "Alibaba will spend $53 billion.".into(),
                ..match figures() {
                    Answer::Figures { figures, .. } => figures[0].clone(),
                    _ => unreachable!(),
                }
            }],
        },
        Default::default(),
    );
    assert!(
        plain.contains("— “Alibaba will spend $53 billion.”"),
        "{plain}"
    );
}
