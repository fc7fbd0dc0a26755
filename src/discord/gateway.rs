//! The gateway bot: serenity's client, prefix commands in channels and DMs, slash commands,
//! buttons and autocomplete, with automatic sharding, a watchdog and graceful shutdown.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use serenity::all::{
    ChannelId, Context, CreateAllowedMentions, EventHandler, GatewayIntents, GuildId, HttpBuilder,
    Interaction, Message as SerenityMessage, Ready, ShardId,
};
use serenity::async_trait;
use serenity::gateway::ConnectionStage;

use super::{Discord, Incoming};
use crate::config::Secret;

/// A slash interaction must be answered within 3 s; past this, it is deferred first.
pub const DEFER_AFTER: Duration = Duration::from_millis(1500);
/// A shard not connected for this long is restarted.
const SILENT_SHARD: Duration = Duration::from_secs(90);

/// How to connect to Discord.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    pub token: Secret,
    /// Registers slash commands in this guild only (instant, for development).
    pub guild_id: Option<u64>,
    /// Send every REST call through this HTTP rate-limit proxy (its own limiter then off).
    pub proxy: Option<String>,
    /// An interaction not answered by then is deferred, then completed ([`DEFER_AFTER`]); zero
    /// defers every interaction at once.
    pub defer_after: Duration,
    /// A shard not connected for this long is restarted by the watchdog ([`SILENT_SHARD`]).
    pub silent_after: Duration,
    /// How often the watchdog looks.
    pub watch_every: Duration,
    /// The shards this process runs; autosharding when `None`.
    pub shards: Option<crate::config::ShardPlan>,
}

impl GatewayConfig {
    pub fn new(token: Secret) -> GatewayConfig {
        GatewayConfig {
            token,
            guild_id: None,
            proxy: None,
            defer_after: DEFER_AFTER,
            silent_after: SILENT_SHARD,
            watch_every: Duration::from_secs(15),
            shards: None,
        }
    }
}

struct Handler {
    discord: Arc<Discord>,
    guild_id: Option<u64>,
    registered: AtomicBool,
    /// The bot's own user id, once READY said it.
    bot_id: AtomicU64,
    defer_after: Duration,
}

#[async_trait]
impl EventHandler for Handler {
    async fn shard_stage_update(
        &self,
        _ctx: Context,
        event: serenity::gateway::ShardStageUpdateEvent,
    ) {
        if !matches!(event.new, ConnectionStage::Connected) {
            crate::ops::status().discord_shard(event.shard_id.0, false);
        }
    }

    async fn resume(&self, ctx: Context, _: serenity::model::event::ResumedEvent) {
        tracing::info!(shard = ctx.shard_id.0, "discord session resumed");
        crate::ops::status().discord_shard(ctx.shard_id.0, true);
    }

    async fn ready(&self, ctx: Context, ready: Ready) {
        crate::ops::status().discord_shard(ctx.shard_id.0, true);
        ctx.http.set_application_id(ready.application.id);
        self.bot_id.store(ready.user.id.get(), Ordering::SeqCst);
        tracing::info!(shard = ?ready.shard, guilds = ready.guilds.len(), "discord ready");
        // Registered once per bot: by the process (and session) that runs shard 0.
        if ctx.shard_id.0 != 0 || self.registered.swap(true, Ordering::SeqCst) {
            return;
        }
        let definitions = super::commands::definitions();
        let result = match self.guild_id {
            Some(guild) => {
                ctx.http
                    .create_guild_commands(GuildId::new(guild), &definitions)
                    .await
            }
            None => ctx.http.create_global_commands(&definitions).await,
        };
        match result {
            Ok(commands) => {
                tracing::info!(count = commands.len(), guild = ?self.guild_id, "slash commands registered")
            }
            Err(e) => {
                self.registered.store(false, Ordering::SeqCst);
                tracing::error!(error = %e, "slash commands not registered");
            }
        }
    }

    async fn message(&self, ctx: Context, msg: SerenityMessage) {
        if msg.author.bot || msg.author.id.get() == self.bot_id.load(Ordering::SeqCst) {
            return;
        }
        let discord = self.discord.clone();
        let content = msg.content.clone();
        let (message_id, channel_id, author_id) =
            (msg.id.get(), msg.channel_id.get(), msg.author.id.get());
        let needs_manager = discord
            .pipeline()
            .parse(&content)
            .is_some_and(|p| p.invocation.command.needs_place_manager());
        let manager = needs_manager
            && manages_channel(&ctx.http, msg.guild_id, msg.channel_id, msg.author.id).await;
        let reply = discord
            .blocking(None, move |discord| {
                discord.reply_to(&Incoming {
                    message_id,
                    channel_id,
                    author_id,
                    author_is_bot: false,
                    content: &content,
                    manager,
                })
            })
            .await;
        let Ok(Some((reply, files))) = reply else {
            return;
        };
        if let Err(e) = ctx
            .http
            .send_message(ChannelId::new(channel_id), files, &reply)
            .await
        {
            tracing::warn!(channel = channel_id, error = %e, "reply not sent");
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let (id, token) = (interaction.id(), interaction.token().to_string());
        let hide =
            matches!(&interaction, Interaction::Command(c) if super::commands::hidden(&c.data));
        let discord = self.discord.clone();
        let mut work = Box::pin(discord.blocking(None, move |discord| {
            discord.on_interaction_with_files(&interaction, true)
        }));
        // Zero defers at once: a zero sleep still waits for the timer's next tick (about a
        // millisecond), which a fast answer can beat.
        let response = if self.defer_after.is_zero() {
            None
        } else {
            tokio::select! {
                done = &mut work => done.ok(),
                () = tokio::time::sleep(self.defer_after) => None,
            }
        };
        let result = match response {
            Some((response, files)) => {
                ctx.http
                    .create_interaction_response(id, &token, &response, files)
                    .await
            }
            None => {
                let defer = if hide {
                    super::response(
                        super::callback::DEFERRED_CHANNEL_MESSAGE,
                        serde_json::json!({"flags": super::render::EPHEMERAL}),
                    )
                } else {
                    serde_json::json!({"type": super::callback::DEFERRED_CHANNEL_MESSAGE})
                };
                if let Err(e) = ctx
                    .http
                    .create_interaction_response(id, &token, &defer, Vec::new())
                    .await
                {
                    tracing::warn!(error = %e, "defer not sent");
                }
                match work.await.ok() {
                    Some((response, files)) => {
                        let data = response.get("data").cloned().unwrap_or(Value::Null);
                        ctx.http
                            .edit_original_interaction_response(&token, &data, files)
                            .await
                            .map(|_| ())
                    }
                    None => {
                        tracing::error!("interaction handler failed");
                        return;
                    }
                }
            }
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "interaction response not sent");
        }
    }
}

