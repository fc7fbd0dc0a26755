//! An article page to its text and attribution. The body comes from the trafilatura crate
//! (chosen by measurement: docs/BENCHMARKS.md "Article extraction"), its cleaned HTML rendered
//! here as paragraphs; the attribution is read here from what the page itself declares, in
//! this order, and nothing is guessed:
//!
//! - title: JSON-LD `headline` of an Article, `og:title`, `<title>` without the site's suffix;
//! - publisher: JSON-LD `publisher.name`, `og:site_name`;
//! - date: JSON-LD `datePublished`, `article:published_time` (the date as the page writes it);
//! - author: JSON-LD `author`, `<meta name="author">`;
//! - address: `<link rel="canonical">`, `og:url`.

use scraper::{ElementRef, Html, Node, Selector};
use serde::Serialize;
use serde_json::Value;
use url::Url;

/// What would be stored for a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    pub title: Option<String>,
    pub publisher: Option<String>,
    /// YYYY-MM-DD.
    pub date: Option<String>,
    pub author: Option<String>,
    /// The canonical address the page declares.
    pub url: Option<String>,
    /// The article body: paragraphs separated by a blank line, headings on their own line.
    pub text: String,
    /// What a reader of the stored file should know (how a field was found, what is missing).
    pub notes: Vec<String>,
}

/// `clippings extract --json`.
#[derive(Debug, Serialize)]
pub struct ExtractedJson<'a> {
    pub title: Option<&'a str>,
    pub publisher: Option<&'a str>,
    pub date: Option<&'a str>,
    pub author: Option<&'a str>,
    pub url: Option<&'a str>,
    pub text: &'a str,
    pub notes: Option<String>,
}

impl Extracted {
    pub fn to_json(&self) -> ExtractedJson<'_> {
        ExtractedJson {
            title: self.title.as_deref(),
            publisher: self.publisher.as_deref(),
            date: self.date.as_deref(),
            author: self.author.as_deref(),
            url: self.url.as_deref(),
            text: &self.text,
            notes: (!self.notes.is_empty()).then(|| self.notes.join("; ")),
        }
    }

    /// The fields, one per line, then the text (`clippings extract`).
    pub fn to_text(&self) -> String {
        let field = |name: &str, value: &Option<String>| {
            format!("{name}: {}\n", value.as_deref().unwrap_or("(not given)"))
        };
        let mut out = String::new();
        out.push_str(&field("title", &self.title));
        out.push_str(&field("publisher", &self.publisher));
        out.push_str(&field("date", &self.date));
        out.push_str(&field("author", &self.author));
        out.push_str(&field("url", &self.url));
        for note in &self.notes {
            out.push_str(&format!("note: {note}\n"));
        }
        out.push('\n');
        out.push_str(&self.text);
        if !self.text.ends_with('\n') {
            out.push('\n');
        }
        out
    }
}

