//! The web: fetching feeds and article pages safely, and reading them. Everything fetched is
//! hostile input: addresses are checked ([`safety`]), responses capped ([`fetch`]), text
//! decoded in its charset ([`charset`]), feeds read by a kept parser ([`feed`]).

pub mod address;
pub mod charset;
pub mod extract;
pub mod feed;
pub mod fetch;
pub mod safety;

pub use fetch::{FetchError, FetchSettings, Fetched, Fetcher, Kind, Page, Validators};
