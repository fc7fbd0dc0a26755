//! Clippings: answers questions about press coverage with verbatim quoted passages and their
//! source. Layers, bottom to top (each uses only those below it; `tests/layers.rs` checks):
//!
//! 1. [`texts`], [`corpus`], [`command`], [`web`]: user-facing texts; article files, cleaning
//!    and passages; the one command grammar; fetching and reading feeds and pages safely.
//! 2. [`index`]: the tantivy index over passages, its generations on disk, the data watcher.
//! 3. [`engine`]: a command in, a structured [`engine::Answer`] out (topics, queries, ranking,
//!    quotes); [`render`] turns answers into terminal text and JSON; [`eval`] scores answers.
//! 4. [`conversation`]: the pipeline every message goes through (parse, cooldowns, admin
//!    checks, execute, paging, follow-ups, metrics) and the push path.
//! 5. [`ops`] (health and metrics), [`lifecycle`] (opening the index and keeping it current,
//!    `!status` and `!reindex`), [`ingest`] (feeds and article pages fetched, extracted and
//!    stored once each, `!feeds`, `!add <url>`), [`alerts`] (watches matched against new
//!    articles, alerts posted through the push path once each), [`logging`], [`config`].
//! 6. Platforms, which only translate: `discord`, `matrix` (each a cargo feature, both on by
//!    default), [`terminal`].
//! 7. [`supervisor`]: runs the configured platforms together; then [`cli`], the `clippings`
//!    command (`main.rs` only calls it).

pub mod alerts;
pub mod cli;
pub mod command;
pub mod config;
pub mod conversation;
pub mod corpus;
#[cfg(feature = "discord")]
pub mod discord;
pub mod engine;
pub mod eval;
pub mod index;
pub mod ingest;
pub mod lifecycle;
pub mod logging;
#[cfg(feature = "matrix")]
pub mod matrix;
pub mod ops;
pub mod render;
pub mod supervisor;
pub mod terminal;
pub mod texts;
pub mod web;