/// Extracts the article of `html`, fetched from (or saved from) `page_url`.
pub fn extract(html: &str, page_url: &Url) -> Extracted {
    let document = Html::parse_document(html);
    let meta = PageMeta::read(&document);
    let ld = LinkedData::read(&document);
    let publisher = ld.publisher.clone().or_else(|| meta.get("og:site_name"));
    let title = ld
        .headline
        .clone()
        .or_else(|| meta.get("og:title"))
        .or_else(|| {
            let title = first(&document, "title").map(|t| clean_line(&text_of(t)))?;
            without_site_suffix(&title, publisher.as_deref())
        });
    let date = ld
        .date_published
        .as_deref()
        .and_then(date_part)
        .or_else(|| {
            meta.get("article:published_time")
                .as_deref()
                .and_then(date_part)
        });
    let author = ld.author.clone().or_else(|| {
        meta.get("author")
            .filter(|a| !a.starts_with("http://") && !a.starts_with("https://"))
    });
    let url = first(&document, "link[rel~='canonical'][href]")
        .and_then(|link| link.value().attr("href"))
        .map(str::to_string)
        .or_else(|| meta.get("og:url"))
        .and_then(|href| page_url.join(href.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(|u| u.to_string());
    let mut notes = Vec::new();
    let depth = nesting_depth(&document);
    let text = if depth > MAX_DEPTH {
        // Hostile or broken: reading it would recurse that deep (and overflow the stack).
        notes.push(format!(
            "the page is nested {depth} elements deep: not read"
        ));
        String::new()
    } else {
        body_text(html, page_url, title.as_deref())
    };
    if text.is_empty() {
        notes.push("no article text found on the page".to_string());
    }
    Extracted {
        title: title.map(|t| capped(t, MAX_TITLE_CHARS)),
        publisher: publisher.map(|p| capped(p, MAX_NAME_CHARS)),
        date,
        author: author.map(|a| capped(a, MAX_NAME_CHARS)),
        url: url.filter(|u| u.len() <= MAX_URL_BYTES),
        text,
        notes,
    }
}

/// The longest title, outlet and author names and address kept from a page (longer ones are
/// cut at a word: a page can say anything).
pub(crate) const MAX_TITLE_CHARS: usize = 300;
pub(crate) const MAX_NAME_CHARS: usize = 120;
const MAX_URL_BYTES: usize = 2048;

pub(crate) fn capped(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > max / 2 => cut[..space].to_string(),
        _ => cut,
    };
    format!("{}…", cut.trim_end())
}

/// The deepest nesting of elements a page may have to be read (real pages stay under 100).
const MAX_DEPTH: usize = 256;

/// How deep the page's elements nest, counted without recursion.
fn nesting_depth(document: &Html) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for edge in document.tree.root().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(_) => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ego_tree::iter::Edge::Close(_) => depth = depth.saturating_sub(1),
        }
    }
    deepest
}

/// The article body, as paragraphs separated by blank lines.
fn body_text(html: &str, page_url: &Url, title: Option<&str>) -> String {
    let mut options = trafilatura::Options::default()
        .with_fallback(true)
        .with_focus(trafilatura::ExtractionFocus::FavorPrecision);
    if matches!(page_url.scheme(), "http" | "https") {
        options = options.with_url(page_url.clone());
    }
    // Third-party code reading hostile input: a panic in it is a page without an article.
    let extracted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        trafilatura::extract(html, &options)
    }));
    let Ok(Ok(result)) = extracted else {
        return String::new();
    };
    let mut paragraphs = html_to_paragraphs(&result.content_html);
    // The headline repeated as the body's first line is attribution, not text.
    if let (Some(first), Some(title)) = (paragraphs.first(), title)
        && first.eq_ignore_ascii_case(title)
    {
        paragraphs.remove(0);
    }
    paragraphs.join("\n\n")
}

/// Elements that start and end a paragraph.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "html",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tr",
    "ul",
];
/// Elements whose text is never article text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "head", "title", "svg", "math", "iframe", "object",
    "button", "select", "textarea", "input", "form",
];

/// Paragraphs being collected: blocks end one, list items and `<br>` are lines within one.
#[derive(Default)]
struct Paragraphs {
    done: Vec<String>,
    current: String,
}

impl Paragraphs {
    fn text(&mut self, text: &str) {
        if text.starts_with(char::is_whitespace) && !self.current.ends_with([' ', '\n']) {
            self.current.push(' ');
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        self.current.push_str(&words.join(" "));
        if text.ends_with(char::is_whitespace) && !words.is_empty() {
            self.current.push(' ');
        }
    }

    fn line(&mut self) {
        let kept = self.current.trim_end().len();
        self.current.truncate(kept);
        if !self.current.is_empty() {
            self.current.push('\n');
        }
    }

    fn end(&mut self) {
        let paragraph = self
            .current
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if !paragraph.is_empty() {
            self.done.push(paragraph);
        }
        self.current.clear();
    }

    fn walk(&mut self, element: ElementRef<'_>) {
        for child in element.children() {
            match child.value() {
                Node::Text(text) => self.text(text),
                Node::Element(e) => {
                    let name = e.name();
                    let Some(child) = ElementRef::wrap(child) else {
                        continue;
                    };
                    if SKIPPED.contains(&name) {
                        continue;
                    }
                    match name {
                        "br" => self.line(),
                        "li" => {
                            self.line();
                            self.walk(child);
                            self.line();
                        }
                        "td" | "th" => {
                            if !self.current.ends_with(['\n', ' ']) && !self.current.is_empty() {
                                self.current.push_str(" | ");
                            }
                            self.walk(child);
                        }
                        _ if BLOCKS.contains(&name) => {
                            self.end();
                            self.walk(child);
                            self.end();
                        }
                        _ => self.walk(child),
                    }
                }
                _ => {}
            }
        }
    }
}

/// An HTML fragment as paragraphs: blocks and headings each one, list items lines of their
/// list's paragraph, table rows lines with cells separated by " | ".
pub fn html_to_paragraphs(html: &str) -> Vec<String> {
    let fragment = Html::parse_fragment(html);
    let mut out = Paragraphs::default();
    out.walk(fragment.root_element());
    out.end();
    out.done
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("the selectors here are valid")
}

fn first<'a>(document: &'a Html, css: &str) -> Option<ElementRef<'a>> {
    document.select(&selector(css)).next()
}

