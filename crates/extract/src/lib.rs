//! Extraction without I/O: bytes to text (charset), HTML to main text, title, metadata and
//! links, language identification, and the scoring of the extraction evaluation set.
#![forbid(unsafe_code)]

pub mod bounds;
pub mod charset;
pub mod eval;
pub mod lang;
pub mod main_text;
mod prescan;

pub use bounds::{Limits, Refused};
pub use charset::{CharsetSource, Decoded, decode_html, looks_binary};
pub use lang::{Language, LanguageId};
pub use main_text::{Extracted, Method, Strategy, extract, extract_within};
