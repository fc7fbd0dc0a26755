//! Prints what the recommended call returns for one benchmark page: metadata,
//! the raw `content_html`, and the body rendered as paragraphs.
//! usage: cargo run --release --example show -- /var/tmp/aeb <page-id-prefix>

use std::io::Read;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::Path::new(&args[1]);
    let prefix = &args[2];
    let gt: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("ground-truth.json"))?)?;
    let (id, item) = gt.as_object().unwrap().iter().find(|(k, _)| k.starts_with(prefix.as_str())).unwrap();
    let mut html = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(dir.join("html").join(format!("{id}.html.gz")))?)
        .read_to_string(&mut html)?;
    let url = item["url"].as_str().unwrap();

    let opts = trafilatura::Options::default()
        .with_fallback(true)
        .with_focus(trafilatura::ExtractionFocus::FavorPrecision)
        .with_url(url::Url::parse(url)?);
    let r = trafilatura::extract(&html, &opts)?;
    let m = &r.metadata;
    println!("input url: {url}");
    println!("title: {:?}\nauthor: {:?}\nsitename: {:?}\ndate: {:?}\nurl: {:?}\nhostname: {:?}\ndescription: {:?}\nlanguage: {:?}\nimage: {:?}\ncategories: {:?}\ntags: {:?}\npage_type: {:?}",
        m.title, m.author, m.sitename, m.date, m.url, m.hostname, m.description, m.language, m.image, m.categories, m.tags, m.page_type);
    println!("\n--- content_html ---\n{}", r.content_html);
    println!("\n--- content_text (first 400 chars) ---\n{}", r.content_text.chars().take(400).collect::<String>());

    let ds = dom_smoothie::Readability::new(html.as_str(), Some(url), None)?;
    if let Some(ld) = ds.parse_json_ld() {
        println!("\n--- dom_smoothie parse_json_ld ---\n{ld:#?}");
    }
    Ok(())
}
