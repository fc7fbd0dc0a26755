//! A news site on 127.0.0.1 for the ingestion tests: feeds and article pages in the shapes real
//! sites use, and every bad case (404, 429, redirect loops, gzip bombs, binary files...).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::Response;

/// One thing the site serves at a path.
#[derive(Clone, Debug)]
pub struct Resource {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

impl Resource {
    pub fn new(content_type: &str, body: impl Into<Vec<u8>>) -> Resource {
        Resource {
            status: 200,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    pub fn html(body: impl Into<Vec<u8>>) -> Resource {
        Resource::new("text/html; charset=utf-8", body)
    }

    pub fn status(status: u16) -> Resource {
        Resource {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Resource {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn delayed(mut self, delay: Duration) -> Resource {
        self.delay = delay;
        self
    }
}

#[derive(Clone, Default)]
pub struct Site {
    resources: Arc<Mutex<HashMap<String, Resource>>>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    agents: Arc<Mutex<Vec<String>>>,
    pub base: String,
}

impl Site {
    /// Starts the site on a loopback port, served from a thread of its own.
    pub fn start() -> Site {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let site = Site {
            base: format!("http://{}", listener.local_addr().unwrap()),
            ..Site::default()
        };
        let state = site.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let app = axum::Router::new().fallback(serve).with_state(state);
                axum::serve(listener, app).await.unwrap();
            });
        });
        site
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn put(&self, path: &str, resource: Resource) {
        self.resources
            .lock()
            .unwrap()
            .insert(path.to_string(), resource);
    }

    /// The User-Agent of every request so far.
    pub fn user_agents(&self) -> Vec<String> {
        self.agents.lock().unwrap().clone()
    }

    /// How many requests reached `path`, whatever their query.
    pub fn hits_any_query(&self, path: &str) -> usize {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p.split('?').next() == Some(path))
            .map(|(_, n)| n)
            .sum()
    }

    /// How many requests reached `path` (its query included).
    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

async fn serve(State(site): State<Site>, request: Request<Body>) -> Response {
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    *site.hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    let agent = request
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    site.agents.lock().unwrap().push(agent);
    let bare = request.uri().path().to_string();
    let resource = {
        let resources = site.resources.lock().unwrap();
        resources
            .get(&path)
            .or_else(|| resources.get(&bare))
            .cloned()
    };
    let Some(resource) = resource else {
        return Response::builder()
            .status(404)
            .body(Body::from("not found"))
            .unwrap();
    };
    if !resource.delay.is_zero() {
        tokio::time::sleep(resource.delay).await;
    }
    if is_fresh(request.headers(), &resource) {
        return Response::builder().status(304).body(Body::empty()).unwrap();
    }
    let mut response = Response::builder().status(StatusCode::from_u16(resource.status).unwrap());
    for (name, value) in &resource.headers {
        response = response.header(name, value);
    }
    response.body(Body::from(resource.body)).unwrap()
}

/// A conditional GET the resource's ETag answers.
fn is_fresh(headers: &HeaderMap, resource: &Resource) -> bool {
    let etag = resource
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("etag"))
        .map(|(_, v)| v.as_str());
    let asked = headers.get("if-none-match").and_then(|v| v.to_str().ok());
    matches!((etag, asked), (Some(e), Some(a)) if e == a)
}

/// An RSS 2.0 feed of `(title, link, pubDate)` items.
pub fn rss(title: &str, items: &[(&str, &str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(t, l, d)| {
            let l = l.replace('&', "&amp;");
            format!("<item><title>{t}</title><link>{l}</link><pubDate>{d}</pubDate><guid>{l}</guid></item>")
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>{title}</title><link>https://example.invalid/</link><description>d</description>{items}</channel></rss>"
    )
}

/// Paragraphs of a made-up article, each sentence distinct so a search finds this article.
pub fn paragraphs(topic: &str) -> Vec<String> {
    vec![
        format!(
            "The {topic} story began on Tuesday when the company told investors that spending would rise sharply over the next three years, well above what analysts had pencilled in."
        ),
        format!(
            "Executives said the {topic} plan would be funded from operating cash flow and a new bond issue, and that the first projects would start before the end of the quarter."
        ),
        format!(
            "Shares of the {topic} group closed 4.5% higher, their best day in months, while rivals traded flat as investors weighed what the outlay means for margins next year."
        ),
    ]
}

/// A WordPress-style page: navigation, sidebar, share widgets, related posts, comments, a
/// newsletter box around `.entry-content`.
pub fn wordpress_page(title: &str, site: &str, date: &str, topic: &str) -> String {
    let body: String = paragraphs(topic)
        .iter()
        .map(|p| format!("<p>{p}</p>"))
        .collect();
    format!(
        r#"<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8"><title>{title} &#8211; {site}</title>
<meta property="og:site_name" content="{site}"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="{date}T09:30:00+00:00">
<meta name="author" content="Sam Writer"></head>
<body class="post-template-default single single-post">
<header id="masthead"><nav class="main-navigation"><ul><li><a href="/">Home</a></li><li><a href="/markets">Markets</a></li><li><a href="/tech">Tech</a></li></ul></nav></header>
<div id="content"><main id="main"><article class="post type-post hentry">
<header class="entry-header"><h1 class="entry-title">{title}</h1><div class="entry-meta">Posted on {date} by Sam Writer</div></header>
<div class="sharedaddy sd-sharing-enabled"><h3>Share this:</h3><ul><li>Twitter</li><li>Facebook</li><li>LinkedIn</li></ul></div>
<div class="entry-content">{body}<h2>What comes next</h2><p>Regulators are expected to review the {topic} filing next month, people familiar with the matter said, declining to be named.</p></div>
<div class="newsletter-box"><h4>Get our morning briefing</h4><p>Sign up for the newsletter and never miss a story.</p></div>
<div class="related-posts"><h3>Related</h3><ul><li><a href="/other-1">Another story about markets</a></li><li><a href="/other-2">Yet another story about chips</a></li></ul></div>
</article>
<div id="comments" class="comments-area"><h2 class="comments-title">3 comments</h2><ol class="comment-list"><li class="comment"><p>Great article, thanks for sharing this insight with us all.</p></li><li class="comment"><p>I disagree with the analysts completely here.</p></li></ol></div>
</main><aside id="secondary" class="widget-area"><section class="widget"><h2>Popular</h2><ul><li>Most read one</li><li>Most read two</li></ul></section></aside></div>
<footer id="colophon">Copyright 2025 {site}. All rights reserved.</footer></body></html>"#
    )
}

/// A page whose attribution is JSON-LD NewsArticle (with a graph, as Yoast writes it).
pub fn json_ld_page(
    headline: &str,
    publisher: &str,
    date: &str,
    author: &str,
    canonical: &str,
    topic: &str,
) -> String {
    let body: String = paragraphs(topic)
        .iter()
        .map(|p| format!("<p>{p}</p>"))
        .collect();
    format!(
        r#"<html><head><title>{headline} | {publisher}</title><link rel="canonical" href="{canonical}">
<script type="application/ld+json">{{"@context":"https://schema.org","@graph":[{{"@type":"WebSite","name":"{publisher}"}},{{"@type":"NewsArticle","headline":"{headline}","datePublished":"{date}T06:00:00+08:00","author":{{"@type":"Person","name":"{author}"}},"publisher":{{"@type":"Organization","name":"{publisher}"}}}}]}}</script>
</head><body><div class="top-bar">Subscribe | Log in</div><article><h1>{headline}</h1><div class="article-body">{body}</div></article>
<section class="more-stories"><h2>More stories</h2><a href="/x">Something else entirely</a></section></body></html>"#
    )
}

/// An AMP-style page.
pub fn amp_page(title: &str, publisher: &str, topic: &str) -> String {
    let body: String = paragraphs(topic)
        .iter()
        .map(|p| format!("<p>{p}</p>"))
        .collect();
    format!(
        r#"<!doctype html><html amp lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="{publisher}"><link rel="canonical" href="/amp-canonical/{topic}">
<script async src="https://cdn.ampproject.org/v0.js"></script><style amp-boilerplate>body{{visibility:hidden}}</style></head>
<body><amp-sidebar id="sidebar" layout="nodisplay"><ul><li>Sections</li><li>Markets</li></ul></amp-sidebar>
<main><article><h1>{title}</h1><amp-img src="/photo.jpg" width="600" height="400" layout="responsive"></amp-img>{body}</article></main>
<amp-social-share type="twitter"></amp-social-share></body></html>"#
    )
}

/// A paywalled page: a teaser, then the subscription box.
pub fn paywall_page(title: &str, publisher: &str, topic: &str) -> String {
    let teaser = &paragraphs(topic)[..2];
    let body: String = teaser.iter().map(|p| format!("<p>{p}</p>")).collect();
    format!(
        r#"<html><head><title>{title}</title><meta property="og:site_name" content="{publisher}"></head>
<body><article><h1>{title}</h1><div class="article-teaser">{body}</div>
<div class="paywall-prompt"><h3>Subscribe to continue reading</h3><p>Subscribers get unlimited access. Already a subscriber? Log in.</p></div></article></body></html>"#
    )
}

/// The same page as windows-1252 bytes with no charset anywhere (curly quotes and a euro sign).
pub fn windows_1252_page(title: &str, publisher: &str, topic: &str) -> Vec<u8> {
    let mut body = String::new();
    for p in paragraphs(topic) {
        body.push_str(&format!("<p>{p}</p>"));
    }
    body.push_str("<p>\u{201c}We will spend \u{20ac}5 billion,\u{201d} the chief executive said \u{2013} a record.</p>");
    let html = format!(
        "<html><head><title>{title}</title><meta property=\"og:site_name\" content=\"{publisher}\"></head><body><article><h1>{title}</h1>{body}</article></body></html>"
    );
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&html);
    bytes.into_owned()
}
