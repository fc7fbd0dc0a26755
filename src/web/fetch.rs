//! The bot's one HTTP client: timeouts, a size cap (after decompression), at most five
//! redirects, public addresses only, conditional GET, a User-Agent that names the bot, at most
//! one request a second per host, and robots.txt honoured for article pages.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use url::Url;

use super::{address, safety};

/// The product token robots.txt rules are matched against.
pub const ROBOTS_AGENT: &str = "Clippings";

/// How the client behaves; [`FetchSettings::default`] is what the bot uses.
#[derive(Debug, Clone)]
pub struct FetchSettings {
    pub user_agent: String,
    pub allow_private: bool,
    /// The most bytes read from one response, after decompression.
    pub max_bytes: usize,
    pub connect_timeout: Duration,
    /// The whole request, body included.
    pub timeout: Duration,
    /// Requests to one host start at least this far apart.
    pub per_host_interval: Duration,
    pub max_redirects: usize,
}

impl Default for FetchSettings {
    fn default() -> Self {
        FetchSettings {
            user_agent: user_agent(None),
            allow_private: false,
            max_bytes: 5 * 1024 * 1024,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            per_host_interval: Duration::from_secs(1),
            max_redirects: 5,
        }
    }
}

/// `Clippings/0.1 (+contact)`: the contact is `CLIPPINGS_USER_AGENT`'s value when set.
pub fn user_agent(contact: Option<&str>) -> String {
    let version = env!("CARGO_PKG_VERSION");
    match contact.map(str::trim).filter(|c| !c.is_empty()) {
        Some(contact) => format!("{ROBOTS_AGENT}/{version} (press-clippings bot; {contact})"),
        None => format!("{ROBOTS_AGENT}/{version} (press-clippings bot)"),
    }
}

/// Why a fetch brought nothing usable. Each has a short label for `clippings_fetch_total`.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{0}")]
    BadAddress(String),
    #[error("{0}")]
    Private(#[from] safety::PrivateAddress),
    #[error("refused by robots.txt")]
    Robots,
    #[error("HTTP {status}{}", retry_text(*.retry_after))]
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("more than {0} bytes")]
    TooLarge(usize),
    #[error("timed out")]
    Timeout,
    #[error("too many redirects or a redirect loop")]
    Redirects,
    #[error("not a text document ({0})")]
    NotText(String),
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("{0}")]
    Other(String),
}

fn retry_text(retry_after: Option<Duration>) -> String {
    retry_after
        .map(|d| format!(" (retry after {} s)", d.as_secs()))
        .unwrap_or_default()
}

impl FetchError {
    /// The `result` label of `clippings_fetch_total`.
    pub fn label(&self) -> &'static str {
        match self {
            FetchError::BadAddress(_) => "bad_address",
            FetchError::Private(_) => "private_address",
            FetchError::Robots => "robots",
            FetchError::Status { status, .. } => match status {
                404 | 410 => "not_found",
                429 => "rate_limited",
                500..=599 => "server_error",
                _ => "http_error",
            },
            FetchError::TooLarge(_) => "too_large",
            FetchError::Timeout => "timeout",
            FetchError::Redirects => "redirects",
            FetchError::NotText(_) => "not_text",
            FetchError::Connect(_) => "connect",
            FetchError::Other(_) => "error",
        }
    }

    /// How long the server asked us to wait (429, 503 with Retry-After).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// What the server said last time, for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A response with a body.
#[derive(Debug, Clone)]
pub struct Page {
    /// Where the body came from, after redirects.
    pub url: Url,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
    pub validators: Validators,
}

impl Page {
    /// The body as text, in its charset.
    pub fn text(&self) -> String {
        super::charset::decode(&self.bytes, self.content_type.as_deref())
    }
}

/// The answer to a conditional GET.
#[derive(Debug, Clone)]
pub enum Fetched {
    NotModified,
    Page(Page),
}

/// What is being fetched: feeds are read whatever robots.txt says of pages (a feed is published
/// to be polled); pages must be text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Feed,
    Article,
}

/// How long robots.txt answers are kept per host.
const ROBOTS_TTL: Duration = Duration::from_secs(24 * 3600);
/// How long an unreachable robots.txt keeps a host's pages refused before asking again.
const ROBOTS_RETRY: Duration = Duration::from_secs(10 * 60);

enum Robots {
    AllowAll,
    DisallowAll,
    Rules(Box<texting_robots::Robot>),
}

/// One HTTP client per process.
pub struct Fetcher {
    client: reqwest::Client,
    settings: FetchSettings,
    hosts: DefaultKeyedRateLimiter<String>,
    robots: Mutex<HashMap<String, (Instant, Arc<Robots>)>>,
    /// Hosts that answered 429 or 503 with a Retry-After: not asked again before then.
    waits: Mutex<HashMap<String, Instant>>,
}

