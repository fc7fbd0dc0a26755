//! Configuration, read once from the environment (and `.env` through dotenvy) into types.

use std::fmt;
use std::path::PathBuf;

/// A secret value: never shown by `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The bot's SQLite state file in data/: feeds and articles fetched (`ingest`), watches and
/// alerts (`alerts`), each with tables of its own.
pub const STATE_FILE: &str = ".clippings-state.sqlite3";

/// Everything the main job needs to know.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub index_dir: PathBuf,
    pub prefix: String,
    pub log_json: bool,
    pub discord_token: Option<Secret>,
    pub discord_guild_id: Option<u64>,
    /// The application's public key (hex), for the HTTP interactions endpoint.
    pub discord_public_key: Option<String>,
    /// REST calls go through this rate-limit proxy when set.
    pub discord_proxy_url: Option<String>,
    /// The shards this process runs (DISCORD_SHARDS, DISCORD_SHARD_RANGE); autosharding when unset.
    pub discord_shards: Option<ShardPlan>,
    /// Serve the index another process builds: never write it, follow each new generation.
    pub index_read_only: bool,
    /// Who may run `!status` and `!reindex`: Discord user ids and Matrix user ids.
    pub admin_users: Vec<String>,
    /// Address of the built-in HTTP server (the interactions endpoint).
    pub http_listen: Option<std::net::SocketAddr>,
    pub cooldown_user_per_minute: u32,
    pub cooldown_channel_per_minute: u32,
    /// The Matrix bot's settings, when MATRIX_HOMESERVER is set.
    pub matrix: Option<MatrixConfig>,
    /// Minutes between feed polls (`FEED_POLL_MINUTES`, default 15); `None`: feeds are not polled.
    pub feed_poll_minutes: Option<u32>,
    /// At most one alert message per place within this long (`ALERT_MIN_INTERVAL`: seconds,
    /// or with s, m or h; default 5 minutes).
    pub alert_min_interval: std::time::Duration,
    /// A contact address for the User-Agent (`CLIPPINGS_USER_AGENT`).
    pub user_agent_contact: Option<String>,
    /// Fetch from loopback and private addresses too (`CLIPPINGS_ALLOW_PRIVATE_HOSTS`).
    pub allow_private_hosts: bool,
    /// Milliseconds between two requests to one host (`CLIPPINGS_HOST_INTERVAL_MS`, default 1000).
    pub host_interval_ms: u64,
}

/// Shards `first..=last` of `total`, for splitting a bot across processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardPlan {
    pub first: u32,
    pub last: u32,
    pub total: u32,
}

impl ShardPlan {
    pub fn contains(&self, shard: u32) -> bool {
        (self.first..=self.last).contains(&shard)
    }
}

fn shard_plan(var: &impl Fn(&str) -> Option<String>) -> Result<Option<ShardPlan>, ConfigError> {
    let total = match var("DISCORD_SHARDS") {
        None => {
            if var("DISCORD_SHARD_RANGE").is_some() {
                return Err(invalid(
                    "DISCORD_SHARD_RANGE",
                    "set DISCORD_SHARDS (the total) too",
                ));
            }
            return Ok(None);
        }
        Some(v) => v.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
            invalid(
                "DISCORD_SHARDS",
                "expected the total number of shards, 1 or more",
            )
        })?,
    };
    let (first, last) = match var("DISCORD_SHARD_RANGE") {
        None => (0, total - 1),
        Some(v) => {
            let bad = || {
                invalid(
                    "DISCORD_SHARD_RANGE",
                    "expected FIRST-LAST, like 0-3, within DISCORD_SHARDS",
                )
            };
            let (a, b) = v.split_once('-').unwrap_or((v.as_str(), v.as_str()));
            let first: u32 = a.trim().parse().map_err(|_| bad())?;
            let last: u32 = b.trim().parse().map_err(|_| bad())?;
            if first > last || last >= total {
                return Err(bad());
            }
            (first, last)
        }
    };
    Ok(Some(ShardPlan { first, last, total }))
}

