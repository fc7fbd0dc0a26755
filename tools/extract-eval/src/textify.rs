//! One HTML-to-text renderer used for every crate's *HTML* output, so that
//! crates are compared on what they select, not on how they print it.
//!
//! Rules: block elements (p, div, li, h1-h6, blockquote, pre, tr, figure, ...)
//! become paragraphs separated by one blank line; headings get a line of
//! their own; list items are lines with a "- " prefix inside one paragraph; `<br>` is a line break; inline
//! whitespace is collapsed; `<pre>` keeps its whitespace; script/style/etc.
//! are dropped.

use dom_query::{Document, NodeRef};

const BLOCK: &[&str] = &[
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "nav", "ol",
    "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
];
const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "head", "title", "svg", "math", "iframe", "object",
    "button", "select", "textarea", "input",
];

#[derive(Default)]
struct Out {
    paras: Vec<String>,
    cur: String,
}

impl Out {
    fn push_text(&mut self, t: &str) {
        for (i, word) in t.split_whitespace().enumerate() {
            let starts_ws = i == 0 && t.starts_with(char::is_whitespace);
            if (i > 0 || starts_ws) && !self.cur.is_empty() && !self.cur.ends_with([' ', '\n']) {
                self.cur.push(' ');
            }
            self.cur.push_str(word);
        }
        if t.ends_with(char::is_whitespace) && !t.trim().is_empty() {
            self.cur.push(' ');
        }
    }
    fn push_raw(&mut self, t: &str) {
        self.cur.push_str(t);
    }
    fn line_break(&mut self) {
        let trimmed = self.cur.trim_end_matches(' ').len();
        self.cur.truncate(trimmed);
        if !self.cur.is_empty() {
            self.cur.push('\n');
        }
    }
    fn para_break(&mut self) {
        let p = self
            .cur
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if !p.is_empty() {
            self.paras.push(p);
        }
        self.cur.clear();
    }
}

fn walk(node: &NodeRef, out: &mut Out, in_pre: bool) {
    for child in node.children_it(false) {
        if child.is_text() {
            let t = child.text();
            if in_pre { out.push_raw(&t) } else { out.push_text(&t) }
            continue;
        }
        if !child.is_element() {
            continue;
        }
        let name = child.node_name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        let name = name.as_str();
        if SKIP.contains(&name) {
            continue;
        }
        if name == "br" {
            out.line_break();
            continue;
        }
        // A list item is a line of its own; the list as a whole is the paragraph.
        let block = BLOCK.contains(&name) && name != "li";
        if block {
            out.para_break();
        }
        if name == "li" {
            out.line_break();
            out.push_raw("- ");
        }
        if matches!(name, "td" | "th") {
            out.push_raw(" ");
        }
        walk(&child, out, in_pre || name == "pre");
        if block && !matches!(name, "td" | "th") {
            out.para_break();
        } else if name == "li" {
            out.line_break();
        }
    }
}

/// Renders an HTML fragment or document as paragraphs separated by blank lines.
pub fn html_to_paragraphs(html: &str) -> String {
    let doc = Document::from(html);
    let mut out = Out::default();
    walk(&doc.root(), &mut out, false);
    out.para_break();
    out.paras.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::html_to_paragraphs;

    #[test]
    fn blocks_become_paragraphs() {
        let html = "<div><h2>Head</h2><p>One <b>bold</b>\n word.</p><ul><li>a</li><li>b</li></ul><p>x<br>y</p></div>";
        assert_eq!(html_to_paragraphs(html), "Head\n\nOne bold word.\n\n- a\n- b\n\nx\ny");
    }
}
