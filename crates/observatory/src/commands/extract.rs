//! `observatory extract`: the extractor on its own, for any HTML file.

use std::io::Read;

use anyhow::Context;
use serde_json::json;

use crate::cli::ExtractArgs;

/// Reads a whole document; gzip is recognised by its magic bytes.
pub fn read_document(path: Option<&std::path::Path>) -> anyhow::Result<Vec<u8>> {
    let mut raw = Vec::new();
    match path {
        Some(p) if p.as_os_str() != "-" => {
            raw = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        }
        _ => {
            std::io::stdin()
                .read_to_end(&mut raw)
                .context("reading standard input")?;
        }
    }
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .context("the input looks gzip-compressed but does not decompress")?;
        return Ok(out);
    }
    Ok(raw)
}

pub fn run(args: &ExtractArgs) -> anyhow::Result<()> {
    let bytes = read_document(args.file.as_deref())?;
    let url = match &args.url {
        Some(u) => Some(url::Url::parse(u).with_context(|| format!("--url `{u}` is not a URL"))?),
        None => None,
    };
    let languages: Vec<String> = if args.languages.is_empty() {
        extract::lang::DEFAULT_LANGUAGES
            .iter()
            .map(|s| (*s).to_owned())
            .collect()
    } else {
        args.languages.clone()
    };
    let language_id = extract::LanguageId::new(&languages)?;
    let decoded = extract::decode_html(&bytes, None);
    let page = extract::extract(&decoded.text, url.as_ref(), args.extractor)
        .context("the document was not extracted")?;
    let language = language_id.identify(&page.text, page.html_lang.as_deref());
    let out = json!({
        "title": page.title,
        "text": page.text,
        "language": language.as_ref().map(|l| l.code),
        "language_confidence": language.as_ref().map(|l| l.confidence),
        "description": page.description,
        "published": page.published,
        "html_lang": page.html_lang,
        "links": page.links,
        "method": page.method,
        "encoding": decoded.encoding,
        "encoding_source": decoded.source,
        "words": page.text.split_whitespace().count(),
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}