fn flag(var: &impl Fn(&str) -> Option<String>, name: &'static str) -> Result<bool, ConfigError> {
    match var(name).map(|v| v.to_ascii_lowercase()).as_deref() {
        None | Some("0" | "false" | "no" | "off") => Ok(false),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some(_) => Err(invalid(name, "expected true or false")),
    }
}

/// How the Matrix bot proves who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatrixAuth {
    Password(Secret),
    AccessToken(Secret),
}

/// Everything the Matrix bot needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixConfig {
    /// The homeserver's base URL, e.g. `https://matrix.example.org`.
    pub homeserver: String,
    /// The bot's user id (`@clippings:example.org`) or localpart.
    pub user: String,
    pub auth: MatrixAuth,
    /// Session, device keys and sync position live here.
    pub state_dir: PathBuf,
    /// Who may invite the bot: `@user:server` or `*:server` entries; empty means everyone.
    pub allowed: Vec<String>,
}

impl MatrixConfig {
    /// Whether an invite (or a command) from `user_id` is accepted.
    pub fn allows(&self, user_id: &str) -> bool {
        self.allowed.is_empty()
            || self.allowed.iter().any(|entry| {
                entry == user_id
                    || entry
                        .strip_prefix('*')
                        .is_some_and(|server| server.starts_with(':') && user_id.ends_with(server))
            })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid {name}: {problem}")]
    Invalid { name: &'static str, problem: String },
}

/// Loads `.env` from the working directory when there is one; a missing file is fine.
pub fn load_dotenv() {
    match dotenvy::dotenv() {
        Ok(path) => tracing::debug!(path = %path.display(), "loaded .env"),
        Err(e) if e.not_found() => {}
        Err(e) => eprintln!("warning: .env not loaded: {e}"),
    }
}

fn invalid(name: &'static str, problem: &str) -> ConfigError {
    ConfigError::Invalid {
        name,
        problem: problem.to_string(),
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

impl Config {
    /// Reads the environment; paths given on the command line win over it.
    pub fn from_env(
        data_dir: Option<PathBuf>,
        index_dir: Option<PathBuf>,
    ) -> Result<Config, ConfigError> {
        Config::from_vars(data_dir, index_dir, var)
    }

    /// Reads the settings through `var` (the environment, or a map in tests).
    pub fn from_vars(
        data_dir: Option<PathBuf>,
        index_dir: Option<PathBuf>,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let var = |name: &str| {
            var(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let prefix = var("CLIPPINGS_PREFIX").unwrap_or_else(|| "!".to_string());
        if prefix.chars().count() > 8 || prefix.chars().any(char::is_whitespace) {
            return Err(ConfigError::Invalid {
                name: "CLIPPINGS_PREFIX",
                problem: "use 1 to 8 characters without spaces".to_string(),
            });
        }
        let log_json = match var("LOG_FORMAT").as_deref() {
            None | Some("text") | Some("pretty") => false,
            Some("json") => true,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "LOG_FORMAT",
                    problem: format!("{other:?} is not text or json"),
                });
            }
        };
        let discord_guild_id = match var("DISCORD_GUILD_ID") {
            None => None,
            Some(v) => Some(
                v.parse::<u64>()
                    .map_err(|_| invalid("DISCORD_GUILD_ID", "expected a numeric guild id"))?,
            ),
        };
        built_with_platforms(&var)?;
        let discord_public_key = var("DISCORD_PUBLIC_KEY");
        #[cfg(feature = "discord")]
        if let Some(key) = &discord_public_key {
            public_key(key).map_err(|e| {
                invalid(
                    "DISCORD_PUBLIC_KEY",
                    &format!("{e} (copy it from the application's General Information page)"),
                )
            })?;
        }
        let http_listen =
            match var("HTTP_LISTEN") {
                None => None,
                Some(v) => Some(v.parse().map_err(|_| {
                    invalid("HTTP_LISTEN", "expected an address like 127.0.0.1:8080")
                })?),
            };
        let per_minute = |name: &'static str, default: u32| -> Result<u32, ConfigError> {
            let var = &var;
            match var(name) {
                None => Ok(default),
                Some(v) => v
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| invalid(name, "expected a whole number above 0")),
            }
        };
        let matrix = matrix_config(&var)?;
        let discord_shards = shard_plan(&var)?;
        let index_read_only = flag(&var, "CLIPPINGS_INDEX_READ_ONLY")?;
        let feed_poll_minutes = match var("FEED_POLL_MINUTES") {
            None => Some(15),
            Some(v) => match v.parse::<u32>() {
                Ok(0) => None,
                Ok(n) if n <= 24 * 60 => Some(n),
                _ => {
                    return Err(invalid(
                        "FEED_POLL_MINUTES",
                        "expected minutes from 1 to 1440, or 0 to stop polling",
                    ));
                }
            },
        };
        let alert_min_interval = match var("ALERT_MIN_INTERVAL") {
            None => std::time::Duration::from_secs(300),
            Some(v) => duration(&v).ok_or_else(|| {
                invalid(
                    "ALERT_MIN_INTERVAL",
                    "expected a duration like 300, 90s, 5m or 1h (at most a day)",
                )
            })?,
        };
        let host_interval_ms = match var("CLIPPINGS_HOST_INTERVAL_MS") {
            None => 1000,
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|n| *n <= 60_000)
                .ok_or_else(|| invalid("CLIPPINGS_HOST_INTERVAL_MS", "expected 0 to 60000"))?,
        };
        Ok(Config {
            feed_poll_minutes,
            alert_min_interval,
            user_agent_contact: var("CLIPPINGS_USER_AGENT"),
            allow_private_hosts: flag(&var, "CLIPPINGS_ALLOW_PRIVATE_HOSTS")?,
            host_interval_ms,
            discord_guild_id,
            discord_public_key,
            discord_proxy_url: var("DISCORD_PROXY_URL"),
            discord_shards,
            index_read_only,
            admin_users: var("ADMIN_USERS")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(str::to_string)
                .collect(),
            http_listen,
            cooldown_user_per_minute: per_minute("COOLDOWN_USER_PER_MINUTE", 12)?,
            cooldown_channel_per_minute: per_minute("COOLDOWN_CHANNEL_PER_MINUTE", 60)?,
            data_dir: data_dir
                .or_else(|| var("CLIPPINGS_DATA").map(PathBuf::from))
                .unwrap_or_else(|| "data".into()),
            index_dir: index_dir
                .or_else(|| var("CLIPPINGS_INDEX").map(PathBuf::from))
                .unwrap_or_else(|| "index".into()),
            prefix,
            log_json,
            discord_token: var("DISCORD_TOKEN").map(Secret),
            matrix,
        })
    }
}

