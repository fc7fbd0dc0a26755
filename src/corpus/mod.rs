//! The coverage corpus: article files, their cleaning and their passages.

pub mod clean;
pub mod frontmatter;
pub mod table;
