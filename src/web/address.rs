//! Web addresses as keys: the same article under tracking-parameter variants of its URL is one
//! address.

use url::Url;

/// Query parameters that only say where a reader came from (campaigns, click ids, share
/// widgets): never part of what a page is.
const TRACKING: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "ocid",
    "ncid",
    "cmpid",
    "ref_src",
    "ref_url",
    "smid",
    "sr_share",
    "at_medium",
    "at_campaign",
    "at_custom1",
    "at_custom2",
    "guccounter",
    "guce_referrer",
    "guce_referrer_sig",
    "spm",
    "share",
    "src",
];

fn is_tracking(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_") || TRACKING.contains(&name.as_str())
}

/// Parses an address people or pages give (http and https only).
pub fn parse(text: &str) -> Result<Url, String> {
    let url = Url::parse(text.trim()).map_err(|e| format!("not a web address ({e})"))?;
    match url.scheme() {
        "http" | "https" if url.host_str().is_some() => Ok(url),
        "http" | "https" => Err("a web address needs a host".into()),
        other => Err(format!(
            "only http and https addresses are fetched, not {other}:"
        )),
    }
}

/// The address an article is known by: no fragment, no tracking parameters, the host in lower
/// case and no default port (the `url` crate does those two).
pub fn normalize(url: &Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| !is_tracking(name))
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    url.to_string()
}

/// The host name, for notes, rate limits and robots.txt.
pub fn host(url: &Url) -> String {
    url.host_str().unwrap_or_default().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(text: &str) -> String {
        normalize(&parse(text).unwrap())
    }

    #[test]
    fn tracking_variants_of_one_address_are_one_key() {
        let plain = norm("https://news.example.com/a/story?id=7");
        for variant in [
            "https://news.example.com/a/story?id=7&utm_source=rss&utm_medium=feed",
            "https://NEWS.example.com:443/a/story?utm_campaign=x&id=7#comments",
            "https://news.example.com/a/story?id=7&fbclid=abc&gclid=def",
        ] {
            assert_eq!(norm(variant), plain, "{variant}");
        }
        assert_ne!(norm("https://news.example.com/a/story?id=8"), plain);
    }

    #[test]
    fn an_address_without_parameters_left_has_no_question_mark() {
        assert_eq!(
            norm("http://example.com/x?utm_source=a"),
            "http://example.com/x"
        );
    }

    #[test]
    fn only_http_and_https_are_fetched() {
        assert!(parse("https://example.com/").is_ok());
        for bad in [
            "ftp://example.com/x",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "example.com",
            "",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