fn matrix_config(
    var: &impl Fn(&str) -> Option<String>,
) -> Result<Option<MatrixConfig>, ConfigError> {
    let Some(homeserver) = var("MATRIX_HOMESERVER") else {
        return Ok(None);
    };
    if !(homeserver.starts_with("https://") || homeserver.starts_with("http://")) {
        return Err(invalid(
            "MATRIX_HOMESERVER",
            "expected the homeserver's URL, like https://matrix.example.org",
        ));
    }
    let user = var("MATRIX_USER").ok_or_else(|| {
        invalid(
            "MATRIX_USER",
            "set it to the bot's user id, like @clippings:example.org",
        )
    })?;
    if user.starts_with('@') && !user.contains(':') {
        return Err(invalid(
            "MATRIX_USER",
            "a full user id looks like @clippings:example.org",
        ));
    }
    let auth = match (var("MATRIX_PASSWORD"), var("MATRIX_ACCESS_TOKEN")) {
        (_, Some(token)) => MatrixAuth::AccessToken(Secret(token)),
        (Some(password), None) => MatrixAuth::Password(Secret(password)),
        (None, None) => {
            return Err(invalid(
                "MATRIX_PASSWORD",
                "set MATRIX_PASSWORD or MATRIX_ACCESS_TOKEN for the bot account",
            ));
        }
    };
    let allowed: Vec<String> = var("MATRIX_ALLOWED_USERS")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string)
        .collect();
    if let Some(bad) = allowed
        .iter()
        .find(|e| !((e.starts_with('@') || e.starts_with("*:")) && e.contains(':')))
    {
        return Err(invalid(
            "MATRIX_ALLOWED_USERS",
            &format!("{bad:?} is neither @user:server nor *:server"),
        ));
    }
    Ok(Some(MatrixConfig {
        homeserver,
        user,
        auth,
        state_dir: var("MATRIX_STATE_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| "matrix-state".into()),
        allowed,
    }))
}