/// Whether a member may manage a channel (Manage Channels there, from the guild's roles and
/// the channel's overwrites); in a DM the conversation is the user's own.
async fn manages_channel(
    http: &serenity::http::Http,
    guild: Option<serenity::all::GuildId>,
    channel: ChannelId,
    user: serenity::all::UserId,
) -> bool {
    let Some(guild) = guild else {
        return true;
    };
    let (guild, member, channel) = tokio::join!(
        http.get_guild(guild),
        http.get_member(guild, user),
        http.get_channel(channel)
    );
    match (guild, member, channel.map(|c| c.guild())) {
        (Ok(guild), Ok(member), Ok(Some(channel))) => guild
            .user_permissions_in(&channel, &member)
            .manage_channels(),
        (g, m, c) => {
            let failed = [g.err(), m.err(), c.err()].into_iter().flatten().next();
            tracing::warn!(error = ?failed.map(|e| e.to_string()), "cannot read channel permissions; refusing");
            false
        }
    }
}

/// Runs the gateway bot until `shutdown` resolves (then closes every shard cleanly).
pub async fn run(
    discord: Arc<Discord>,
    config: GatewayConfig,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let http = http(&config.token, config.proxy.as_deref());
    let intents = GatewayIntents::GUILD_MESSAGES
        | GatewayIntents::DIRECT_MESSAGES
        | GatewayIntents::MESSAGE_CONTENT;
    let handler = Handler {
        discord,
        guild_id: config.guild_id,
        registered: AtomicBool::new(false),
        bot_id: AtomicU64::new(0),
        defer_after: config.defer_after,
    };
    let mut client = serenity::client::ClientBuilder::new_with_http(http, intents)
        .event_handler(handler)
        .await
        .map_err(|e| anyhow::anyhow!("cannot start the Discord client: {e}"))?;
    crate::ops::status().discord_configured();
    let manager = client.shard_manager.clone();
    let watchdog = tokio::spawn(watchdog(
        manager.clone(),
        config.watch_every,
        config.silent_after,
    ));
    let result = tokio::select! {
        result = start(&mut client, config.shards) => result.map_err(|e| anyhow::anyhow!("Discord connection failed: {e}")),
        () = shutdown => {
            tracing::info!("shutting down the Discord shards");
            manager.shutdown_all().await;
            Ok(())
        }
    };
    watchdog.abort();
    result
}

/// The REST client: nothing it sends can ping anyone; through the rate-limit proxy when one is
/// set (its own limiter then off).
pub fn http(token: &Secret, proxy: Option<&str>) -> serenity::http::Http {
    let mut http =
        HttpBuilder::new(token.expose()).default_allowed_mentions(CreateAllowedMentions::new());
    if let Some(proxy) = proxy {
        http = http.proxy(proxy).ratelimiter_disabled(true);
    }
    http.build()
}

/// Runs every shard (autosharding) or the planned range of them.
async fn start(
    client: &mut serenity::Client,
    plan: Option<crate::config::ShardPlan>,
) -> serenity::Result<()> {
    match plan {
        None => client.start_autosharded().await,
        Some(plan) => {
            tracing::info!(
                first = plan.first,
                last = plan.last,
                total = plan.total,
                "running a range of shards"
            );
            client
                .start_shard_range(plan.first..plan.last + 1, plan.total)
                .await
        }
    }
}

/// Restarts a shard that has not been connected (READY received) for `silent_after`: serenity
/// reconnects a socket that drops or misses heartbeats, but not a session stuck before READY.
async fn watchdog(
    manager: Arc<serenity::gateway::ShardManager>,
    every: Duration,
    silent_after: Duration,
) {
    let mut down_since: HashMap<ShardId, Instant> = HashMap::new();
    loop {
        tokio::time::sleep(every).await;
        let stages: Vec<(ShardId, ConnectionStage)> = manager
            .runners
            .lock()
            .await
            .iter()
            .map(|(id, info)| (*id, info.stage))
            .collect();
        for (id, stage) in stages {
            if matches!(stage, ConnectionStage::Connected) {
                down_since.remove(&id);
                continue;
            }
            let since = *down_since.entry(id).or_insert_with(Instant::now);
            if since.elapsed() > silent_after {
                tracing::warn!(shard = id.0, ?stage, "shard silent; restarting it");
                manager.restart(id).await;
                down_since.remove(&id);
            }
        }
    }
}