fn text_of(element: ElementRef<'_>) -> String {
    element.text().collect()
}

/// `<meta property|name="..." content="...">` values, first one of each name.
struct PageMeta(Vec<(String, String)>);

impl PageMeta {
    fn read(document: &Html) -> PageMeta {
        let mut out = Vec::new();
        for node in document.select(&selector("meta[content]")) {
            let Some(content) = node.value().attr("content") else {
                continue;
            };
            let content = clean_line(content);
            if content.is_empty() {
                continue;
            }
            for attribute in ["property", "name", "itemprop"] {
                if let Some(name) = node.value().attr(attribute) {
                    out.push((name.trim().to_ascii_lowercase(), content.clone()));
                }
            }
        }
        PageMeta(out)
    }

    fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

/// What the page's JSON-LD says of its article.
#[derive(Debug, Default)]
struct LinkedData {
    headline: Option<String>,
    publisher: Option<String>,
    date_published: Option<String>,
    author: Option<String>,
}

/// Schema.org types that are an article.
fn is_article_type(t: &str) -> bool {
    let t = t.rsplit('/').next().unwrap_or(t);
    t.ends_with("Article")
        || matches!(
            t,
            "BlogPosting" | "LiveBlogPosting" | "Report" | "ReportageNewsArticle" | "WebPage"
        )
}

impl LinkedData {
    fn read(document: &Html) -> LinkedData {
        let values: Vec<Value> = document
            .select(&selector("script[type='application/ld+json']"))
            .filter_map(|script| serde_json::from_str::<Value>(text_of(script).trim()).ok())
            .collect();
        let mut nodes = Vec::new();
        for value in &values {
            collect_nodes(value, &mut nodes, 0);
        }
        // An article node first; a WebPage only when no article node says more.
        nodes.sort_by_key(|n| {
            !types(n)
                .iter()
                .any(|t| t != "WebPage" && is_article_type(t))
        });
        let mut out = LinkedData::default();
        for node in nodes
            .iter()
            .filter(|n| types(n).iter().any(|t| is_article_type(t)))
        {
            out.headline = out.headline.or_else(|| string(node.get("headline")));
            out.date_published = out
                .date_published
                .or_else(|| string(node.get("datePublished")));
            out.publisher = out
                .publisher
                .or_else(|| node.get("publisher").and_then(name_of));
            out.author = out.author.or_else(|| node.get("author").and_then(names_of));
        }
        out
    }
}

fn collect_nodes<'a>(value: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    if depth > 4 {
        return;
    }
    match value {
        Value::Array(items) => {
            for item in items {
                collect_nodes(item, out, depth + 1);
            }
        }
        Value::Object(map) => {
            if map.contains_key("@type") {
                out.push(value);
            }
            if let Some(graph) = map.get("@graph") {
                collect_nodes(graph, out, depth + 1);
            }
            if let Some(main) = map.get("mainEntity") {
                collect_nodes(main, out, depth + 1);
            }
        }
        _ => {}
    }
}

fn types(node: &Value) -> Vec<String> {
    match node.get("@type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn string(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(clean_line(s)).filter(|s| !s.is_empty()),
        Value::Array(items) => items.iter().find_map(|i| string(Some(i))),
        _ => None,
    }
}

/// `"Name"` or `{"name": "Name"}`.
fn name_of(value: &Value) -> Option<String> {
    match value {
        Value::String(_) => string(Some(value)),
        Value::Object(map) => string(map.get("name")),
        Value::Array(items) => items.iter().find_map(name_of),
        _ => None,
    }
}