/// Settings for a chat platform this build leaves out are an error, not silently ignored.
fn built_with_platforms(var: &impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
    let missing: &[(&'static str, &str)] = &[
        #[cfg(not(feature = "discord"))]
        ("DISCORD_TOKEN", "discord"),
        #[cfg(not(feature = "discord"))]
        ("DISCORD_PUBLIC_KEY", "discord"),
        #[cfg(not(feature = "matrix"))]
        ("MATRIX_HOMESERVER", "matrix"),
    ];
    for &(name, feature) in missing {
        if var(name).is_some() {
            return Err(invalid(
                name,
                &format!(
                    "this clippings was built without the {feature:?} feature; build it with `--features {feature}` (README, \"Building for one platform\")"
                ),
            ));
        }
    }
    Ok(())
}

/// Reads a Discord application's public key as Discord shows it (64 hex characters).
#[cfg(feature = "discord")]
pub fn public_key(hex_key: &str) -> Result<ed25519_dalek::VerifyingKey, String> {
    let bytes = hex::decode(hex_key.trim()).map_err(|_| "not hex".to_string())?;
    let bytes: [u8; 32] = bytes.try_into().map_err(|_| "not 32 bytes".to_string())?;
    ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: std::collections::HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_vars(None, None, |name| map.get(name).cloned())
    }

    #[test]
    fn defaults_need_nothing_configured() {
        let c = config(&[]).unwrap();
        assert_eq!(c.prefix, "!");
        assert!(c.discord_token.is_none() && c.http_listen.is_none());
        assert_eq!(
            (c.cooldown_user_per_minute, c.cooldown_channel_per_minute),
            (12, 60)
        );
    }

    #[test]
    fn bad_values_are_named_in_the_error() {
        for (name, value) in [
            ("DISCORD_GUILD_ID", "abc"),
            ("DISCORD_PUBLIC_KEY", "not-hex"),
            ("HTTP_LISTEN", "nowhere"),
            ("COOLDOWN_USER_PER_MINUTE", "0"),
            ("LOG_FORMAT", "xml"),
            ("CLIPPINGS_PREFIX", "a b"),
            ("MATRIX_HOMESERVER", "matrix.example.org"),
            ("DISCORD_SHARD_RANGE", "0-1"),
            ("CLIPPINGS_INDEX_READ_ONLY", "maybe"),
        ] {
            let err = config(&[(name, value)]).unwrap_err().to_string();
            assert!(err.starts_with(&format!("invalid {name}")), "{err}");
        }
    }

    #[test]
    #[cfg(feature = "discord")]
    fn the_token_is_kept_secret() {
        let c = config(&[("DISCORD_TOKEN", "very-secret")]).unwrap();
        assert!(!format!("{c:?}").contains("very-secret"));
        assert_eq!(c.discord_token.unwrap().expose(), "very-secret");
    }

    #[test]
    fn shard_ranges_are_checked_against_the_total() {
        let plan = |range: Option<&str>| {
            let mut vars = vec![("DISCORD_SHARDS", "4")];
            if let Some(r) = range {
                vars.push(("DISCORD_SHARD_RANGE", r));
            }
            config(&vars).map(|c| c.discord_shards.unwrap())
        };
        assert_eq!(
            plan(None).unwrap(),
            ShardPlan {
                first: 0,
                last: 3,
                total: 4
            }
        );
        assert_eq!(
            plan(Some("1-2")).unwrap(),
            ShardPlan {
                first: 1,
                last: 2,
                total: 4
            }
        );
        assert_eq!(
            plan(Some("3")).unwrap(),
            ShardPlan {
                first: 3,
                last: 3,
                total: 4
            }
        );
        for bad in ["2-1", "0-4", "a-b", "-1"] {
            let err = plan(Some(bad)).unwrap_err().to_string();
            assert!(
                err.starts_with("invalid DISCORD_SHARD_RANGE"),
                "{bad}: {err}"
            );
        }
        assert!(
            config(&[]).unwrap().discord_shards.is_none(),
            "autosharding by default"
        );
        assert!(
            config(&[("CLIPPINGS_INDEX_READ_ONLY", "true")])
                .unwrap()
                .index_read_only
        );
    }

    /// A build without a platform refuses its settings, naming the feature to build with.
    #[test]
    #[cfg(not(all(feature = "discord", feature = "matrix")))]
    fn settings_of_a_platform_left_out_of_the_build_are_refused() {
        let mut refused = Vec::new();
        #[cfg(not(feature = "discord"))]
        refused.extend([
            ("DISCORD_TOKEN", "discord"),
            ("DISCORD_PUBLIC_KEY", "discord"),
        ]);
        #[cfg(not(feature = "matrix"))]
        refused.push(("MATRIX_HOMESERVER", "matrix"));
        for (name, feature) in refused {
            let err = config(&[(name, "x")]).unwrap_err().to_string();
            assert!(err.starts_with(&format!("invalid {name}")), "{err}");
            assert!(err.contains(&format!("--features {feature}")), "{err}");
        }
    }

    #[test]
    #[cfg(feature = "matrix")]
    fn matrix_needs_a_user_and_a_secret() {
        let base = [("MATRIX_HOMESERVER", "http://127.0.0.1:8008")];
        let err = config(&base).unwrap_err().to_string();
        assert!(err.starts_with("invalid MATRIX_USER"), "{err}");
        let err = config(&[base[0], ("MATRIX_USER", "@bot:localhost")])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("invalid MATRIX_PASSWORD"), "{err}");
        let c = config(&[
            base[0],
            ("MATRIX_USER", "@bot:localhost"),
            ("MATRIX_PASSWORD", "pw-secret"),
            ("MATRIX_ALLOWED_USERS", "@alice:localhost, *:example.org"),
        ])
        .unwrap();
        let m = c.matrix.as_ref().unwrap();
        assert_eq!(m.state_dir, PathBuf::from("matrix-state"));
        assert!(m.allows("@alice:localhost") && m.allows("@bob:example.org"));
        assert!(!m.allows("@mallory:localhost") && !m.allows("@x:evil.example.org.net"));
        assert!(!format!("{c:?}").contains("pw-secret"));
        let err = config(&[
            base[0],
            ("MATRIX_USER", "@bot:localhost"),
            ("MATRIX_ACCESS_TOKEN", "t"),
            ("MATRIX_ALLOWED_USERS", "alice"),
        ])
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("invalid MATRIX_ALLOWED_USERS"), "{err}");
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let s = Secret("hunter2".to_string());
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(s.expose(), "hunter2");
    }
}

