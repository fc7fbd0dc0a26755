//! Configuration, read once from the environment (and `.env` through dotenvy) into types.

use std::fmt;
use std::path::PathBuf;

/// A secret value: never shown by `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
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
        Ok(Config {
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

    #[test]
    fn secrets_never_show_in_debug_output() {
        let s = Secret("hunter2".to_string());
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(s.expose(), "hunter2");
    }
}