/// One or more people, as "A, B and C".
fn names_of(value: &Value) -> Option<String> {
    let names: Vec<String> = match value {
        Value::Array(items) => items.iter().filter_map(name_of).collect(),
        other => name_of(other).into_iter().collect(),
    };
    let names: Vec<String> = names
        .into_iter()
        .filter(|n| !n.starts_with("http://") && !n.starts_with("https://"))
        .collect();
    match names.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        [rest @ .., last] => Some(format!("{} and {last}", rest.join(", "))),
    }
}

/// `2025-09-23T08:00:00+08:00` → `2025-09-23`: the day as the page writes it.
fn date_part(text: &str) -> Option<String> {
    let day = text.trim().get(..10)?;
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// A `<title>` without the site's name after a separator ("Chips rally | Example News").
fn without_site_suffix(title: &str, site: Option<&str>) -> Option<String> {
    if title.is_empty() {
        return None;
    }
    for separator in [" | ", " - ", " — ", " – ", " :: ", " · "] {
        let Some((head, tail)) = title.rsplit_once(separator) else {
            continue;
        };
        let tail_is_site = site.is_some_and(|s| tail.trim().eq_ignore_ascii_case(s.trim()))
            || tail.split_whitespace().count() <= 4 && head.split_whitespace().count() > 3;
        if tail_is_site && !head.trim().is_empty() {
            return Some(head.trim().to_string());
        }
    }
    Some(title.to_string())
}

/// Whitespace runs to one space, trimmed.
fn clean_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_url() -> Url {
        Url::parse("https://news.example.com/2025/09/chips?utm_source=x").unwrap()
    }

    const BODY: &str = "<p>Shares of the chipmaker rose 7.2% on Tuesday after the company said it would spend more on data centres than analysts had expected this year.</p>\
        <p>The company also raised its forecast for the quarter, citing demand from cloud customers in Asia and Europe, and said supply would stay tight.</p>\
        <p>Analysts at two brokerages lifted their price targets after the call, while one warned that the spending plan could squeeze margins next year.</p>";

    #[test]
    fn json_ld_attribution_wins_and_nothing_is_invented() {
        let html = format!(
            r#"<html><head><title>Chips rally | Example News</title>
            <meta property="og:title" content="OG title">
            <meta property="og:site_name" content="OG Site">
            <link rel="canonical" href="/2025/09/chips">
            <script type="application/ld+json">{{"@context":"https://schema.org","@graph":[
              {{"@type":"WebSite","name":"Site"}},
              {{"@type":"NewsArticle","headline":"Chipmaker shares jump on spending plan",
                "datePublished":"2025-09-23T08:00:00+08:00",
                "author":[{{"@type":"Person","name":"Jane Doe"}},{{"@type":"Person","name":"Li Wei"}}],
                "publisher":{{"@type":"Organization","name":"Example News"}}}}]}}</script>
            </head><body><nav>Home Markets Tech</nav><article><h1>Chipmaker shares jump</h1>{BODY}</article>
            <footer>Copyright</footer></body></html>"#
        );
        let e = extract(&html, &page_url());
        assert_eq!(
            e.title.as_deref(),
            Some("Chipmaker shares jump on spending plan")
        );
        assert_eq!(e.publisher.as_deref(), Some("Example News"));
        assert_eq!(e.date.as_deref(), Some("2025-09-23"), "the page's own day");
        assert_eq!(e.author.as_deref(), Some("Jane Doe and Li Wei"));
        assert_eq!(
            e.url.as_deref(),
            Some("https://news.example.com/2025/09/chips")
        );
        assert!(e.text.contains("rose 7.2% on Tuesday"), "{}", e.text);
        assert!(e.text.contains("\n\nThe company also raised"), "{}", e.text);
        assert!(!e.text.contains("Home Markets Tech") && !e.text.contains("Copyright"));
    }

    #[test]
    fn open_graph_and_the_title_tag_come_next() {
        let html = format!(
            r#"<html><head><title>Chipmaker shares jump on spending plan | Example News</title>
            <meta property="og:site_name" content="Example News">
            <meta property="article:published_time" content="2025-09-24T01:00:00Z">
            <meta name="author" content="Jane Doe">
            <meta property="og:url" content="https://news.example.com/chips"></head>
            <body><article>{BODY}</article></body></html>"#
        );
        let e = extract(&html, &page_url());
        assert_eq!(
            e.title.as_deref(),
            Some("Chipmaker shares jump on spending plan")
        );
        assert_eq!(e.publisher.as_deref(), Some("Example News"));
        assert_eq!(e.date.as_deref(), Some("2025-09-24"));
        assert_eq!(e.author.as_deref(), Some("Jane Doe"));
        assert_eq!(e.url.as_deref(), Some("https://news.example.com/chips"));
    }

    #[test]
    fn a_page_that_says_nothing_gets_nothing_made_up() {
        let html = format!("<html><body><div>{BODY}</div></body></html>");
        let e = extract(&html, &page_url());
        assert_eq!(e.title, None);
        assert_eq!(e.publisher, None);
        assert_eq!(e.date, None);
        assert_eq!(e.author, None);
        assert_eq!(e.url, None);
        let json = serde_json::to_value(e.to_json()).unwrap();
        for field in ["title", "publisher", "date", "author", "url", "notes"] {
            assert!(json[field].is_null(), "{field}: {json}");
        }
    }

    #[test]
    fn broken_json_ld_and_bad_dates_are_ignored() {
        let html = format!(
            r#"<html><head><script type="application/ld+json">{{"@type": "NewsArticle", "headline": </script>
            <meta property="article:published_time" content="yesterday"></head>
            <body><article>{BODY}</article></body></html>"#
        );
        let e = extract(&html, &page_url());
        assert_eq!(e.date, None);
        assert_eq!(e.title, None);
    }

    #[test]
    fn a_page_without_an_article_has_no_text() {
        let e = extract(
            "<html><body><nav><a href='/'>Home</a></nav></body></html>",
            &page_url(),
        );
        assert!(e.text.is_empty());
        assert_eq!(
            e.notes,
            vec!["no article text found on the page".to_string()]
        );
    }

    #[test]
    fn blocks_headings_lists_and_tables_become_paragraphs_and_lines() {
        let html = "<div><h2>Head</h2><p>One <b>bold</b>\n word.</p><ul><li>a</li><li>b</li></ul>\
                    <p>x<br>y</p><table><tr><td>Asset</td><td>Move</td></tr><tr><td>SMIC</td><td>+7.8%</td></tr></table></div>";
        assert_eq!(
            html_to_paragraphs(html),
            vec![
                "Head",
                "One bold word.",
                "a\nb",
                "x\ny",
                "Asset | Move",
                "SMIC | +7.8%"
            ]
        );
    }

    #[test]
    fn a_deeply_nested_page_does_not_overflow_the_stack() {
        let depth = 20_000;
        let html = format!(
            "<html><body>{}<p>{}</p>{}</body></html>",
            "<div>".repeat(depth),
            "Deep text. ".repeat(40),
            "</div>".repeat(depth)
        );
        // The stack of a blocking-pool thread, where pages are extracted.
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || extract(&html, &page_url()))
            .unwrap();
        let extracted = handle.join().unwrap();
        assert!(extracted.text.is_empty());
        assert!(
            extracted.notes[0].contains("elements deep: not read"),
            "{:?}",
            extracted.notes
        );
    }

    #[test]
    fn absurdly_long_attribution_is_cut_at_a_word() {
        let long = "word ".repeat(500);
        let html = format!(
            r#"<html><head><meta property="og:title" content="{long}"><meta property="og:site_name" content="{long}">
            <link rel="canonical" href="https://a.example/{}"></head><body></body></html>"#,
            "x".repeat(5000)
        );
        let e = extract(&html, &page_url());
        let title = e.title.unwrap();
        assert!(
            title.chars().count() <= MAX_TITLE_CHARS + 1 && title.ends_with("word…"),
            "{title}"
        );
        assert!(e.publisher.unwrap().chars().count() <= MAX_NAME_CHARS + 1);
        assert_eq!(e.url, None);
    }

    #[test]
    fn the_site_suffix_goes_only_when_it_is_one() {
        assert_eq!(
            without_site_suffix("Alibaba lifts AI budget - Reuters", None).as_deref(),
            Some("Alibaba lifts AI budget")
        );
        assert_eq!(
            without_site_suffix("US-China talks - what we know so far", Some("BBC")).as_deref(),
            Some("US-China talks - what we know so far")
        );
    }
}