impl Fetcher {
    pub fn new(settings: FetchSettings) -> Result<Fetcher, FetchError> {
        let allow_private = settings.allow_private;
        let max_redirects = settings.max_redirects;
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            let url = attempt.url();
            if attempt.previous().len() > max_redirects
                || attempt.previous().iter().any(|seen| seen == url)
            {
                return attempt.error(FetchError::Redirects);
            }
            if let Err(e) = address::parse(url.as_str()) {
                return attempt.error(FetchError::BadAddress(e));
            }
            if let Err(e) = safety::check_literal(url, allow_private) {
                return attempt.error(e);
            }
            attempt.follow()
        });
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("en;q=1, *;q=0.5"),
        );
        let client = reqwest::Client::builder()
            .user_agent(settings.user_agent.clone())
            .default_headers(headers)
            .redirect(redirects)
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .dns_resolver(Arc::new(safety::GuardedResolver { allow_private }))
            .build()
            .map_err(|e| FetchError::Other(e.to_string()))?;
        let interval = settings.per_host_interval.max(Duration::from_millis(1));
        let quota = Quota::with_period(interval)
            .expect("the interval is not zero")
            .allow_burst(NonZeroU32::MIN);
        Ok(Fetcher {
            client,
            settings,
            hosts: RateLimiter::keyed(quota),
            robots: Mutex::new(HashMap::new()),
            waits: Mutex::new(HashMap::new()),
        })
    }

    pub fn settings(&self) -> &FetchSettings {
        &self.settings
    }

    /// GETs `url` (conditionally, with `validators`), waiting its turn for the host.
    pub async fn get(
        &self,
        url: &Url,
        kind: Kind,
        validators: &Validators,
    ) -> Result<Fetched, FetchError> {
        address::parse(url.as_str()).map_err(FetchError::BadAddress)?;
        safety::check_literal(url, self.settings.allow_private)?;
        if kind == Kind::Article && !self.robots_allow(url).await? {
            return Err(FetchError::Robots);
        }
        self.request(url, kind, validators).await
    }

    async fn request(
        &self,
        url: &Url,
        kind: Kind,
        validators: &Validators,
    ) -> Result<Fetched, FetchError> {
        let host = address::host(url);
        let asked_to_wait = self
            .waits
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&host)
            .and_then(|until| until.checked_duration_since(Instant::now()));
        if let Some(left) = asked_to_wait {
            // The host said when to come back (Retry-After): nothing is sent before then.
            return Err(FetchError::Status {
                status: 429,
                retry_after: Some(left),
            });
        }
        self.hosts.until_key_ready(&host).await;
        let accept = match kind {
            Kind::Feed => {
                "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
            }
            Kind::Article => "text/html, application/xhtml+xml, */*;q=0.5",
        };
        let mut request = self.client.get(url.clone()).header(header::ACCEPT, accept);
        if let Some(etag) = &validators.etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &validators.last_modified {
            request = request.header(header::IF_MODIFIED_SINCE, modified);
        }
        let mut response = request.send().await.map_err(from_reqwest)?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            let retry_after = retry_after(response.headers());
            if let Some(wait) = retry_after.filter(|_| matches!(status.as_u16(), 429 | 503)) {
                self.waits
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(host, Instant::now() + wait);
            }
            return Err(FetchError::Status {
                status: status.as_u16(),
                retry_after,
            });
        }
        let headers = response.headers();
        let content_type = header_text(headers, header::CONTENT_TYPE);
        if kind == Kind::Article
            && let Some(ct) = &content_type
            && !is_text(ct)
        {
            return Err(FetchError::NotText(ct.clone()));
        }
        let validators = Validators {
            etag: header_text(headers, header::ETAG),
            last_modified: header_text(headers, header::LAST_MODIFIED),
        };
        let cap = self.settings.max_bytes;
        if response.content_length().is_some_and(|n| n > cap as u64) {
            return Err(FetchError::TooLarge(cap));
        }
        let final_url = response.url().clone();
        let mut bytes = Vec::new();
        // The body arrives decompressed: the cap holds against gzip bombs too.
        while let Some(chunk) = response.chunk().await.map_err(from_reqwest)? {
            if bytes.len() + chunk.len() > cap {
                return Err(FetchError::TooLarge(cap));
            }
            bytes.extend_from_slice(&chunk);
        }
        if kind == Kind::Article && content_type.is_none() && looks_binary(&bytes) {
            return Err(FetchError::NotText("binary content".into()));
        }
        Ok(Fetched::Page(Page {
            url: final_url,
            content_type,
            bytes,
            validators,
        }))
    }

    /// Whether the host's robots.txt lets the bot fetch `url` (asked once a day per host).
    async fn robots_allow(&self, url: &Url) -> Result<bool, FetchError> {
        let origin = url.origin().ascii_serialization();
        let cached = self
            .robots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&origin)
            .filter(|(until, _)| *until > Instant::now())
            .map(|(_, r)| r.clone());
        let robots = match cached {
            Some(robots) => robots,
            None => {
                let (robots, ttl) = self.fetch_robots(&origin).await?;
                let robots = Arc::new(robots);
                self.robots
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(origin, (Instant::now() + ttl, robots.clone()));
                robots
            }
        };
        Ok(match &*robots {
            Robots::AllowAll => true,
            Robots::DisallowAll => false,
            Robots::Rules(robot) => robot.allowed(url.as_str()),
        })
    }

    /// RFC 9309: a missing robots.txt (4xx) allows everything; an unreachable one (5xx, network)
    /// allows nothing until it is asked again. A host the bot may not reach at all is an error.
    async fn fetch_robots(&self, origin: &str) -> Result<(Robots, Duration), FetchError> {
        let Ok(url) = Url::parse(&format!("{origin}/robots.txt")) else {
            return Ok((Robots::DisallowAll, ROBOTS_RETRY));
        };
        Ok(
            match self.request(&url, Kind::Feed, &Validators::default()).await {
                Ok(Fetched::Page(page)) => {
                    match texting_robots::Robot::new(ROBOTS_AGENT, &page.bytes) {
                        Ok(robot) => (Robots::Rules(Box::new(robot)), ROBOTS_TTL),
                        Err(_) => (Robots::AllowAll, ROBOTS_TTL),
                    }
                }
                Ok(Fetched::NotModified) => (Robots::AllowAll, ROBOTS_TTL),
                Err(FetchError::Status { status, .. }) if (400..500).contains(&status) => {
                    (Robots::AllowAll, ROBOTS_TTL)
                }
                Err(FetchError::TooLarge(_)) => (Robots::AllowAll, ROBOTS_TTL),
                Err(e @ (FetchError::Private(_) | FetchError::BadAddress(_))) => return Err(e),
                Err(e) => {
                    tracing::warn!(%origin, error = %e, "robots.txt unreachable: the host's pages wait");
                    (Robots::DisallowAll, ROBOTS_RETRY)
                }
            },
        )
    }
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Retry-After as seconds or an HTTP date, capped at a day.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = header_text(headers, header::RETRY_AFTER)?;
    let wait = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => httpdate::parse_http_date(&value)
            .ok()?
            .duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    };
    Some(wait.min(Duration::from_secs(24 * 3600)))
}

