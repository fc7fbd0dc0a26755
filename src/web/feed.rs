//! Feeds (RSS 0.9x/1.0/2.0, Atom, JSON Feed) read by feed-rs into the items the bot follows.

use url::Url;

use super::extract::{MAX_NAME_CHARS, MAX_TITLE_CHARS, capped};

/// One item of a feed: where its article is, and what the feed says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The article's address (the item's link, resolved against the feed's address).
    pub link: Url,
    pub title: Option<String>,
    /// YYYY-MM-DD, when the feed gives a publication (or else update) time.
    pub date: Option<String>,
    /// When the feed says the item last changed (RFC 3339), to notice edited articles.
    pub updated: Option<String>,
    pub author: Option<String>,
}

/// A feed read: its title, its items, and the items that could not be used (why, for the log).
#[derive(Debug, Clone, Default)]
pub struct Feed {
    pub title: Option<String>,
    pub items: Vec<Item>,
    pub skipped: Vec<String>,
}

/// Why a feed could not be read at all.
#[derive(Debug, thiserror::Error)]
#[error("not a feed: {0}")]
pub struct FeedError(String);

/// Reads a feed fetched from `base` (relative links resolve against it).
pub fn parse(bytes: &[u8], base: &Url) -> Result<Feed, FeedError> {
    let depth = tag_depth(bytes);
    if depth > MAX_DEPTH {
        return Err(FeedError(format!("elements nested {depth} deep")));
    }
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(base.as_str()))
        .build();
    // The parser is third-party code reading hostile input: a panic in it is a bad feed.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse(bytes)))
        .map_err(|_| FeedError("the feed parser gave up on it".into()))?;
    let feed = parsed.map_err(|e| FeedError(first_line(&e.to_string())))?;
    let mut out = Feed {
        title: feed
            .title
            .map(|t| clean_line(&t.content))
            .filter(|t| !t.is_empty()),
        ..Feed::default()
    };
    for entry in feed.entries {
        let title = entry
            .title
            .map(|t| clean_line(&t.content))
            .filter(|t| !t.is_empty())
            .map(|t| capped(t, MAX_TITLE_CHARS));
        let href = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or_else(|| entry.links.first())
            .map(|l| l.href.trim().to_string());
        let Some(href) = href.filter(|h| !h.is_empty()) else {
            out.skipped.push(format!(
                "an item without a link ({})",
                title.as_deref().unwrap_or("untitled")
            ));
            continue;
        };
        let link = match base
            .join(&href)
            .map_err(|e| e.to_string())
            .and_then(|u| super::address::parse(u.as_str()))
        {
            Ok(link) => link,
            Err(e) => {
                out.skipped
                    .push(format!("an item linking to {href:?}: {e}"));
                continue;
            }
        };
        let when = entry.published.or(entry.updated);
        out.items.push(Item {
            link,
            title,
            date: when.map(|d| d.format("%Y-%m-%d").to_string()),
            updated: entry.updated.or(entry.published).map(|d| d.to_rfc3339()),
            author: entry
                .authors
                .iter()
                .map(|p| clean_line(&p.name))
                .find(|n| !n.is_empty() && !n.contains('@'))
                .map(|n| capped(n, MAX_NAME_CHARS)),
        });
    }
    Ok(out)
}

/// The deepest nesting a feed may have (real feeds stay under 10).
const MAX_DEPTH: usize = 256;

