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
    /// Address of the built-in HTTP server (the interactions endpoint).
    pub http_listen: Option<std::net::SocketAddr>,
    pub cooldown_user_per_minute: u32,
    pub cooldown_channel_per_minute: u32,
    pub matrix_homeserver: Option<String>,
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
        let discord_public_key = var("DISCORD_PUBLIC_KEY");
        if let Some(key) = &discord_public_key {
            crate::discord::endpoint::public_key(key).map_err(|e| {
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
        Ok(Config {
            discord_guild_id,
            discord_public_key,
            discord_proxy_url: var("DISCORD_PROXY_URL"),
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
            matrix_homeserver: var("MATRIX_HOMESERVER"),
        })
    }
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
        ] {
            let err = config(&[(name, value)]).unwrap_err().to_string();
            assert!(err.starts_with(&format!("invalid {name}")), "{err}");
        }
    }

    #[test]
    fn the_token_is_kept_secret() {
        let c = config(&[("DISCORD_TOKEN", "very-secret")]).unwrap();
        assert!(!format!("{c:?}").contains("very-secret"));
        assert_eq!(c.discord_token.unwrap().expose(), "very-secret");
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let s = Secret("hunter2".to_string());
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(s.expose(), "hunter2");
    }
}