fn is_text(content_type: &str) -> bool {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    mime.starts_with("text/")
        || mime.ends_with("+xml")
        || mime == "application/xml"
        || mime == "application/xhtml+xml"
        || mime.is_empty()
}

/// NUL bytes in the first kilobytes: not a page.
fn looks_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(4096)].contains(&0)
}

fn from_reqwest(e: reqwest::Error) -> FetchError {
    let mut source: Option<&dyn std::error::Error> = Some(&e);
    while let Some(err) = source {
        if let Some(private) = err.downcast_ref::<safety::PrivateAddress>() {
            return FetchError::Private(safety::PrivateAddress {
                host: private.host.clone(),
            });
        }
        if let Some(fetch) = err.downcast_ref::<FetchError>() {
            return match fetch {
                FetchError::Redirects => FetchError::Redirects,
                FetchError::BadAddress(m) => FetchError::BadAddress(m.clone()),
                other => FetchError::Other(other.to_string()),
            };
        }
        source = err.source();
    }
    if e.is_timeout() {
        FetchError::Timeout
    } else if e.is_redirect() {
        FetchError::Redirects
    } else if e.is_connect() {
        FetchError::Connect(root_cause(&e))
    } else {
        FetchError::Other(root_cause(&e))
    }
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut last = e;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("120"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(120)));
        h.insert(
            header::RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO), "a past date: now");
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn the_user_agent_names_the_bot_and_the_contact() {
        assert!(user_agent(None).starts_with("Clippings/"));
        assert!(user_agent(Some("ops@example.com")).ends_with("ops@example.com)"));
    }

    #[test]
    fn pages_must_be_text() {
        assert!(is_text("text/html; charset=utf-8"));
        assert!(is_text("application/xhtml+xml"));
        assert!(!is_text("application/pdf"));
        assert!(!is_text("image/png"));
        assert!(looks_binary(b"\x89PNG\r\n\x1a\n\0\0\0"));
    }
}
