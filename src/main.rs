//! The `clippings` command: the main job (chat platforms, or the terminal chat), and the CLI.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};

use clippings::command::{Command, Invocation, sanitize};
use clippings::config::{self, Config};
use clippings::conversation::{Origin, Pipeline, Platform};
use clippings::corpus::{self, ArticleMeta, frontmatter};
use clippings::engine::Answer;
use clippings::render;
use clippings::{eval, lifecycle, supervisor, terminal};

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
    Discord,
    /// The exact Matrix event content the bot would send.
    Matrix,
}

impl Format {
    /// The answer to `query` as printed.
    fn render(self, query: &str, answer: &Answer) -> String {
        match self {
            Format::Text => render::text::render(answer, terminal::stdout_color()),
            Format::Json => render::json::render(query, answer),
            Format::Discord => clippings::discord::preview(answer),
            Format::Matrix => clippings::matrix::render::preview(answer),
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
    /// Add an article file to data/articles with its front matter.
    Add {
        /// The raw article text (as scraped); `-` reads stdin.
        file: PathBuf,
        #[arg(long)]
        title: String,
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
    /// Score retrieval on a question file (hit@1, hit@3, MRR over the top 5).
    Eval {
        file: PathBuf,
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

fn main() -> ExitCode {
    config::load_dotenv();
    let cli = Cli::parse();
    clippings::logging::init(cli.quiet);
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
            let (pipeline, _reloader) = serve(&config, progress)?;
            terminal::run(&pipeline, &|q, a| format.render(q, a), true)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Ask(args)) => one_shot(&engine()?, Command::Ask, args),
        Some(Cmd::Search(args)) => one_shot(&engine()?, Command::Search, args),
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
            let meta = ArticleMeta {
                title,
                publisher,
                date,
                url,
                via,
                notes,
            };
            let path = add(&config.data_dir, &file, meta, slug)?;
            println!("added {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
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
    }
}

/// The operator at the command line.
fn cli_origin() -> Origin {
    Origin::new(Platform::Cli, "cli", "operator")
}

fn invocation(command: Command, truncated: bool) -> Invocation {
    Invocation { command, truncated }
}

/// The pipeline of a long-running bot, its index kept current while the reloader lives.
fn serve(config: &Config, progress: bool) -> anyhow::Result<(Pipeline, lifecycle::Reloader)> {
    let engine = lifecycle::serving_engine(
        &config.data_dir,
        &config.index_dir,
        &config.prefix,
        progress,
        config.index_read_only,
    )?;
    let reloader =
        lifecycle::keep_current(engine.clone(), &config.index_dir, config.index_read_only)?;
    Ok((supervisor::pipeline(config, engine), reloader))
}

/// The main job: every configured chat platform, or the terminal chat when none is.
fn main_job(config: &Config, progress: bool) -> anyhow::Result<ExitCode> {
    let (pipeline, _reloader) = serve(config, progress)?;
    let endpoint = config.discord_public_key.as_ref().zip(config.http_listen);
    if config.discord_token.is_none() && endpoint.is_none() && config.matrix.is_none() {
        terminal::run(&pipeline, &|q, a| Format::Text.render(q, a), true)?;
        return Ok(ExitCode::SUCCESS);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(supervisor::run(config, std::sync::Arc::new(pipeline)))?;
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
    let dir = corpus::articles_dir(data_dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("{slug}.md"));
    let text = frontmatter::render(&meta, &body);
    // Written aside and moved in place only if no article has the name (atomically: a running
    // bot never reads half a file, and an existing article is never replaced).
    let mut tmp = tempfile::Builder::new()
        .prefix(".clippings-add-")
        .tempfile_in(&dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    std::io::Write::write_all(&mut tmp, text.as_bytes())
        .with_context(|| format!("cannot write {}", tmp.path().display()))?;
    // Readable like any other article (the temporary file starts owner-only).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = tmp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    match tmp.persist_noclobber(&path) {
        Ok(_) => Ok(path),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
            anyhow::bail!("{} already exists; choose another --slug", path.display())
        }
        Err(e) => Err(e.error).with_context(|| format!("cannot write {}", path.display())),
    }
}

/// What `clippings index` did, in a few words.
fn freshness_text(freshness: clippings::index::Freshness) -> String {
    use clippings::index::Freshness;
    match freshness {
        Freshness::Rebuilt => "built".into(),
        Freshness::UpToDate => "up to date".into(),
        Freshness::Updated(c) => format!(
            "updated in place ({} added, {} changed, {} removed, {} skipped)",
            c.added, c.updated, c.removed, c.skipped
        ),
    }
}
