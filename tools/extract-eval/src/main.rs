//! Runs Rust article-extraction crates over scrapinghub/article-extraction-benchmark
//! and writes one prediction file per variant in the benchmark's format, so that
//! the benchmark's own `evaluate.py` can score them.
//!
//! Usage: extract-eval <dataset-dir> [--out DIR] [--only a,b] [--repeat N] [--no-normalize] [--list]

mod textify;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use serde::Serialize;
use serde_json::{Value, json};

use textify::html_to_paragraphs;

/// Metadata a crate returned next to the body (empty string = not given).
#[derive(Default, Clone)]
struct Meta {
    title: String,
    author: String,
    site: String,
    published: String,
    url: String,
}

struct Extracted {
    body: String,
    meta: Meta,
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

type RunFn = fn(&str, &str) -> Result<Extracted>;

struct Variant {
    name: &'static str,
    krate: &'static str,
    /// "text" = the crate's own plain-text output; "html" = the crate's HTML run
    /// through textify::html_to_paragraphs; other values name a crate text mode.
    mode: &'static str,
    note: &'static str,
    run: RunFn,
}

// ---------------------------------------------------------------- dom_smoothie
fn ds_parse(html: &str, url: &str, cfg: dom_smoothie::Config) -> Result<dom_smoothie::Article> {
    let mut r = dom_smoothie::Readability::new(html, Some(url), Some(cfg))?;
    Ok(r.parse()?)
}
fn ds_meta(a: &dom_smoothie::Article) -> Meta {
    Meta {
        title: a.title.clone(),
        author: opt(&a.byline),
        site: opt(&a.site_name),
        published: opt(&a.published_time),
        url: opt(&a.url),
    }
}
fn ds_with(html: &str, url: &str, cfg: dom_smoothie::Config, use_html: bool) -> Result<Extracted> {
    let a = ds_parse(html, url, cfg)?;
    let body = if use_html { html_to_paragraphs(&a.content) } else { a.text_content.to_string() };
    Ok(Extracted { body, meta: ds_meta(&a) })
}
fn ds_text(h: &str, u: &str) -> Result<Extracted> {
    ds_with(h, u, dom_smoothie::Config::default(), false)
}
fn ds_formatted(h: &str, u: &str) -> Result<Extracted> {
    let cfg = dom_smoothie::Config { text_mode: dom_smoothie::TextMode::Formatted, ..Default::default() };
    ds_with(h, u, cfg, false)
}
fn ds_markdown(h: &str, u: &str) -> Result<Extracted> {
    let cfg = dom_smoothie::Config { text_mode: dom_smoothie::TextMode::Markdown, ..Default::default() };
    ds_with(h, u, cfg, false)
}
fn ds_html(h: &str, u: &str) -> Result<Extracted> {
    ds_with(h, u, dom_smoothie::Config::default(), true)
}
fn ds_alt_formatted(h: &str, u: &str) -> Result<Extracted> {
    let cfg = dom_smoothie::Config {
        candidate_select_mode: dom_smoothie::CandidateSelectMode::DomSmoothie,
        text_mode: dom_smoothie::TextMode::Formatted,
        ..Default::default()
    };
    ds_with(h, u, cfg, false)
}
fn ds_ct250_formatted(h: &str, u: &str) -> Result<Extracted> {
    let cfg = dom_smoothie::Config {
        char_threshold: 250,
        text_mode: dom_smoothie::TextMode::Formatted,
        ..Default::default()
    };
    ds_with(h, u, cfg, false)
}
fn ds_ntop10_formatted(h: &str, u: &str) -> Result<Extracted> {
    let cfg = dom_smoothie::Config {
        n_top_candidates: 10,
        text_mode: dom_smoothie::TextMode::Formatted,
        ..Default::default()
    };
    ds_with(h, u, cfg, false)
}
fn ds_keep_classes_formatted(h: &str, u: &str) -> Result<Extracted> {
    let cfg = dom_smoothie::Config {
        keep_classes: true,
        text_mode: dom_smoothie::TextMode::Formatted,
        ..Default::default()
    };
    ds_with(h, u, cfg, false)
}

// ------------------------------------------------------- readability (kumabook)
fn kb(h: &str, u: &str, use_html: bool) -> Result<Extracted> {
    let url = url::Url::parse(u)?;
    let p = readability::extractor::extract(&mut h.as_bytes(), &url).map_err(|e| anyhow!("{e:?}"))?;
    let body = if use_html { html_to_paragraphs(&p.content) } else { p.text };
    Ok(Extracted { body, meta: Meta { title: p.title, ..Default::default() } })
}
fn kb_text(h: &str, u: &str) -> Result<Extracted> {
    kb(h, u, false)
}
fn kb_html(h: &str, u: &str) -> Result<Extracted> {
    kb(h, u, true)
}

// ---------------------------------------------------------------- libreadability
fn lr_with(h: &str, u: &str, p: libreadability::Parser, use_html: bool) -> Result<Extracted> {
    let url = url::Url::parse(u)?;
    let mut p = p;
    let a = p.parse(h, Some(&url))?;
    let body = if use_html { html_to_paragraphs(&a.content) } else { a.text_content.clone() };
    Ok(Extracted {
        body,
        meta: Meta {
            title: a.title,
            author: a.byline,
            site: a.site_name,
            published: a.published_time,
            url: String::new(),
        },
    })
}
fn lr_text(h: &str, u: &str) -> Result<Extracted> {
    lr_with(h, u, libreadability::Parser::new(), false)
}
fn lr_html(h: &str, u: &str) -> Result<Extracted> {
    lr_with(h, u, libreadability::Parser::new(), true)
}
fn lr_ct250_html(h: &str, u: &str) -> Result<Extracted> {
    lr_with(h, u, libreadability::Parser::new().with_char_threshold(250), true)
}

// ---------------------------------------------------------------- readabilityrs
fn rrs(h: &str, u: &str, use_html: bool) -> Result<Extracted> {
    let a = readabilityrs::Readability::new(h, Some(u), None)
        .map_err(|e| anyhow!("{e:?}"))?
        .parse()
        .ok_or_else(|| anyhow!("no article"))?;
    let body = if use_html { html_to_paragraphs(a.content.as_deref().unwrap_or("")) } else { opt(&a.text_content) };
    Ok(Extracted {
        body,
        meta: Meta {
            title: opt(&a.title),
            author: opt(&a.byline),
            site: opt(&a.site_name),
            published: opt(&a.published_time),
            url: String::new(),
        },
    })
}
fn rrs_text(h: &str, u: &str) -> Result<Extracted> {
    rrs(h, u, false)
}
fn rrs_html(h: &str, u: &str) -> Result<Extracted> {
    rrs(h, u, true)
}

// ---------------------------------------------------------------- legible
fn lg(h: &str, u: &str, mode: u8) -> Result<Extracted> {
    let a = legible::parse(h, Some(u), None)?;
    let body = match mode {
        0 => a.text_content.clone(),
        1 => html_to_paragraphs(&a.content),
        _ => a.markdown_content.clone(),
    };
    Ok(Extracted {
        body,
        meta: Meta {
            title: a.title,
            author: opt(&a.byline),
            site: opt(&a.site_name),
            published: opt(&a.published_time),
            url: String::new(),
        },
    })
}
fn lg_text(h: &str, u: &str) -> Result<Extracted> {
    lg(h, u, 0)
}
fn lg_html(h: &str, u: &str) -> Result<Extracted> {
    lg(h, u, 1)
}

// ---------------------------------------------------------------- lectito
fn lc(h: &str, u: &str, use_html: bool) -> Result<Extracted> {
    let opts = lectito::ReadabilityOptions::default();
    let a = lectito::extract(h, Some(u), &opts)?.ok_or_else(|| anyhow!("no article"))?;
    let body = if use_html { html_to_paragraphs(&a.content) } else { a.text_content.clone() };
    Ok(Extracted {
        body,
        meta: Meta {
            title: opt(&a.title),
            author: opt(&a.byline),
            site: opt(&a.site_name),
            published: opt(&a.published_time),
            url: String::new(),
        },
    })
}
fn lc_text(h: &str, u: &str) -> Result<Extracted> {
    lc(h, u, false)
}
fn lc_html(h: &str, u: &str) -> Result<Extracted> {
    lc(h, u, true)
}

// ---------------------------------------------------------------- readable-rs
fn rdr(h: &str, u: &str, use_html: bool) -> Result<Extracted> {
    let p = readable_rs::extract(h, u, readable_rs::ExtractOptions::default());
    let node = p.content.as_ref().ok_or_else(|| anyhow!("no content"))?;
    let body = if use_html { html_to_paragraphs(&node.to_string()) } else { node.text_contents() };
    Ok(Extracted {
        body,
        meta: Meta {
            title: p.title.clone(),
            author: p.by_line.clone(),
            site: p.sitename.clone(),
            published: p.published_time.clone(),
            url: String::new(),
        },
    })
}
fn rdr_text(h: &str, u: &str) -> Result<Extracted> {
    rdr(h, u, false)
}
fn rdr_html(h: &str, u: &str) -> Result<Extracted> {
    rdr(h, u, true)
}

// ---------------------------------------------------------------- llm_readability
fn llm(h: &str, u: &str, use_html: bool) -> Result<Extracted> {
    let url = url::Url::parse(u)?;
    let p = llm_readability::extractor::extract(&mut h.as_bytes(), &url).map_err(|e| anyhow!("{e:?}"))?;
    let body = if use_html { html_to_paragraphs(&p.content) } else { p.text };
    Ok(Extracted { body, meta: Meta::default() })
}
fn llm_text(h: &str, u: &str) -> Result<Extracted> {
    llm(h, u, false)
}
fn llm_html(h: &str, u: &str) -> Result<Extracted> {
    llm(h, u, true)
}

// ---------------------------------------------------------------- rs-trafilatura
fn rst_with(h: &str, u: &str, o: rs_trafilatura::Options, use_html: bool) -> Result<Extracted> {
    let o = rs_trafilatura::Options { url: Some(u.to_string()), ..o };
    let r = rs_trafilatura::extract_with_options(h, &o)?;
    let body = if use_html {
        html_to_paragraphs(r.content_html.as_deref().unwrap_or(""))
    } else {
        r.content_text.clone()
    };
    let m = &r.metadata;
    Ok(Extracted {
        body,
        meta: Meta {
            title: opt(&m.title),
            author: opt(&m.author),
            site: opt(&m.sitename),
            published: m.date.map(|d| d.to_rfc3339()).unwrap_or_default(),
            url: opt(&m.url),
        },
    })
}
fn rst_text(h: &str, u: &str) -> Result<Extracted> {
    rst_with(h, u, rs_trafilatura::Options::default(), false)
}
fn rst_html(h: &str, u: &str) -> Result<Extracted> {
    rst_with(h, u, rs_trafilatura::Options::default(), true)
}
fn rst_precision(h: &str, u: &str) -> Result<Extracted> {
    rst_with(h, u, rs_trafilatura::Options { favor_precision: true, ..Default::default() }, false)
}
fn rst_recall(h: &str, u: &str) -> Result<Extracted> {
    rst_with(h, u, rs_trafilatura::Options { favor_recall: true, ..Default::default() }, false)
}
fn rst_no_tables(h: &str, u: &str) -> Result<Extracted> {
    rst_with(h, u, rs_trafilatura::Options { include_tables: false, ..Default::default() }, false)
}
fn rst_nourl(h: &str, _u: &str) -> Result<Extracted> {
    let r = rs_trafilatura::extract(h)?;
    Ok(Extracted { body: r.content_text, meta: Meta::default() })
}
fn rst_markdown(h: &str, u: &str) -> Result<Extracted> {
    let o = rs_trafilatura::Options { output_markdown: true, url: Some(u.to_string()), ..Default::default() };
    let r = rs_trafilatura::extract_with_options(h, &o)?;
    Ok(Extracted { body: r.content_markdown.unwrap_or_default(), meta: Meta::default() })
}

// ---------------------------------------------------------------- trafilatura (nchapman)
fn tr_with(h: &str, u: &str, o: trafilatura::Options, use_html: bool) -> Result<Extracted> {
    let o = o.with_url(url::Url::parse(u)?);
    let r = trafilatura::extract(h, &o)?;
    let body = if use_html { html_to_paragraphs(&r.content_html) } else { r.content_text.clone() };
    let m = &r.metadata;
    Ok(Extracted {
        body,
        meta: Meta {
            title: m.title.clone(),
            author: m.author.clone(),
            site: m.sitename.clone(),
            published: m.date.map(|d| d.to_string()).unwrap_or_default(),
            url: m.url.clone(),
        },
    })
}
fn tr_text(h: &str, u: &str) -> Result<Extracted> {
    tr_with(h, u, trafilatura::Options::default(), false)
}
fn tr_fb_text(h: &str, u: &str) -> Result<Extracted> {
    tr_with(h, u, trafilatura::Options::default().with_fallback(true), false)
}
fn tr_fb_html(h: &str, u: &str) -> Result<Extracted> {
    tr_with(h, u, trafilatura::Options::default().with_fallback(true), true)
}
fn tr_fb_precision(h: &str, u: &str) -> Result<Extracted> {
    let o = trafilatura::Options::default()
        .with_fallback(true)
        .with_focus(trafilatura::ExtractionFocus::FavorPrecision);
    tr_with(h, u, o, false)
}
fn tr_fb_recall(h: &str, u: &str) -> Result<Extracted> {
    let o = trafilatura::Options::default()
        .with_fallback(true)
        .with_focus(trafilatura::ExtractionFocus::FavorRecall);
    tr_with(h, u, o, false)
}
fn tr_precision(h: &str, u: &str) -> Result<Extracted> {
    let o = trafilatura::Options::default().with_focus(trafilatura::ExtractionFocus::FavorPrecision);
    tr_with(h, u, o, false)
}
fn tr_fb_precision_html(h: &str, u: &str) -> Result<Extracted> {
    let o = trafilatura::Options::default()
        .with_fallback(true)
        .with_focus(trafilatura::ExtractionFocus::FavorPrecision);
    tr_with(h, u, o, true)
}
fn tr_fb_precision_notables(h: &str, u: &str) -> Result<Extracted> {
    let o = trafilatura::Options::default()
        .with_fallback(true)
        .with_focus(trafilatura::ExtractionFocus::FavorPrecision)
        .with_exclude_tables(true);
    tr_with(h, u, o, false)
}
fn tr_fb_markdown(h: &str, u: &str) -> Result<Extracted> {
    let o = trafilatura::Options::default().with_fallback(true).with_url(url::Url::parse(u)?);
    let r = trafilatura::extract(h, &o)?;
    Ok(Extracted { body: r.content_markdown(), meta: Meta::default() })
}

const VARIANTS: &[Variant] = &[
    Variant { name: "dom_smoothie", krate: "dom_smoothie", mode: "text", note: "Config::default(), article.text_content (TextMode::Raw)", run: ds_text },
    Variant { name: "dom_smoothie_formatted", krate: "dom_smoothie", mode: "text:Formatted", note: "text_mode: TextMode::Formatted", run: ds_formatted },
    Variant { name: "dom_smoothie_markdown", krate: "dom_smoothie", mode: "text:Markdown", note: "text_mode: TextMode::Markdown", run: ds_markdown },
    Variant { name: "dom_smoothie_html", krate: "dom_smoothie", mode: "html", note: "article.content -> textify", run: ds_html },
    Variant { name: "dom_smoothie_alt_formatted", krate: "dom_smoothie", mode: "text:Formatted", note: "candidate_select_mode: DomSmoothie", run: ds_alt_formatted },
    Variant { name: "dom_smoothie_ct250_formatted", krate: "dom_smoothie", mode: "text:Formatted", note: "char_threshold: 250", run: ds_ct250_formatted },
    Variant { name: "dom_smoothie_ntop10_formatted", krate: "dom_smoothie", mode: "text:Formatted", note: "n_top_candidates: 10", run: ds_ntop10_formatted },
    Variant { name: "dom_smoothie_keepcls_formatted", krate: "dom_smoothie", mode: "text:Formatted", note: "keep_classes: true", run: ds_keep_classes_formatted },
    Variant { name: "readability", krate: "readability", mode: "text", note: "extractor::extract, product.text", run: kb_text },
    Variant { name: "readability_html", krate: "readability", mode: "html", note: "product.content -> textify", run: kb_html },
    Variant { name: "libreadability", krate: "libreadability", mode: "text", note: "Parser::new().parse, text_content", run: lr_text },
    Variant { name: "libreadability_html", krate: "libreadability", mode: "html", note: "content -> textify", run: lr_html },
    Variant { name: "libreadability_ct250_html", krate: "libreadability", mode: "html", note: "with_char_threshold(250)", run: lr_ct250_html },
    Variant { name: "readabilityrs", krate: "readabilityrs", mode: "text", note: "Readability::new(..).parse(), text_content", run: rrs_text },
    Variant { name: "readabilityrs_html", krate: "readabilityrs", mode: "html", note: "content -> textify", run: rrs_html },
    Variant { name: "legible", krate: "legible", mode: "text", note: "legible::parse, text_content", run: lg_text },
    Variant { name: "legible_html", krate: "legible", mode: "html", note: "content -> textify", run: lg_html },
    Variant { name: "lectito", krate: "lectito", mode: "text", note: "lectito::extract(default opts), text_content", run: lc_text },
    Variant { name: "lectito_html", krate: "lectito", mode: "html", note: "content -> textify", run: lc_html },
    Variant { name: "readable_rs", krate: "readable-rs", mode: "text", note: "readable_rs::extract, content.text_contents()", run: rdr_text },
    Variant { name: "readable_rs_html", krate: "readable-rs", mode: "html", note: "content.to_string() -> textify", run: rdr_html },
    Variant { name: "llm_readability", krate: "llm_readability", mode: "text", note: "extractor::extract, product.text", run: llm_text },
    Variant { name: "llm_readability_html", krate: "llm_readability", mode: "html", note: "product.content -> textify", run: llm_html },
    Variant { name: "rs_trafilatura", krate: "rs-trafilatura", mode: "text", note: "extract_with_options(url), content_text", run: rst_text },
    Variant { name: "rs_trafilatura_html", krate: "rs-trafilatura", mode: "html", note: "content_html -> textify", run: rst_html },
    Variant { name: "rs_trafilatura_precision", krate: "rs-trafilatura", mode: "text", note: "favor_precision: true", run: rst_precision },
    Variant { name: "rs_trafilatura_recall", krate: "rs-trafilatura", mode: "text", note: "favor_recall: true", run: rst_recall },
    Variant { name: "rs_trafilatura_notables", krate: "rs-trafilatura", mode: "text", note: "include_tables: false", run: rst_no_tables },
    Variant { name: "rs_trafilatura_nourl", krate: "rs-trafilatura", mode: "text", note: "extract(html) without URL (as upstream benchmark)", run: rst_nourl },
    Variant { name: "rs_trafilatura_markdown", krate: "rs-trafilatura", mode: "markdown", note: "output_markdown: true, content_markdown", run: rst_markdown },
    Variant { name: "trafilatura", krate: "trafilatura", mode: "text", note: "Options::default() (no fallback), content_text", run: tr_text },
    Variant { name: "trafilatura_fallback", krate: "trafilatura", mode: "text", note: "with_fallback(true), content_text", run: tr_fb_text },
    Variant { name: "trafilatura_fallback_html", krate: "trafilatura", mode: "html", note: "with_fallback(true), content_html -> textify", run: tr_fb_html },
    Variant { name: "trafilatura_fallback_precision", krate: "trafilatura", mode: "text", note: "with_fallback(true), FavorPrecision", run: tr_fb_precision },
    Variant { name: "trafilatura_precision", krate: "trafilatura", mode: "text", note: "FavorPrecision, no fallback", run: tr_precision },
    Variant { name: "trafilatura_fallback_precision_html", krate: "trafilatura", mode: "html", note: "with_fallback(true), FavorPrecision, content_html -> textify", run: tr_fb_precision_html },
    Variant { name: "trafilatura_fallback_precision_notables", krate: "trafilatura", mode: "text", note: "with_fallback(true), FavorPrecision, with_exclude_tables(true)", run: tr_fb_precision_notables },
    Variant { name: "trafilatura_fallback_recall", krate: "trafilatura", mode: "text", note: "with_fallback(true), FavorRecall", run: tr_fb_recall },
    Variant { name: "trafilatura_fallback_markdown", krate: "trafilatura", mode: "markdown", note: "with_fallback(true), content_markdown()", run: tr_fb_markdown },
];

/// Same clean-up the benchmark's own Rust runner applies (soft hyphens split
/// words under the `\w+` tokenizer), plus zero-width characters.
fn normalize(s: &str) -> String {
    s.replace(['\u{00ad}', '\u{200b}', '\u{feff}'], "").replace("\r\n", "\n")
}

fn crate_version(krate: &str) -> String {
    let lock = include_str!("../Cargo.lock");
    let needle = format!("name = \"{krate}\"\nversion = \"");
    lock.find(&needle)
        .map(|i| {
            let rest = &lock[i + needle.len()..];
            rest[..rest.find('"').unwrap_or(0)].to_string()
        })
        .unwrap_or_default()
}

fn paragraphs(s: &str) -> usize {
    s.split("\n\n").filter(|p| !p.trim().is_empty()).count()
}
fn lines(s: &str) -> usize {
    s.lines().filter(|l| !l.trim().is_empty()).count()
}
fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

#[derive(Serialize)]
struct Stats {
    name: String,
    #[serde(rename = "crate")]
    krate: String,
    version: String,
    mode: String,
    note: String,
    pages: usize,
    mean_ms: f64,
    errors: usize,
    panics: usize,
    empty: usize,
    /// median over pages of (blank-line-separated paragraphs in output / in ground truth)
    para_ratio_median: f64,
    /// median over pages of (non-empty lines in output / paragraphs in ground truth)
    line_ratio_median: f64,
    meta_title: usize,
    meta_author: usize,
    meta_site: usize,
    meta_published: usize,
    meta_url: usize,
}

struct Page {
    id: String,
    url: String,
    html: String,
    gt_paras: usize,
}

fn load_pages(dataset: &Path) -> Result<Vec<Page>> {
    let gt: BTreeMap<String, Value> = serde_json::from_str(
        &fs::read_to_string(dataset.join("ground-truth.json")).context("reading ground-truth.json")?,
    )?;
    let mut pages = Vec::new();
    for (id, item) in gt {
        let path = dataset.join("html").join(format!("{id}.html.gz"));
        let mut html = String::new();
        flate2::read::GzDecoder::new(fs::File::open(&path).with_context(|| format!("{path:?}"))?)
            .read_to_string(&mut html)
            .with_context(|| format!("decoding {path:?}"))?;
        let url = item["url"].as_str().unwrap_or("https://example.com/").to_string();
        let gt_paras = paragraphs(item["articleBody"].as_str().unwrap_or(""));
        pages.push(Page { id, url, html, gt_paras });
    }
    Ok(pages)
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut dataset: Option<PathBuf> = None;
    let mut out_dir = PathBuf::from("/var/tmp/extract-eval-run");
    let mut only: Option<Vec<String>> = None;
    let mut repeat = 1usize;
    let mut do_normalize = true;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" => out_dir = args.next().context("--out DIR")?.into(),
            "--only" => only = Some(args.next().context("--only a,b")?.split(',').map(String::from).collect()),
            "--repeat" => repeat = args.next().context("--repeat N")?.parse()?,
            "--no-normalize" => do_normalize = false,
            "--list" => {
                for v in VARIANTS {
                    println!("{:<34} {:<16} {:<8} {:<16} {}", v.name, v.krate, crate_version(v.krate), v.mode, v.note);
                }
                return Ok(());
            }
            _ if a.starts_with("--") => bail!("unknown flag {a}"),
            _ => dataset = Some(a.into()),
        }
    }
    let dataset = dataset.context("usage: extract-eval <dataset-dir> [--out DIR] [--only a,b] [--repeat N] [--no-normalize] [--list]")?;
    let pages = load_pages(&dataset)?;
    eprintln!("{} pages loaded", pages.len());

    fs::create_dir_all(out_dir.join("output"))?;
    fs::copy(dataset.join("ground-truth.json"), out_dir.join("ground-truth.json"))?;
    std::panic::set_hook(Box::new(|_| {}));

    let mut all_stats = Vec::new();
    for v in VARIANTS {
        if let Some(only) = &only {
            if !only.iter().any(|o| o == v.name) {
                continue;
            }
        }
        let version = crate_version(v.krate);
        let mut output = serde_json::Map::new();
        let (mut total_ms, mut errors, mut panics, mut empty) = (0f64, 0, 0, 0);
        let (mut para_r, mut line_r) = (Vec::new(), Vec::new());
        let mut mc = [0usize; 5];
        for p in &pages {
            let mut best_ms = f64::INFINITY;
            let mut result = None;
            for _ in 0..repeat {
                let t = Instant::now();
                let r = catch_unwind(AssertUnwindSafe(|| (v.run)(&p.html, &p.url)));
                best_ms = best_ms.min(t.elapsed().as_secs_f64() * 1e3);
                result = Some(r);
            }
            total_ms += best_ms;
            let body = match result.unwrap() {
                Ok(Ok(e)) => {
                    let m = &e.meta;
                    for (i, f) in [&m.title, &m.author, &m.site, &m.published, &m.url].iter().enumerate() {
                        if !f.trim().is_empty() {
                            mc[i] += 1;
                        }
                    }
                    if do_normalize { normalize(&e.body) } else { e.body }
                }
                Ok(Err(err)) => {
                    errors += 1;
                    eprintln!("  {} {}: error: {err:#}", v.name, &p.id[..12]);
                    String::new()
                }
                Err(_) => {
                    panics += 1;
                    eprintln!("  {} {}: panic", v.name, &p.id[..12]);
                    String::new()
                }
            };
            if body.trim().is_empty() {
                empty += 1;
            } else if p.gt_paras > 0 {
                para_r.push(paragraphs(&body) as f64 / p.gt_paras as f64);
                line_r.push(lines(&body) as f64 / p.gt_paras as f64);
            }
            output.insert(p.id.clone(), json!({ "articleBody": body }));
        }
        let file = out_dir.join("output").join(format!("{}.json", v.name));
        fs::write(&file, serde_json::to_string(&json!({ "version": version, "output": output }))?)?;
        let s = Stats {
            name: v.name.into(),
            krate: v.krate.into(),
            version,
            mode: v.mode.into(),
            note: v.note.into(),
            pages: pages.len(),
            mean_ms: total_ms / pages.len() as f64,
            errors,
            panics,
            empty,
            para_ratio_median: median(para_r),
            line_ratio_median: median(line_r),
            meta_title: mc[0],
            meta_author: mc[1],
            meta_site: mc[2],
            meta_published: mc[3],
            meta_url: mc[4],
        };
        eprintln!(
            "{:<34} {:>8.2} ms/page  errors {} panics {} empty {}",
            s.name, s.mean_ms, s.errors, s.panics, s.empty
        );
        all_stats.push(s);
    }
    // Merge with stats from earlier (partial) runs in the same out dir.
    let stats_path = out_dir.join("stats.json");
    let mut merged: BTreeMap<String, Value> = fs::read_to_string(&stats_path)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    for s in all_stats {
        merged.insert(s.name.clone(), serde_json::to_value(&s)?);
    }
    fs::write(&stats_path, serde_json::to_string_pretty(&merged)?)?;
    eprintln!("wrote {} and {}", out_dir.join("output").display(), stats_path.display());
    Ok(())
}
