//! Logging through `tracing`: human-readable on stderr, or JSON with `LOG_FORMAT=json`. Errors
//! are also kept (the last few) for `!status`.

use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Installs the global subscriber. `RUST_LOG` wins over the default level.
pub fn init(quiet: bool) {
    let default = if quiet { "warn" } else { "info" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let json = std::env::var("LOG_FORMAT").is_ok_and(|v| v.trim() == "json");
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let result = if json {
        tracing_subscriber::registry()
            .with(fmt.json().with_filter(filter))
            .with(ErrorsForStatus)
            .try_init()
    } else {
        tracing_subscriber::registry()
            .with(fmt.with_target(false).with_filter(filter))
            .with(ErrorsForStatus)
            .try_init()
    };
    if let Err(e) = result {
        eprintln!("warning: logging not initialised: {e}");
    }
}

/// Keeps ERROR events (their message and fields) in [`crate::ops::Status`].
struct ErrorsForStatus;

impl<S: tracing::Subscriber> Layer<S> for ErrorsForStatus {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        if *event.metadata().level() != tracing::Level::ERROR {
            return;
        }
        let mut text = Fields(String::new());
        event.record(&mut text);
        crate::ops::status().error(text.0);
    }
}

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        if field.name() == "message" {
            self.0.push_str(&format!("{value:?}"));
        } else {
            self.0.push_str(&format!("{}={value:?}", field.name()));
        }
    }
}