/// How deep the tags of an XML document nest, roughly (a scan, not a parse): enough to turn
/// away documents built to exhaust a parser.
fn tag_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for (i, &byte) in bytes.iter().enumerate() {
        match byte {
            b'<' => match bytes.get(i + 1) {
                Some(b'/') => depth = depth.saturating_sub(1),
                Some(c) if c.is_ascii_alphabetic() => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                _ => {}
            },
            // The end of a self-closing tag (`<br/>`).
            b'>' if i > 0 && bytes[i - 1] == b'/' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or(text).trim().to_string()
}

/// Whitespace runs to one space.
fn clean_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://news.example.com/feed.xml").unwrap()
    }

    #[test]
    fn rss2_items_have_links_titles_and_dates() {
        let rss = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Example News</title>
            <item><title>Chips rally</title><link>/2025/chips-rally</link>
            <pubDate>Tue, 23 Sep 2025 08:00:00 GMT</pubDate><author>a@b.c (Jane Doe)</author></item>
            <item><title>No link here</title></item>
            </channel></rss>"#;
        let feed = parse(rss.as_bytes(), &base()).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Example News"));
        assert_eq!(feed.items.len(), 1);
        let item = &feed.items[0];
        assert_eq!(
            item.link.as_str(),
            "https://news.example.com/2025/chips-rally"
        );
        assert_eq!(item.title.as_deref(), Some("Chips rally"));
        assert_eq!(item.date.as_deref(), Some("2025-09-23"));
        assert_eq!(feed.skipped.len(), 1, "{:?}", feed.skipped);
    }

    #[test]
    fn atom_and_json_feeds_are_read_alike() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>Atom News</title><id>urn:x</id>
            <updated>2025-09-24T10:00:00Z</updated>
            <entry><title>Capex up</title><id>urn:1</id><link href="https://a.example/capex"/>
            <updated>2025-09-24T10:00:00Z</updated><author><name>Li Wei</name></author></entry></feed>"#;
        let feed = parse(atom.as_bytes(), &base()).unwrap();
        assert_eq!(feed.items[0].link.as_str(), "https://a.example/capex");
        assert_eq!(feed.items[0].author.as_deref(), Some("Li Wei"));
        assert_eq!(feed.items[0].date.as_deref(), Some("2025-09-24"));
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"JSON News",
            "items":[{"id":"1","url":"https://j.example/one","title":"One",
            "date_published":"2025-09-25T01:02:03+08:00"}]}"#;
        let feed = parse(json.as_bytes(), &base()).unwrap();
        assert_eq!(feed.title.as_deref(), Some("JSON News"));
        assert_eq!(feed.items[0].link.as_str(), "https://j.example/one");
        assert_eq!(feed.items[0].date.as_deref(), Some("2025-09-24"), "in UTC");
    }

    #[test]
    fn rss1_and_rss091_are_feeds_too() {
        let rss1 = r#"<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
            <channel rdf:about="https://r.example/"><title>RDF News</title><link>https://r.example/</link></channel>
            <item rdf:about="https://r.example/1"><title>First</title><link>https://r.example/1</link></item></rdf:RDF>"#;
        assert_eq!(parse(rss1.as_bytes(), &base()).unwrap().items.len(), 1);
        let rss091 = r#"<rss version="0.91"><channel><title>Old</title><link>https://o.example/</link>
            <item><title>Old item</title><link>https://o.example/old</link></item></channel></rss>"#;
        assert_eq!(parse(rss091.as_bytes(), &base()).unwrap().items.len(), 1);
    }

    #[test]
    fn a_page_or_garbage_is_not_a_feed() {
        assert!(parse(b"<html><body>hello</body></html>", &base()).is_err());
        assert!(parse(b"\x00\x01\x02", &base()).is_err());
        assert!(parse(b"", &base()).is_err());
    }

    #[test]
    fn a_deeply_nested_feed_does_not_overflow_the_stack() {
        let depth = 200_000;
        let rss = format!(
            "<rss version=\"2.0\"><channel><title>T</title><item><title>x</title><link>https://a.example/</link>{}{}</item></channel></rss>",
            "<x>".repeat(depth),
            "</x>".repeat(depth)
        );
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || parse(rss.as_bytes(), &base()).map(|f| f.items.len()))
            .unwrap();
        let err = handle.join().unwrap().unwrap_err();
        assert!(err.to_string().contains("nested"), "{err}");
        let normal = r#"<rss version="2.0"><channel><title>T</title><item><title>x</title><link>https://a.example/</link><br/></item></channel></rss>"#;
        assert_eq!(tag_depth(normal.as_bytes()), 4);
    }

    #[test]
    fn items_linking_elsewhere_than_the_web_are_skipped() {
        let rss = r#"<rss version="2.0"><channel><title>T</title>
            <item><title>Mail</title><link>mailto:x@example.com</link></item></channel></rss>"#;
        let feed = parse(rss.as_bytes(), &base()).unwrap();
        assert!(feed.items.is_empty());
        assert_eq!(feed.skipped.len(), 1);
    }
}
