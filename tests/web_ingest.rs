//! Coverage from the web, against a news site on 127.0.0.1: feeds polled, pages extracted with
//! honest attribution, every article stored once, bad input reported and survived.

mod common;

use std::path::Path;
use std::time::Duration;

use clippings::corpus::frontmatter;
use clippings::ingest::{Ingester, Outcome, feeds};
use clippings::web::{FetchError, FetchSettings, Fetcher, Kind, Validators};
use common::site::{self, Resource, Site};

fn settings() -> FetchSettings {
    FetchSettings {
        allow_private: true,
        per_host_interval: Duration::ZERO,
        timeout: Duration::from_secs(3),
        connect_timeout: Duration::from_secs(2),
        ..FetchSettings::default()
    }
}

fn ingester(data: &Path) -> Ingester {
    Ingester::open(data, settings(), Duration::from_secs(900)).unwrap()
}

/// The stored articles: (slug, front matter, body).
fn stored(data: &Path) -> Vec<(String, frontmatter::ArticleMeta, String)> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir(data.join("articles")) else {
        return out;
    };
    for entry in dir {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(&path).unwrap();
            let (meta, body) = frontmatter::split(&text).unwrap();
            let slug = path.file_stem().unwrap().to_string_lossy().into_owned();
            out.push((slug, meta, body.to_string()));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The site's news section: a WordPress page, a JSON-LD page, an AMP page, a paywall teaser
/// and a windows-1252 page, in an RSS feed.
fn news_site() -> Site {
    let site = Site::start();
    site.put(
        "/2025/09/wp-capex",
        Resource::html(site::wordpress_page(
            "Alibaba lifts AI capex again",
            "Daily Markets",
            "2025-09-23",
            "capex",
        )),
    );
    site.put(
        "/news/jsonld-chips",
        Resource::html(site::json_ld_page(
            "Chipmakers rally on export news",
            "Asia Wire",
            "2025-09-24",
            "Li Wei",
            &site.url("/news/jsonld-chips"),
            "chips",
        )),
    );
    site.put(
        "/amp/cloud",
        Resource::html(site::amp_page(
            "Cloud unit grows fast",
            "AMP Times",
            "cloud",
        )),
    );
    site.put(
        "/pay/robotaxi",
        Resource::html(site::paywall_page(
            "Robotaxi fleet doubles",
            "Paywall Post",
            "robotaxi",
        )),
    );
    site.put(
        "/legacy/euro",
        Resource::new(
            "text/html",
            site::windows_1252_page("Euro budget set", "Old Gazette", "budget"),
        ),
    );
    let feed = site::rss(
        "Daily Markets",
        &[
            (
                "Alibaba lifts AI capex again",
                &site.url("/2025/09/wp-capex?utm_source=rss&utm_medium=feed"),
                "Tue, 23 Sep 2025 09:30:00 GMT",
            ),
            (
                "Chipmakers rally",
                &site.url("/news/jsonld-chips"),
                "Wed, 24 Sep 2025 00:00:00 GMT",
            ),
            (
                "Cloud unit grows fast",
                &site.url("/amp/cloud"),
                "Wed, 24 Sep 2025 03:00:00 GMT",
            ),
            (
                "Robotaxi fleet doubles",
                &site.url("/pay/robotaxi"),
                "Thu, 25 Sep 2025 03:00:00 GMT",
            ),
            (
                "Euro budget set",
                &site.url("/legacy/euro"),
                "Fri, 26 Sep 2025 03:00:00 GMT",
            ),
        ],
    );
    site.put(
        "/rss.xml",
        Resource::new("application/rss+xml", feed).header("etag", "\"v1\""),
    );
    site
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_poll_stores_each_article_once_with_what_its_page_says() {
    let site = news_site();
    let data = tempfile::tempdir().unwrap();
    feeds::add(data.path(), &site.url("/rss.xml"), Some("daily"), None).unwrap();
    let ingester = ingester(data.path());
    let report = ingester.poll(false, &|_| {}).await.unwrap();
    assert_eq!(report.total(|f| f.new), 5, "{report:?}");
    assert_eq!(report.total(|f| f.failed + f.refused), 0, "{report:?}");

    let articles = stored(data.path());
    let by_title = |t: &str| {
        articles
            .iter()
            .find(|a| a.1.title == t)
            .unwrap_or_else(|| panic!("{t}: {articles:#?}"))
    };

    let (_, wp, wp_body) = by_title("Alibaba lifts AI capex again");
    assert_eq!(wp.publisher.as_deref(), Some("Daily Markets"));
    assert_eq!(wp.date.as_deref(), Some("2025-09-23"));
    assert_eq!(wp.author.as_deref(), Some("Sam Writer"));
    assert_eq!(
        wp.url.as_deref(),
        Some(site.url("/2025/09/wp-capex").as_str()),
        "tracking parameters dropped"
    );
    assert_eq!(wp.feed.as_deref(), Some(site.url("/rss.xml").as_str()));
    assert!(wp.fetched.is_some());
    assert!(
        wp_body.contains("funded from operating cash flow"),
        "{wp_body}"
    );
    assert!(
        wp_body.contains("\nWhat comes next\n"),
        "a heading on its own line: {wp_body}"
    );
    for chrome in [
        "Share this",
        "Related",
        "Great article",
        "Sign up for the newsletter",
        "Most read",
        "All rights reserved",
        "Markets</a>",
    ] {
        assert!(!wp_body.contains(chrome), "{chrome:?} kept: {wp_body}");
    }

    let (_, ld, _) = by_title("Chipmakers rally on export news");
    assert_eq!(ld.publisher.as_deref(), Some("Asia Wire"));
    assert_eq!(ld.date.as_deref(), Some("2025-09-24"));
    assert_eq!(ld.author.as_deref(), Some("Li Wei"));

    let (_, amp, amp_body) = by_title("Cloud unit grows fast");
    assert_eq!(amp.publisher.as_deref(), Some("AMP Times"));
    assert_eq!(
        amp.url.as_deref(),
        Some(site.url("/amp-canonical/cloud").as_str())
    );
    assert!(amp_body.contains("best day in months"));
    assert_eq!(
        amp.date.as_deref(),
        Some("2025-09-24"),
        "the feed's date when the page has none"
    );

    let (_, _, pay_body) = by_title("Robotaxi fleet doubles");
    assert!(!pay_body.contains("Subscribe to continue"), "{pay_body}");

    let (_, euro, euro_body) = by_title("Euro budget set");
    assert_eq!(euro.publisher.as_deref(), Some("Old Gazette"));
    assert!(
        euro_body.contains("\u{201c}We will spend \u{20ac}5 billion,\u{201d}"),
        "{euro_body}"
    );

    // Again: the feed is not modified (ETag), nothing is fetched or stored twice.
    let pages_before = site.hits("/news/jsonld-chips");
    let again = ingester.poll(false, &|_| {}).await.unwrap();
    assert!(again.feeds[0].not_modified, "{again:?}");
    assert_eq!(again.total(|f| f.new + f.updated), 0);
    assert_eq!(site.hits("/news/jsonld-chips"), pages_before);
    assert_eq!(stored(data.path()).len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_article_in_two_feeds_and_under_tracking_variants_is_stored_once() {
    let site = news_site();
    let page = site.url("/news/jsonld-chips");
    site.put(
        "/a.xml",
        Resource::new(
            "application/rss+xml",
            site::rss(
                "A",
                &[(
                    "Chips",
                    &format!("{page}?utm_campaign=a#top"),
                    "Wed, 24 Sep 2025 00:00:00 GMT",
                )],
            ),
        ),
    );
    site.put(
        "/b.xml",
        Resource::new(
            "application/rss+xml",
            site::rss(
                "B",
                &[(
                    "Chips",
                    &format!("{page}?fbclid=xyz"),
                    "Wed, 24 Sep 2025 00:00:00 GMT",
                )],
            ),
        ),
    );
    let data = tempfile::tempdir().unwrap();
    feeds::add(data.path(), &site.url("/a.xml"), None, None).unwrap();
    feeds::add(data.path(), &site.url("/b.xml"), None, None).unwrap();
    let ingester = ingester(data.path());
    let report = ingester.poll(false, &|_| {}).await.unwrap();
    assert_eq!(report.total(|f| f.new), 1, "{report:?}");
    assert_eq!(report.total(|f| f.duplicate), 1, "{report:?}");
    assert_eq!(stored(data.path()).len(), 1);
    assert_eq!(
        site.hits_any_query("/news/jsonld-chips"),
        1,
        "a known address is not fetched again under another tracking variant"
    );
    // After a restart too.
    drop(ingester);
    let reopened = self::ingester(data.path());
    let outcome = reopened
        .add_url(&format!("{page}?utm_source=x"))
        .await
        .unwrap();
    assert!(matches!(outcome, Outcome::Duplicate(_)), "{outcome:?}");
    assert_eq!(stored(data.path()).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_page_is_updated_in_place_and_a_moved_one_stays_one_article() {
    let site = news_site();
    let data = tempfile::tempdir().unwrap();
    let ingester = ingester(data.path());
    let url = site.url("/news/jsonld-chips");
    let first = ingester.add_url(&url).await.unwrap();
    let Outcome::New(slug) = first else {
        panic!("{first:?}")
    };
    // The outlet corrects the article.
    site.put(
        "/news/jsonld-chips",
        Resource::html(site::json_ld_page(
            "Chipmakers rally on export news",
            "Asia Wire",
            "2025-09-24",
            "Li Wei",
            &url,
            "semiconductor",
        )),
    );
    assert_eq!(
        ingester.add_url(&url).await.unwrap(),
        Outcome::Updated(slug.clone())
    );
    let articles = stored(data.path());
    assert_eq!(articles.len(), 1);
    assert!(articles[0].2.contains("semiconductor group closed"));
    // The outlet republishes it at a new address.
    site.put(
        "/2025/moved/chips",
        Resource::html(site::json_ld_page(
            "Chipmakers rally on export news",
            "Asia Wire",
            "2025-09-24",
            "Li Wei",
            &site.url("/2025/moved/chips"),
            "semiconductor",
        )),
    );
    let moved = ingester
        .add_url(&site.url("/2025/moved/chips"))
        .await
        .unwrap();
    assert_eq!(moved, Outcome::Duplicate(slug));
    // Another outlet's story on the same news is its own article.
    site.put(
        "/other/chips",
        Resource::html(site::json_ld_page(
            "Chipmakers rally on export news",
            "Other Wire",
            "2025-09-24",
            "Ann Lee",
            &site.url("/other/chips"),
            "chips",
        )),
    );
    assert!(matches!(
        ingester.add_url(&site.url("/other/chips")).await.unwrap(),
        Outcome::New(_)
    ));
    assert_eq!(stored(data.path()).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_case_is_reported_by_address_and_the_rest_goes_on() {
    let site = news_site();
    // A gzip bomb: 40 MB of zeros, 40 kB on the wire.
    let bomb = {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..40 {
            gz.write_all(&zeros).unwrap();
        }
        gz.finish().unwrap()
    };
    site.put(
        "/bomb",
        Resource::html(bomb).header("content-encoding", "gzip"),
    );
    site.put("/huge", Resource::html(vec![b'a'; 6 * 1024 * 1024]));
    site.put("/gone", Resource::status(410));
    site.put("/busy", Resource::status(429).header("retry-after", "120"));
    site.put("/down", Resource::status(503));
    site.put(
        "/slow",
        Resource::html(site::amp_page("Slow", "S", "slow")).delayed(Duration::from_secs(6)),
    );
    site.put("/loop1", Resource::status(302).header("location", "/loop2"));
    site.put("/loop2", Resource::status(302).header("location", "/loop1"));
    site.put(
        "/image.png",
        Resource::new("image/png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()),
    );
    site.put(
        "/empty",
        Resource::html("<html><body><nav><a href='/'>Home</a></nav></body></html>"),
    );
    site.put(
        "/robots.txt",
        Resource::new("text/plain", "User-agent: *\nDisallow: /private/\n"),
    );
    site.put(
        "/private/memo",
        Resource::html(site::amp_page("Memo", "M", "memo")),
    );
    // Items are read oldest first, the feed's last first: the host's 429 with Retry-After comes
    // last, since nothing more is asked of the host after it.
    let items: Vec<(String, String)> = [
        "/busy",
        "/bomb",
        "/huge",
        "/gone",
        "/down",
        "/slow",
        "/loop1",
        "/image.png",
        "/empty",
        "/private/memo",
        "/amp/cloud",
    ]
    .iter()
    .map(|p| (p.to_string(), site.url(p)))
    .collect();
    let mut rss_items: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|(t, u)| (t.as_str(), u.as_str(), "Wed, 24 Sep 2025 00:00:00 GMT"))
        .collect();
    let no_link = "<item><title>No link at all</title></item>";
    rss_items.push((
        "mail",
        "mailto:desk@example.com",
        "Wed, 24 Sep 2025 00:00:00 GMT",
    ));
    let feed = site::rss("Bad", &rss_items).replace("</channel>", &format!("{no_link}</channel>"));
    site.put("/bad.xml", Resource::new("application/rss+xml", feed));
    site.put(
        "/broken.xml",
        Resource::new("application/rss+xml", "<rss><channel><item><title>oops"),
    );
    site.put(
        "/feed-busy.xml",
        Resource::status(429).header("retry-after", "600"),
    );

    let data = tempfile::tempdir().unwrap();
    // A 429 with Retry-After holds off its whole host: the busy feed is on a host of its own
    // (the same server by name), and the feed whose last item is a 429 page is polled last.
    let busy_url = site.url("/feed-busy.xml").replace("127.0.0.1", "localhost");
    for (name, url) in [
        ("broken", site.url("/broken.xml")),
        ("busy", busy_url),
        ("missing", site.url("/nowhere.xml")),
        ("bad", site.url("/bad.xml")),
    ] {
        feeds::add(data.path(), &url, Some(name), None).unwrap();
    }
    let ingester = ingester(data.path());
    let report = ingester.poll(false, &|_| {}).await.unwrap();
    let bad = &report.feeds[3];
    assert_eq!(bad.new, 1, "only the good page: {bad:?}");
    assert_eq!(bad.refused, 1, "robots.txt: {bad:?}");
    assert_eq!(bad.failed, 11, "{bad:#?}");
    let problem = |path: &str, words: &str| {
        let url = site.url(path);
        assert!(
            bad.problems
                .iter()
                .any(|p| p.starts_with(&url) && p.contains(words)),
            "{path}: {words:?} not in {:#?}",
            bad.problems
        );
    };
    problem("/bomb", "more than");
    problem("/huge", "more than");
    problem("/gone", "HTTP 410");
    problem("/busy", "retry after 120 s");
    problem("/down", "HTTP 503");
    problem("/slow", "timed out");
    problem("/loop1", "redirect");
    problem("/image.png", "not a text document");
    problem("/empty", "no article");
    problem("/private/memo", "robots.txt");
    assert!(
        bad.problems.iter().any(|p| p.contains("without a link")),
        "{:#?}",
        bad.problems
    );
    assert!(
        bad.problems.iter().any(|p| p.contains("mailto:")),
        "{:#?}",
        bad.problems
    );
    assert_eq!(
        site.hits("/private/memo"),
        0,
        "a page robots.txt refuses is not fetched"
    );

    let broken = &report.feeds[0];
    assert!(
        broken
            .error
            .as_deref()
            .is_some_and(|e| e.contains("not a feed")),
        "{broken:?}"
    );
    let busy = &report.feeds[1];
    assert!(
        busy.error.as_deref().is_some_and(|e| e.contains("429")),
        "{busy:?}"
    );
    let missing = &report.feeds[2];
    assert!(
        missing.error.as_deref().is_some_and(|e| e.contains("404")),
        "{missing:?}"
    );
    // The busy feed waits as long as it was asked to; the failing ones back off.
    let due = ingester.poll(true, &|_| {}).await.unwrap();
    for name in ["broken", "busy", "missing"] {
        let f = due.feeds.iter().find(|f| f.feed == name).unwrap();
        assert!(f.waiting, "{name} should back off: {f:?}");
    }
    let health = ingester.health(&feeds::load(data.path()).unwrap());
    assert!(
        health.iter().filter(|h| h.failures > 0).count() == 3,
        "{health:?}"
    );
    assert_eq!(stored(data.path()).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_addresses_are_refused_unless_allowed() {
    let site = news_site();
    let strict = Fetcher::new(FetchSettings {
        per_host_interval: Duration::ZERO,
        ..FetchSettings::default()
    })
    .unwrap();
    let by_address = url::Url::parse(&site.url("/amp/cloud")).unwrap();
    let by_name =
        url::Url::parse(&site.url("/amp/cloud").replace("127.0.0.1", "localhost")).unwrap();
    for url in [&by_address, &by_name] {
        let err = strict
            .get(url, Kind::Article, &Validators::default())
            .await
            .unwrap_err();
        assert!(matches!(err, FetchError::Private(_)), "{url}: {err:?}");
    }
    assert_eq!(site.hits("/amp/cloud"), 0);
    // A public-looking redirect to a private address is refused at the redirect.
    site.put(
        "/to-metadata",
        Resource::status(302).header("location", "http://169.254.169.254/latest/meta-data/"),
    );
    let allowed_first_hop = Fetcher::new(FetchSettings {
        allow_private: false,
        per_host_interval: Duration::ZERO,
        ..FetchSettings::default()
    })
    .unwrap();
    let err = allowed_first_hop
        .get(
            &url::Url::parse(&site.url("/to-metadata")).unwrap(),
            Kind::Feed,
            &Validators::default(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Private(_)), "{err:?}");
    let open = Fetcher::new(settings()).unwrap();
    assert!(
        open.get(&by_address, Kind::Article, &Validators::default())
            .await
            .is_ok()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_that_asks_to_wait_is_not_asked_again_before_then() {
    let site = news_site();
    site.put("/busy", Resource::status(429).header("retry-after", "120"));
    let fetcher = Fetcher::new(settings()).unwrap();
    let get = |path: &str| {
        let url = url::Url::parse(&site.url(path)).unwrap();
        let fetcher = &fetcher;
        async move { fetcher.get(&url, Kind::Feed, &Validators::default()).await }
    };
    let first = get("/busy").await.unwrap_err();
    assert!(
        matches!(first.retry_after(), Some(d) if d.as_secs() == 120),
        "{first:?}"
    );
    let next = get("/rss.xml").await.unwrap_err();
    assert!(
        matches!(next, FetchError::Status { status: 429, retry_after: Some(d) } if d.as_secs() > 100),
        "{next:?}"
    );
    assert_eq!(
        site.hits("/rss.xml"),
        0,
        "nothing sent to the host meanwhile"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_to_one_host_are_spaced() {
    let site = news_site();
    let fetcher = Fetcher::new(FetchSettings {
        allow_private: true,
        per_host_interval: Duration::from_millis(300),
        ..FetchSettings::default()
    })
    .unwrap();
    let url = url::Url::parse(&site.url("/rss.xml")).unwrap();
    let started = std::time::Instant::now();
    for _ in 0..4 {
        fetcher
            .get(&url, Kind::Feed, &Validators::default())
            .await
            .unwrap();
    }
    assert!(
        started.elapsed() >= Duration::from_millis(850),
        "{:?}",
        started.elapsed()
    );
}

/// The `clippings` binary on `data` and `index`, fetching from the loopback site.
fn clippings(data: &Path, index: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_clippings"));
    command
        .arg("--data")
        .arg(data)
        .arg("--index")
        .arg(index)
        .env_remove("DISCORD_TOKEN")
        .env_remove("MATRIX_HOMESERVER")
        .env_remove("DISCORD_PUBLIC_KEY")
        .env("NO_COLOR", "1")
        .env("CLIPPINGS_ALLOW_PRIVATE_HOSTS", "true")
        .env("CLIPPINGS_HOST_INTERVAL_MS", "0");
    command
}

fn run(command: &mut std::process::Command) -> (bool, String, String) {
    let out = command.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn feed_add_then_poll_then_search_finds_the_new_article_with_its_source() {
    let site = news_site();
    let ws = common::Workspace::new();
    let (ok, out, err) = run(clippings(&ws.data(), &ws.index()).args([
        "feed",
        "add",
        &site.url("/rss.xml"),
        "--name",
        "daily",
    ]));
    assert!(ok, "{out}{err}");
    let (ok, out, err) = run(clippings(&ws.data(), &ws.index())
        .env("CLIPPINGS_USER_AGENT", "mailto:desk@example.com")
        .args(["feed", "poll", "--json"]));
    assert!(ok, "{out}{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["feeds"][0]["new"], 5, "{report}");
    let agents = site.user_agents();
    assert!(
        !agents.is_empty()
            && agents
                .iter()
                .all(|a| a.starts_with("Clippings/") && a.ends_with("mailto:desk@example.com)")),
        "the bot names itself and its contact: {agents:?}"
    );
    let (ok, out, err) = run(clippings(&ws.data(), &ws.index()).args([
        "search",
        "\"funded from operating cash flow and a new bond issue\" capex",
        "--json",
    ]));
    assert!(ok, "{out}{err}");
    let answer: serde_json::Value = serde_json::from_str(&out).unwrap();
    let hit = &answer["hits"][0];
    assert_eq!(hit["publisher"], "Daily Markets", "{answer}");
    assert_eq!(hit["title"], "Alibaba lifts AI capex again");
    assert_eq!(hit["date"], "2025-09-23");
    assert_eq!(hit["url"], site.url("/2025/09/wp-capex"));
    // A second poll stores nothing new.
    let (ok, out, _) = run(clippings(&ws.data(), &ws.index()).args(["feed", "poll"]));
    assert!(ok && out.contains("0 new, 0 updated"), "{out}");
    let (ok, out, _) = run(clippings(&ws.data(), &ws.index()).args(["feed", "list"]));
    assert!(
        ok && out.contains("daily") && out.contains("last new article"),
        "{out}"
    );
    // `extract --json` shows what would be stored, with null where the page says nothing.
    let page = ws.dir.path().join("saved.html");
    std::fs::write(&page, "<html><body><article><p>One paragraph of text that is long enough to be an article body for the extractor to keep, surely, with a few more words.</p><p>And a second paragraph that says something else entirely about the markets today.</p></article></body></html>").unwrap();
    let (ok, out, err) =
        run(clippings(&ws.data(), &ws.index()).args(["extract", page.to_str().unwrap(), "--json"]));
    assert!(ok, "{out}{err}");
    let extracted: serde_json::Value = serde_json::from_str(&out).unwrap();
    for field in ["title", "publisher", "date", "author", "url"] {
        assert!(extracted[field].is_null(), "{field}: {extracted}");
    }
    assert!(
        extracted["text"]
            .as_str()
            .unwrap()
            .contains("\n\nAnd a second paragraph"),
        "{extracted}"
    );
    let (ok, out, err) = run(clippings(&ws.data(), &ws.index()).args([
        "extract",
        page.to_str().unwrap(),
        "--url",
        "https://news.example.com/saved?utm_source=mail",
        "--json",
    ]));
    assert!(ok, "{out}{err}");
    let extracted: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        extracted["url"], "https://news.example.com/saved",
        "{extracted}"
    );
}

#[test]
fn private_addresses_are_refused_by_default_from_the_command_line() {
    let site = news_site();
    let ws = common::Workspace::new();
    let (ok, out, err) = run(clippings(&ws.data(), &ws.index())
        .env("CLIPPINGS_ALLOW_PRIVATE_HOSTS", "false")
        .args(["add", &site.url("/amp/cloud")]));
    assert!(
        !ok && err.contains("private or reserved address"),
        "{out}{err}"
    );
    assert_eq!(site.hits("/amp/cloud"), 0);
}

#[test]
fn a_running_bot_picks_up_a_new_feed_and_its_articles_without_a_restart() {
    use std::io::{BufRead, Write};
    let site = news_site();
    let ws = common::Workspace::new();
    let mut child = clippings(&ws.data(), &ws.index())
        .arg("chat")
        .env("FEED_POLL_MINUTES", "15")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "!feed add {}", site.url("/rss.xml")).unwrap();
    // The new feed wakes the poller; its articles reach data/ and then the index.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while stored(&ws.data())
        .iter()
        .filter(|a| a.1.feed.is_some())
        .count()
        < 5
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the articles never arrived"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(2));
    writeln!(
        stdin,
        "!search \"funded from operating cash flow and a new bond issue\" capex"
    )
    .unwrap();
    writeln!(stdin, "!latest 2").unwrap();
    writeln!(stdin, "!feeds").unwrap();
    drop(stdin);
    let out = std::io::BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(|l| l.unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    child.wait().unwrap();
    assert!(out.contains("Following"), "{out}");
    assert!(
        out.contains("Daily Markets · Alibaba lifts AI capex again"),
        "{out}"
    );
    assert!(
        out.contains("Euro budget set"),
        "!latest lists the newest first: {out}"
    );
    assert!(
        out.contains("1 feeds followed") && out.contains("last new article"),
        "{out}"
    );
}

#[test]
fn a_poll_killed_midway_loses_and_duplicates_nothing() {
    let site = news_site();
    // Slow pages, so the kill lands while articles are being fetched and stored.
    let mut items = Vec::new();
    for i in 0..12 {
        let path = format!("/slow/{i}");
        site.put(
            &path,
            Resource::html(site::json_ld_page(
                &format!("Story number {i} of the day"),
                "Slow News",
                "2025-09-24",
                "Ann Lee",
                &site.url(&path),
                &format!("topic{i}"),
            ))
            .delayed(Duration::from_millis(150)),
        );
        items.push((format!("Story {i}"), site.url(&path)));
    }
    let rss_items: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|(t, u)| (t.as_str(), u.as_str(), "Wed, 24 Sep 2025 00:00:00 GMT"))
        .collect();
    site.put(
        "/slow.xml",
        Resource::new("application/rss+xml", site::rss("Slow", &rss_items)),
    );
    let ws = common::Workspace::new();
    feeds::add(&ws.data(), &site.url("/slow.xml"), Some("slow"), None).unwrap();
    for kill_after_ms in [400u64, 900, 1400] {
        let mut child = clippings(&ws.data(), &ws.index())
            .args(["feed", "poll", "--quiet"])
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(kill_after_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
    }
    let (ok, out, err) = run(clippings(&ws.data(), &ws.index()).args(["feed", "poll"]));
    assert!(ok, "{out}{err}");
    let slow: Vec<_> = stored(&ws.data())
        .into_iter()
        .filter(|a| a.1.publisher.as_deref() == Some("Slow News"))
        .collect();
    assert_eq!(
        slow.len(),
        12,
        "every story once: {:?}",
        slow.iter().map(|a| &a.0).collect::<Vec<_>>()
    );
    let mut urls: Vec<_> = slow.iter().map(|a| a.1.url.clone().unwrap()).collect();
    urls.sort();
    urls.dedup();
    assert_eq!(urls.len(), 12);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_item_its_feed_says_changed_is_fetched_again_and_updated_in_place() {
    let site = news_site();
    let url = site.url("/news/jsonld-chips");
    let feed = |date: &str| site::rss("F", &[("Chips", &url, date)]);
    site.put(
        "/f.xml",
        Resource::new("application/rss+xml", feed("Wed, 24 Sep 2025 00:00:00 GMT")),
    );
    let data = tempfile::tempdir().unwrap();
    feeds::add(data.path(), &site.url("/f.xml"), None, None).unwrap();
    let ingester = ingester(data.path());
    assert_eq!(
        ingester
            .poll(false, &|_| {})
            .await
            .unwrap()
            .total(|f| f.new),
        1
    );
    let fetched = site.hits("/news/jsonld-chips");
    // Polled again unchanged: the page is not fetched again.
    assert_eq!(
        ingester
            .poll(false, &|_| {})
            .await
            .unwrap()
            .total(|f| f.duplicate),
        1
    );
    assert_eq!(site.hits("/news/jsonld-chips"), fetched);
    // The outlet edits the article and its feed item says so.
    site.put(
        "/news/jsonld-chips",
        Resource::html(site::json_ld_page(
            "Chipmakers rally on export news",
            "Asia Wire",
            "2025-09-24",
            "Li Wei",
            &url,
            "foundry",
        )),
    );
    site.put(
        "/f.xml",
        Resource::new("application/rss+xml", feed("Thu, 25 Sep 2025 10:00:00 GMT")),
    );
    let report = ingester.poll(false, &|_| {}).await.unwrap();
    assert_eq!(report.total(|f| f.updated), 1, "{report:?}");
    let articles = stored(data.path());
    assert_eq!(articles.len(), 1);
    assert!(articles[0].2.contains("foundry group closed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn atom_and_json_feeds_bring_their_articles_too() {
    let site = news_site();
    let atom = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title><id>urn:a</id><updated>2025-09-24T10:00:00Z</updated>
        <entry><title>Cloud</title><id>urn:1</id><link href="{}"/><updated>2025-09-24T10:00:00Z</updated></entry></feed>"#,
        site.url("/amp/cloud")
    );
    let json = format!(
        r#"{{"version":"https://jsonfeed.org/version/1.1","title":"JSON","items":[{{"id":"1","url":"{}","title":"Chips","date_published":"2025-09-24T00:00:00Z"}}]}}"#,
        site.url("/news/jsonld-chips")
    );
    site.put("/atom.xml", Resource::new("application/atom+xml", atom));
    site.put("/feed.json", Resource::new("application/feed+json", json));
    let data = tempfile::tempdir().unwrap();
    feeds::add(data.path(), &site.url("/atom.xml"), None, None).unwrap();
    feeds::add(data.path(), &site.url("/feed.json"), None, None).unwrap();
    let report = ingester(data.path()).poll(false, &|_| {}).await.unwrap();
    assert_eq!(report.total(|f| f.new), 2, "{report:?}");
    let titles: Vec<String> = stored(data.path()).into_iter().map(|a| a.1.title).collect();
    assert!(
        titles.contains(&"Cloud unit grows fast".to_string()),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Chipmakers rally on export news".to_string()),
        "{titles:?}"
    );
}

#[test]
fn the_same_story_from_two_outlets_is_kept_twice_and_shows_as_also_reported_by() {
    let site = news_site();
    site.put(
        "/wire/chips",
        Resource::html(site::json_ld_page(
            "Chip stocks climb as exports resume",
            "Other Wire",
            "2025-09-24",
            "Ann Lee",
            &site.url("/wire/chips"),
            "chips",
        )),
    );
    let ws = common::Workspace::new();
    for path in ["/news/jsonld-chips", "/wire/chips"] {
        let (ok, out, err) = run(clippings(&ws.data(), &ws.index()).args(["add", &site.url(path)]));
        assert!(ok && out.contains("Added"), "{out}{err}");
    }
    let (ok, out, err) = run(clippings(&ws.data(), &ws.index()).args([
        "search",
        "\"funded from operating cash flow and a new bond issue\" chips",
        "--json",
    ]));
    assert!(ok, "{out}{err}");
    let answer: serde_json::Value = serde_json::from_str(&out).unwrap();
    let hit = &answer["hits"][0];
    let first = hit["publisher"].as_str().unwrap().to_string();
    let also: Vec<&str> = hit["also_reported_by"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["publisher"].as_str())
        .collect();
    let other = if first == "Asia Wire" {
        "Other Wire"
    } else {
        "Asia Wire"
    };
    assert_eq!(also, vec![other], "{answer}");
}
