//! Clippings: answers questions about press coverage with verbatim quoted passages and their
//! source.
//!
//! Data flows corpus → passages → index → command → engine → answer → rendering:
//! - [`corpus`]: article files (front matter + raw scraped body), cleaning, passages.
//! - [`index`]: the tantivy index over passages, its generations on disk, the data watcher.
//! - [`command`]: the one command grammar every platform shares (`!ask`, `!capex`, ...).
//! - [`engine`]: turns a command into a structured [`engine::Answer`] (topics, queries,
//!   ranking, quotes, paging).
//! - [`render`]: answers as terminal text and as the stable JSON interface.
//! - [`discord`]: the Discord adapter (gateway bot, HTTP interactions endpoint, embeds).
//! - [`matrix`]: the Matrix adapter (matrix-sdk bot with end-to-end encryption, HTML notices).
//! - [`app`], [`chat`], [`config`], [`logging`]: start-up, live reload, the terminal chat.
//! - [`ops`]: health, metrics and the built-in HTTP server's `/healthz` and `/metrics`.
//! - [`eval`]: answer-quality scoring.

pub mod app;
pub mod chat;
pub mod command;
pub mod config;
pub mod corpus;
pub mod discord;
pub mod engine;
pub mod eval;
pub mod index;
pub mod logging;
pub mod matrix;
pub mod ops;
pub mod platforms;
pub mod render;
pub mod synth;
