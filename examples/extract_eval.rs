//! The product's own article extraction (`clippings::web::extract`) on the public
//! article-extraction benchmark (scrapinghub/article-extraction-benchmark: 181 news pages with
//! hand-written bodies). Writes the body of each page in the benchmark's output format, to be
//! scored by the benchmark's own `evaluate.py`:
//!
//! ```sh
//! cargo run --release --example extract_eval -- /var/tmp/aeb /var/tmp/aeb-clippings
//! cd /var/tmp/aeb-clippings && python3 /var/tmp/aeb/evaluate.py
//! ```
//!
//! The dataset is read from a local checkout given as the first argument (never committed).

use std::io::Read as _;
use std::path::PathBuf;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(dataset), Some(out)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: extract_eval BENCHMARK_DIR OUT_DIR");
    };
    let dataset = PathBuf::from(dataset);
    let out = PathBuf::from(out);
    std::fs::create_dir_all(out.join("output"))?;
    let truth: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(dataset.join("ground-truth.json"))?)?;
    let mut bodies = serde_json::Map::new();
    let mut empty = 0;
    let mut spent = std::time::Duration::ZERO;
    for (id, item) in &truth {
        let path = dataset.join("html").join(format!("{id}.html.gz"));
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path)?).read_to_end(&mut bytes)?;
        let html = clippings::web::charset::decode(&bytes, None);
        let url = item["url"].as_str().unwrap_or("https://example.com/");
        let url = url::Url::parse(url)
            .unwrap_or_else(|_| url::Url::parse("https://example.com/").unwrap());
        let started = Instant::now();
        let extracted = clippings::web::extract::extract(&html, &url);
        spent += started.elapsed();
        if extracted.text.is_empty() {
            empty += 1;
        }
        bodies.insert(
            id.clone(),
            serde_json::json!({ "articleBody": extracted.text }),
        );
    }
    std::fs::write(
        out.join("output").join("clippings.json"),
        serde_json::to_string(&bodies)?,
    )?;
    std::fs::copy(
        dataset.join("ground-truth.json"),
        out.join("ground-truth.json"),
    )?;
    println!(
        "{} pages, {} empty, {:.1} ms per page (extraction and attribution); score with: cd {} && python3 {}/evaluate.py",
        truth.len(),
        empty,
        spent.as_secs_f64() * 1000.0 / truth.len().max(1) as f64,
        out.display(),
        dataset.display()
    );
    Ok(())
}