/// `300`, `90s`, `5m`, `1h`: at most a day.
fn duration(text: &str) -> Option<std::time::Duration> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => (&text[..i], c.to_ascii_lowercase()),
        _ => (text, 's'),
    };
    let n: u64 = number.trim().parse().ok()?;
    let seconds = match unit {
        's' => n,
        'm' => n.checked_mul(60)?,
        'h' => n.checked_mul(3600)?,
        _ => return None,
    };
    (seconds <= 24 * 3600).then(|| std::time::Duration::from_secs(seconds))
}

#[cfg(test)]
mod duration_tests {
    use super::duration;
    use std::time::Duration;

    #[test]
    fn alert_intervals_read_seconds_minutes_and_hours() {
        assert_eq!(duration("300"), Some(Duration::from_secs(300)));
        assert_eq!(duration("90s"), Some(Duration::from_secs(90)));
        assert_eq!(duration("5m"), Some(Duration::from_secs(300)));
        assert_eq!(duration("1H"), Some(Duration::from_secs(3600)));
        assert_eq!(duration("0"), Some(Duration::ZERO));
        assert_eq!(duration("25h"), None);
        assert_eq!(duration("five"), None);
        assert_eq!(duration("5d"), None);
        assert_eq!(duration(""), None);
    }
}
