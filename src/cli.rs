//! The `clippings` command: the main job (chat platforms, or the terminal chat), and the CLI.
//! `main.rs` only calls [`main`]: compiled here, in the library, the code this pulls in from
//! the platforms is generated once (in the binary it was generated again: 142 s of a release
//! build).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};

use crate::command::{Command, Invocation, sanitize};
use crate::config::{self, Config};
use crate::conversation::{Origin, Pipeline, Platform};
use crate::corpus::{self, ArticleMeta, frontmatter};
use crate::engine::Answer;
use crate::render;
use crate::{alerts, eval, ingest, lifecycle, supervisor, terminal, web};

#[derive(Parser)]
#[command(
    name = "clippings",
    version,
    about = "Answers questions about press coverage with verbatim quotes and their source"
)]
struct Cli {
    /// The corpus folder (articles/ and topics.toml).
    #[arg(long, global = true, env = "CLIPPINGS_DATA")]
    data: Option<PathBuf>,
    /// The index folder (generated).
    #[arg(long, global = true, env = "CLIPPINGS_INDEX")]
    index: Option<PathBuf>,
    /// No progress bars and only warnings in the log.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Option<Cmd>,
}

/// How answers are printed, by the CLI and the terminal chat.
#[derive(Clone, Copy, ValueEnum, Default)]
enum Format {
    #[default]
    Text,
    Json,
    /// The exact Discord message payload the bot would send.
    #[cfg(feature = "discord")]
    Discord,
    /// The exact Matrix event content the bot would send.
    #[cfg(feature = "matrix")]
    Matrix,
}

impl Format {
    /// The answer to `query` as printed.
    fn render(self, query: &str, answer: &Answer) -> String {
        match self {
            Format::Text => render::text::render(answer, terminal::stdout_color()),
            Format::Json => render::json::render(query, answer),
            #[cfg(feature = "discord")]
            Format::Discord => crate::discord::preview(answer),
            #[cfg(feature = "matrix")]
            Format::Matrix => crate::matrix::render::preview(answer),
        }
    }
}

