//! Custom tantivy queries and scorers, each named for what it does:
//! - [`pruned_phrase`]: a phrase ranked alone, positions checked only where it can still rank;
//! - [`text_or_heading`]: one word or phrase in the text or a section heading;
//! - [`seek_union`]: a union asked only about the passages other requirements allow;
//! - [`two_pass`]: a cheap first pass for candidates, then exact scoring of the best;
//! - [`parallel_segments`]: segments searched side by side when a search is much work;
//! - [`stats`]: BM25 statistics of the live passages, however they are split into segments.

pub mod parallel_segments;
pub mod pruned_phrase;
pub mod seek_union;
pub mod stats;
pub mod text_or_heading;
pub mod two_pass;
