//! The process supervisor: runs the configured chat platforms and the HTTP server together
//! until SIGINT or SIGTERM, and stops the process when one of them fails.

use std::sync::Arc;

use anyhow::Context as _;
use tokio::sync::watch;

use crate::config::Config;
use crate::conversation::{Cooldowns, Pipeline};
#[cfg(feature = "discord")]
use crate::discord::{self, Discord};
use crate::engine::Engine;

/// Resolves when the process is asked to stop (Ctrl-C or SIGTERM).
async fn stop_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

/// Starts every configured platform and waits for them; a stop signal shuts them all down.
pub async fn run(
    config: &Config,
    pipeline: Arc<Pipeline>,
    alerts: Option<Arc<crate::alerts::Alerts>>,
) -> anyhow::Result<()> {
    #[cfg_attr(not(any(feature = "discord", feature = "matrix")), allow(unused_mut))]
    let mut pushes: Vec<Arc<dyn crate::conversation::Push>> = Vec::new();
    let engine = pipeline.engine().clone();
    #[cfg(feature = "discord")]
    let discord = Arc::new(Discord::new(pipeline.clone()));
    let (stop_tx, stop_rx) = watch::channel(false);
    let stopped = move |mut rx: watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    if config.http_listen.is_some() {
        // Before any platform starts, so that nothing they count is recorded into the void.
        crate::ops::install_metrics();
    }
    let mut tasks = tokio::task::JoinSet::new();
    #[cfg(feature = "discord")]
    if let Some(token) = &config.discord_token {
        let gateway = discord::gateway::GatewayConfig {
            guild_id: config.discord_guild_id,
            proxy: config.discord_proxy_url.clone(),
            shards: config.discord_shards,
            ..discord::gateway::GatewayConfig::new(token.clone())
        };
        pushes.push(Arc::new(discord::push::DiscordPush::new(
            token,
            config.discord_proxy_url.as_deref(),
        )));
        let discord = discord.clone();
        let stop = stopped(stop_rx.clone());
        tasks.spawn(async move { discord::gateway::run(discord, gateway, stop).await });
    }
    #[cfg(feature = "matrix")]
    if let Some(matrix_config) = &config.matrix {
        let matrix = Arc::new(crate::matrix::Matrix::new(pipeline.clone()));
        pushes.push(matrix.clone());
        let matrix_config = matrix_config.clone();
        let stop = stopped(stop_rx.clone());
        tasks.spawn(async move { crate::matrix::bot::run(matrix, matrix_config, stop).await });
    }
    if let Some(addr) = config.http_listen {
        // One server for everything HTTP: health, metrics and the Discord endpoint.
        #[cfg_attr(not(feature = "discord"), allow(unused_mut))]
        let mut router = crate::ops::router(engine.clone());
        #[cfg(feature = "discord")]
        if let Some(key) = &config.discord_public_key {
            let key = crate::config::public_key(key)
                .map_err(|e| anyhow::anyhow!("invalid DISCORD_PUBLIC_KEY: {e}"))?;
            let api = config
                .discord_proxy_url
                .as_deref()
                .unwrap_or(discord::endpoint::DISCORD_API);
            router = router.merge(discord::endpoint::router(discord.clone(), key, api));
            tracing::info!(%addr, "Discord interactions endpoint at /interactions");
        }
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        tracing::info!(%addr, "HTTP server listening (/healthz, /metrics)");
        let stop = stopped(stop_rx.clone());
        tasks.spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(stop)
                .await
                .context("HTTP server failed")
        });
    }
    if let Some(alerts) = alerts.filter(|_| !pushes.is_empty()) {
        let stop = stopped(stop_rx.clone());
        tasks.spawn(async move {
            alerts.run(pushes, stop).await;
            Ok(())
        });
    }
    // A platform that stops by itself (a refused password, a revoked token) stops the process
    // with its error, so a supervisor sees a failure instead of a clean exit.
    let mut failure = None;
    tokio::select! {
        () = stop_signal() => tracing::info!("stop requested"),
        Some(done) = tasks.join_next() => {
            match done {
                Ok(Err(e)) => failure = Some(e),
                Err(e) => failure = Some(anyhow::anyhow!("a platform task failed: {e}")),
                Ok(Ok(())) => {}
            }
        }
    }
    let _ = stop_tx.send(true);
    while let Some(done) = tasks.join_next().await {
        if let Ok(Err(e)) = done {
            tracing::error!(error = %e, "platform stopped with an error");
        }
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The conversation pipeline of this process: its cooldowns and admins from the
/// configuration, `!status` and `!reindex` going to the index it serves.
pub fn pipeline(config: &Config, engine: Arc<Engine>) -> Pipeline {
    let cooldowns = Cooldowns {
        user_per_minute: config.cooldown_user_per_minute,
        channel_per_minute: config.cooldown_channel_per_minute,
    };
    crate::lifecycle::pipeline(engine, Some(&config.index_dir), config.index_read_only)
        .with_cooldowns(cooldowns)
        .with_admins(config.admin_users.clone())
}