#[derive(Subcommand)]
enum Cmd {
    /// The terminal chat: the bot's commands, one per line (lines without the prefix are questions).
    Chat {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Answer a question with quoted passages.
    Ask(QueryArgs),
    /// Search passages: words, "phrases", -exclusions, OR, source:NAME.
    Search(QueryArgs),
    /// How each outlet reported the same thing: the figures lined up, differences flagged.
    Compare(QueryArgs),
    /// Build the index if data/ changed (or always, with --rebuild).
    Index {
        #[arg(long)]
        rebuild: bool,
        /// Keep running: rebuild and publish a new generation whenever data/ changes (the
        /// index builder for processes started with CLIPPINGS_INDEX_READ_ONLY).
        #[arg(long)]
        watch: bool,
    },
    /// List the topic commands.
    Topics,
    /// Add an article: a web page by its URL (fetched, extracted, stored, indexed), or a text
    /// file with the attribution given as options.
    Add {
        /// An article's URL, or the raw article text (as scraped; `-` reads stdin).
        file: PathBuf,
        /// The title (required for a file; a page's comes from the page).
        #[arg(long)]
        title: Option<String>,
        /// The outlet, when the article names one (leave it out when it doesn't).
        #[arg(long)]
        publisher: Option<String>,
        /// Publication date, YYYY-MM-DD.
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        url: Option<String>,
        #[arg(long)]
        via: Option<String>,
        #[arg(long)]
        notes: Option<String>,
        /// File name (without .md); default from the publisher and title.
        #[arg(long)]
        slug: Option<String>,
    },
    /// What would be stored for a page (its article text and attribution), without storing it.
    Extract {
        /// A saved page (HTML file) or a URL to fetch.
        page: String,
        /// The address of a saved page (for its canonical URL and relative links).
        #[arg(long)]
        url: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The news feeds followed (data/feeds.toml).
    Feed {
        #[command(subcommand)]
        action: FeedCmd,
    },
    /// Score retrieval on a question file (hit@1, hit@3, MRR over the top 5).
    Eval {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Panics on purpose: with RUST_BACKTRACE=1, shows whether this machine's backtraces give
    /// file and line numbers (the release's debug file found beside the binary).
    #[command(hide = true)]
    DebugPanic,
}

#[derive(Subcommand)]
enum FeedCmd {
    /// Follow a feed (RSS, Atom or JSON Feed).
    Add {
        url: String,
        /// How commands name it (default: its host).
        #[arg(long)]
        name: Option<String>,
        /// The outlet, for a feed whose pages don't name one.
        #[arg(long)]
        publisher: Option<String>,
    },
    /// The feeds followed, with their last success and error.
    List,
    /// Stop following a feed (its articles stay).
    Remove { name_or_url: String },
    /// One pass over every feed, then exit (for cron and scripts).
    Poll {
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args)]
struct QueryArgs {
    /// The question or query.
    #[arg(required = true, num_args = 1..)]
    text: Vec<String>,
    /// How many passages.
    #[arg(long, short = 'n', default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=30))]
    limit: u16,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Same as --format json.
    #[arg(long)]
    json: bool,
}

/// The binary's `main`: parses the command line and runs it.
pub fn main() -> ExitCode {
    config::load_dotenv();
    let cli = Cli::parse();
    crate::logging::init(cli.quiet);
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = Config::from_env(cli.data.clone(), cli.index.clone())?;
    let progress = !cli.quiet && std::io::stderr().is_terminal();
    let engine = || {
        let engine = lifecycle::engine_for(
            &config.data_dir,
            &config.index_dir,
            &config.prefix,
            progress,
            config.index_read_only,
        )?;
        anyhow::Ok(supervisor::pipeline(&config, engine))
    };
    match cli.command {
        None => main_job(&config, progress),
        Some(Cmd::Chat { format }) => {
            let (pipeline, _reloader, _alerts) = serve(&config, progress)?;
            terminal::run(&pipeline, &|q, a| format.render(q, a), true)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Ask(args)) => one_shot(&engine()?, Command::Ask, args),
        Some(Cmd::Search(args)) => one_shot(&engine()?, Command::Search, args),
        Some(Cmd::Compare(args)) => one_shot(&engine()?, Command::Compare, args),
        Some(Cmd::Index { rebuild, watch }) => {
            if config.index_read_only {
                anyhow::bail!(
                    "CLIPPINGS_INDEX_READ_ONLY is set: this process only reads the index; run `clippings index` where it is built"
                );
            }
            let (snapshot, freshness) =
                lifecycle::open_index(&config.data_dir, &config.index_dir, rebuild, progress)?;
            let m = &snapshot.manifest;
            let state = freshness_text(freshness);
            println!(
                "index {state}: {} articles, {} passages, {} files skipped ({})",
                m.articles.len(),
                m.passages,
                m.warnings.len(),
                snapshot.dir.display()
            );
            for w in &m.warnings {
                println!("  {w}");
            }
            if watch {
                println!(
                    "watching {} for changes (Ctrl-C stops)",
                    config.data_dir.display()
                );
                lifecycle::rebuild_on_change(
                    &config.data_dir,
                    &config.index_dir,
                    |snapshot, freshness| {
                        println!(
                            "index {}: {} articles, {} passages ({})",
                            freshness_text(freshness),
                            snapshot.manifest.articles.len(),
                            snapshot.manifest.passages,
                            snapshot.dir.display()
                        )
                    },
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Topics) => {
            let reply = engine()?.run(&cli_origin(), invocation(Command::Topics, false));
            print_answer(&reply.into_answer(), Format::Text, "topics");
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Add {
            file,
            title,
            publisher,
            date,
            url,
            via,
            notes,
            slug,
        }) => {
            let text = file.to_string_lossy();
            if text.starts_with("http://") || text.starts_with("https://") {
                return add_url(&config, &text, progress);
            }
            let Some(title) = title else {
                anyhow::bail!(
                    "--title is required when adding a file (a URL's comes from its page)"
                );
            };
            let meta = ArticleMeta {
                title,
                publisher,
                date,
                url,
                via,
                notes,
                ..ArticleMeta::default()
            };
            let path = add(&config.data_dir, &file, meta, slug)?;
            println!("added {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Extract { page, url, json }) => extract(&config, &page, url.as_deref(), json),
        Some(Cmd::Feed { action }) => feed_command(&config, action, progress),
        Some(Cmd::Eval { file, json }) => {
            let pipeline = engine()?;
            let report = eval::run_file(pipeline.engine(), &file)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", report.table());
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::DebugPanic) => deliberate_panic(),
    }
}

/// A panic two calls deep, so that the backtrace has frames of this file to resolve.
#[inline(never)]
fn deliberate_panic() -> ! {
    std::hint::black_box(panic_here as fn() -> !)()
}

#[inline(never)]
fn panic_here() -> ! {
    panic!("a deliberate panic (clippings debug-panic), to check that backtraces resolve")
}

/// The operator at the command line.
fn cli_origin() -> Origin {
    Origin::new(Platform::Cli, "cli", "operator")
}

fn invocation(command: Command, truncated: bool) -> Invocation {
    Invocation { command, truncated }
}

/// The pipeline of a long-running bot, its index kept current while the reloader lives.
fn serve(
    config: &Config,
    progress: bool,
) -> anyhow::Result<(
    Pipeline,
    lifecycle::Reloader,
    Option<std::sync::Arc<alerts::Alerts>>,
)> {
    let engine = lifecycle::serving_engine(
        &config.data_dir,
        &config.index_dir,
        &config.prefix,
        progress,
        config.index_read_only,
    )?;
    let reloader =
        lifecycle::keep_current(engine.clone(), &config.index_dir, config.index_read_only)?;
    let mut pipeline = supervisor::pipeline(config, engine);
    // Feeds are polled by the process that writes the index; any may answer !feeds and !add.
    match ingest::chat::Desk::start(config, !config.index_read_only) {
        Ok(desk) => pipeline = pipeline.with_coverage(desk),
        Err(e) => tracing::warn!(error = %format!("{e:#}"), "coverage from the web is off"),
    }
    // Every bot process keeps watches and posts its platforms' alerts, a read-only follower
    // too: the processes serving one index share the state, so each article is matched once
    // and each message posted by one of them.
    let settings = alerts::Settings {
        interval: config.alert_min_interval,
    };
    let alerts = match alerts::Alerts::open(pipeline.engine().clone(), settings) {
        Ok(alerts) => {
            let alerts = std::sync::Arc::new(alerts);
            pipeline = pipeline.with_watching(alerts.clone());
            Some(alerts)
        }
        Err(e) => {
            tracing::warn!(error = %e, "alerts are off");
            None
        }
    };
    Ok((pipeline, reloader, alerts))
}

/// The main job: every configured chat platform, or the terminal chat when none is.
fn main_job(config: &Config, progress: bool) -> anyhow::Result<ExitCode> {
    let (pipeline, _reloader, alerts) = serve(config, progress)?;
    let endpoint = config.discord_public_key.as_ref().zip(config.http_listen);
    if config.discord_token.is_none() && endpoint.is_none() && config.matrix.is_none() {
        terminal::run(&pipeline, &|q, a| Format::Text.render(q, a), true)?;
        return Ok(ExitCode::SUCCESS);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(supervisor::run(
        config,
        std::sync::Arc::new(pipeline),
        alerts,
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// `clippings ask` and `clippings search`: one typed command, printed.
fn one_shot(
    pipeline: &Pipeline,
    command: fn(String) -> Command,
    args: QueryArgs,
) -> anyhow::Result<ExitCode> {
    let text = args.text.join(" ");
    let format = if args.json { Format::Json } else { args.format };
    let (argument, truncated) = sanitize(&text);
    let reply = pipeline.run_with_limit(
        &cli_origin(),
        invocation(command(argument), truncated),
        Some(usize::from(args.limit)),
    );
    let answer = reply.into_answer();
    let found = matches!(answer, Answer::Passages(_));
    print_answer(&answer, format, &text);
    Ok(if found {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_answer(answer: &Answer, format: Format, query: &str) {
    println!("{}", format.render(query, answer));
}

/// Writes a new article file with front matter; refuses to overwrite.
fn add(
    data_dir: &std::path::Path,
    file: &std::path::Path,
    meta: ArticleMeta,
    slug: Option<String>,
) -> anyhow::Result<PathBuf> {
    let body = if file.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).context("cannot read stdin")?
    } else {
        let bytes =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", file.display()))?
    };
    let meta = frontmatter::check(meta)?;
    let slug = slug.map(|s| corpus::slugify(&s)).unwrap_or_else(|| {
        let publisher = meta.publisher.as_deref().unwrap_or_default();
        corpus::slugify(&format!("{publisher} {}", meta.title))
    });
    match ingest::store::write_new(data_dir, &slug, meta, &body) {
        Ok(path) => Ok(path),
        Err(ingest::store::StoreError::Exists(path)) => {
            anyhow::bail!("{} already exists; choose another --slug", path.display())
        }
        Err(e) => Err(e.into()),
    }
}

/// A runtime for one CLI command that fetches.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// A spinner on a terminal that names the page being fetched; nothing otherwise.
fn spinner(progress: bool) -> indicatif::ProgressBar {
    if !progress {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// Brings the index up to date with what was just stored (in place), when this process may
/// write it; a running bot that holds the index picks the files up itself.
fn index_new_articles(config: &Config, json: bool) {
    let say = |text: String| {
        if json {
            eprintln!("{text}")
        } else {
            println!("{text}")
        }
    };
    if config.index_read_only {
        say("the index is read-only here: the process that writes it picks the articles up".into());
        return;
    }
    match lifecycle::open_index(&config.data_dir, &config.index_dir, false, false) {
        Ok((_, freshness)) => say(format!("index {}", freshness_text(freshness))),
        Err(e) => say(format!(
            "not indexed yet ({e:#}): the next `clippings index` or the running bot will"
        )),
    }
}

/// `clippings add URL`.
fn add_url(config: &Config, url: &str, progress: bool) -> anyhow::Result<ExitCode> {
    let rt = runtime()?;
    let ingester = {
        let _guard = rt.enter();
        ingest::chat::open_ingester(config)?
    };
    let bar = spinner(progress);
    bar.set_message(format!("fetching {url}"));
    let outcome = rt.block_on(ingester.add_url(url));
    bar.finish_and_clear();
    match outcome {
        Ok(outcome) => {
            println!("{}", ingest::chat::added_text(&outcome, &ingester));
            if !matches!(outcome, ingest::Outcome::Duplicate(_)) {
                index_new_articles(config, false);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => anyhow::bail!("{url}: {e}"),
    }
}

/// `clippings extract`.
fn extract(config: &Config, page: &str, url: Option<&str>, json: bool) -> anyhow::Result<ExitCode> {
    let (html, page_url) = if page.starts_with("http://") || page.starts_with("https://") {
        let page_url = web::address::parse(page).map_err(|e| anyhow::anyhow!("{page}: {e}"))?;
        let fetcher = web::Fetcher::new(ingest::chat::fetch_settings(config))?;
        let rt = runtime()?;
        let fetched = rt
            .block_on(fetcher.get(&page_url, web::Kind::Article, &web::Validators::default()))
            .map_err(|e| anyhow::anyhow!("{page}: {e}"))?;
        match fetched {
            web::Fetched::Page(p) => (p.text(), p.url),
            web::Fetched::NotModified => anyhow::bail!("{page}: the server sent no page"),
        }
    } else {
        let bytes = std::fs::read(page).with_context(|| format!("cannot read {page}"))?;
        let page_url = match url {
            Some(u) => web::address::parse(u).map_err(|e| anyhow::anyhow!("--url {u}: {e}"))?,
            None => url::Url::parse("file:///saved-page").expect("a valid address"),
        };
        (web::charset::decode(&bytes, None), page_url)
    };
    let mut extracted = web::extract::extract(&html, &page_url);
    if extracted.url.is_none() {
        if page_url.scheme() == "file" {
            extracted
                .notes
                .push("the page names no address of its own: give it with --url".into());
        } else {
            // The address it was fetched from (or given with --url), without tracking parameters.
            extracted.url = Some(web::address::normalize(&page_url));
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&extracted.to_json())?);
    } else {
        print!("{}", extracted.to_text());
    }
    Ok(if extracted.text.trim().is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `clippings feed ...`.
fn feed_command(config: &Config, action: FeedCmd, progress: bool) -> anyhow::Result<ExitCode> {
    use ingest::feeds;
    match action {
        FeedCmd::Add {
            url,
            name,
            publisher,
        } => {
            let entry = feeds::add(
                &config.data_dir,
                &url,
                name.as_deref(),
                publisher.as_deref(),
            )?;
            println!("following {} ({})", entry.label(), entry.url);
        }
        FeedCmd::Remove { name_or_url } => {
            let entry = feeds::remove(&config.data_dir, &name_or_url)?;
            println!("no longer following {} ({})", entry.label(), entry.url);
        }
        FeedCmd::List => {
            let list = feeds::load(&config.data_dir)?;
            if list.is_empty() {
                println!("no feeds followed: `clippings feed add URL` adds one");
            }
            let rt = runtime()?;
            let ingester = {
                let _guard = rt.enter();
                ingest::chat::open_ingester(config)?
            };
            for (feed, health) in list.iter().zip(ingester.health(&list)) {
                println!(
                    "{}\t{}\t{}",
                    health.name,
                    feed.url,
                    crate::ops::feed_line(&health)
                );
            }
        }
        FeedCmd::Poll { json } => {
            let rt = runtime()?;
            let ingester = {
                let _guard = rt.enter();
                ingest::chat::open_ingester(config)?
            };
            let bar = spinner(progress);
            let report =
                rt.block_on(ingester.poll(false, &|url| bar.set_message(url.to_string())))?;
            bar.finish_and_clear();
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                for f in &report.feeds {
                    println!(
                        "{}: {} new, {} updated, {} duplicate, {} refused, {} failed{}",
                        f.feed,
                        f.new,
                        f.updated,
                        f.duplicate,
                        f.refused,
                        f.failed,
                        match (&f.error, f.not_modified) {
                            (Some(e), _) => format!(" (feed not read: {e})"),
                            (None, true) => " (not modified)".to_string(),
                            _ => String::new(),
                        }
                    );
                    for p in &f.problems {
                        println!("  {p}");
                    }
                }
                println!("{}", report.summary());
            }
            if report.changed() {
                index_new_articles(config, json);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What `clippings index` did, in a few words.
fn freshness_text(freshness: crate::index::Freshness) -> String {
    use crate::index::Freshness;
    match freshness {
        Freshness::Rebuilt => "built".into(),
        Freshness::UpToDate => "up to date".into(),
        Freshness::Updated(c) => format!(
            "updated in place ({} added, {} changed, {} removed, {} skipped)",
            c.added, c.updated, c.removed, c.skipped
        ),
    }
}
