//! Clippings: answers questions about press coverage with verbatim quoted passages.
//!
//! Data flows corpus → passages → index → command → answer → platform rendering:
//! - [`corpus`]: article files (front matter + raw body), cleaning, passages.
pub mod corpus;
