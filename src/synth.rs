//! A deterministic generator of realistic news coverage in the data format, for benchmarks at
//! archive scale: outlets, dates, headlines and paragraphs built from the vocabulary, figures
//! and sentence shapes of real coverage, so the real ingest path is measured too.

use std::io::Write;
use std::path::Path;

/// A small, fast, deterministic pseudo-random generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const OUTLETS: &[&str] = &[
    "Reuters",
    "Bloomberg",
    "Invezz",
    "InvestingCube",
    "ABMedia",
    "Info Finance",
    "CNBC",
    "Caixin",
    "South China Morning Post",
    "Nikkei Asia",
    "TechCrunch",
    "The Information",
    "Barron's",
    "MarketWatch",
];
const COMPANIES: &[&str] = &[
    "Alibaba",
    "Tencent",
    "Baidu",
    "JD.com",
    "Huawei",
    "ByteDance",
    "SMIC",
    "Hua Hong",
    "Naura",
    "Nvidia",
    "AMD",
    "Meituan",
    "PDD",
    "Xiaomi",
    "NetEase",
    "Kuaishou",
    "DeepSeek",
    "Zhipu",
    "Moonshot",
    "Cambricon",
];
const PEOPLE: &[&str] = &[
    "Eddie Wu",
    "Joe Tsai",
    "Pony Ma",
    "Robin Li",
    "Jensen Huang",
    "Lei Jun",
    "Phelix Lee",
    "Vey-Sern Ling",
    "Cathie Wood",
    "Liang Wenfeng",
];
const PRODUCTS: &[&str] = &[
    "Qwen3-Max",
    "Qwen3-Next",
    "Ernie 4.5",
    "Hunyuan",
    "Kunlun P800",
    "Zhenwu",
    "Ascend 910C",
    "H20",
    "RTX Pro 6000D",
    "Blackwell",
    "DeepSeek-V3",
    "Doubao",
];
const PLACES: &[&str] = &[
    "Hong Kong",
    "Shanghai",
    "Shenzhen",
    "Hangzhou",
    "Beijing",
    "Brazil",
    "France",
    "the Netherlands",
    "Mexico",
    "Japan",
    "South Korea",
    "Malaysia",
    "Dubai",
    "Singapore",
    "New York",
];
const TOPICS: &[&str] = &[
    "AI infrastructure",
    "cloud computing",
    "data centers",
    "semiconductor self-sufficiency",
    "export controls",
    "convertible bonds",
    "capital expenditure",
    "large language models",
    "AI accelerators",
    "e-commerce",
    "chip equipment",
    "regulatory scrutiny",
    "foreign investment",
];
const VERBS: &[&str] = &[
    "announced",
    "said",
    "pledged",
    "unveiled",
    "reported",
    "expects",
    "plans",
    "confirmed",
    "estimated",
    "warned",
    "raised",
    "cut",
];
const MOVES: &[&str] = &[
    "rose", "jumped", "surged", "climbed", "fell", "slipped", "dropped", "gained", "rallied",
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const FILLER: &[&str] = &[
    "Analysts said the move reflects a broader shift in the sector.",
    "Investors will be watching closely to see whether the spending pays off.",
    "The company did not disclose further details.",
    "Competition at home and abroad continues to intensify.",
    "The announcement came as markets weighed the outlook for Chinese technology stocks.",
    "Regulators have signalled a more supportive stance toward private tech firms.",
];

fn money(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => format!("${}.{} billion", 1 + rng.below(90), rng.below(10)),
        1 => format!("{} billion yuan", 10 + rng.below(490)),
        2 => format!("HK${}.{:02}", 50 + rng.below(200), rng.below(100)),
        _ => format!("US${}.{} million", 1 + rng.below(900), rng.below(10)),
    }
}

fn percent(rng: &mut Rng) -> String {
    format!("{}.{}%", rng.below(30), rng.below(10))
}

fn sentence(rng: &mut Rng) -> String {
    let company = rng.pick(COMPANIES);
    match rng.below(7) {
        0 => format!(
            "{company} {} it will invest {} in {} over the next {} years.",
            rng.pick(VERBS),
            money(rng),
            rng.pick(TOPICS),
            2 + rng.below(4)
        ),
        1 => format!(
            "Shares of {company} {} {} in {} on {}, their highest level since {}.",
            rng.pick(MOVES),
            percent(rng),
            rng.pick(PLACES),
            rng.pick(&["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]),
            2015 + rng.below(10)
        ),
        2 => format!(
            "Chief executive {} {} that demand for {} is growing faster than expected.",
            rng.pick(PEOPLE),
            rng.pick(VERBS),
            rng.pick(TOPICS)
        ),
        3 => format!(
            "The {} model, {}, is aimed at reducing training costs for {} customers.",
            rng.pick(&["new", "latest", "flagship", "open-source"]),
            rng.pick(PRODUCTS),
            rng.pick(PLACES)
        ),
        4 => format!(
            "On {} {}, {company} said revenue from {} grew {} year on year.",
            rng.pick(MONTHS),
            1 + rng.below(28),
            rng.pick(TOPICS),
            percent(rng)
        ),
        5 => format!(
            "“We are committed to {} and will keep investing,” {} said at the conference in {}.",
            rng.pick(TOPICS),
            rng.pick(PEOPLE),
            rng.pick(PLACES)
        ),
        _ => rng.pick(FILLER).to_string(),
    }
}

fn paragraph(rng: &mut Rng) -> String {
    let n = 1 + rng.below(4);
    (0..n).map(|_| sentence(rng)).collect::<Vec<_>>().join(" ")
}

/// Writes articles with `passages` paragraphs in all (about `per_article` each) into
/// `data_dir/articles`, plus the shipped topics; returns the number of files written.
pub fn generate(
    data_dir: &Path,
    passages: usize,
    per_article: usize,
    seed: u64,
) -> std::io::Result<usize> {
    let articles = data_dir.join("articles");
    std::fs::create_dir_all(&articles)?;
    let mut rng = Rng::new(seed);
    let per_article = per_article.max(1);
    let files = passages.div_ceil(per_article);
    for i in 0..files {
        let count = per_article.min(passages - i * per_article);
        let outlet = rng.pick(OUTLETS);
        let title = format!(
            "{} {} {} as {} push continues",
            rng.pick(COMPANIES),
            rng.pick(&["shares", "stock", "profit", "spending"]),
            rng.pick(MOVES),
            rng.pick(TOPICS)
        );
        let mut out = std::io::BufWriter::new(std::fs::File::create(
            articles.join(format!("synthetic-{i:07}.md")),
        )?);
        writeln!(out, "+++\ntitle = {:?}\npublisher = {:?}", title, outlet)?;
        if rng.below(3) > 0 {
            writeln!(
                out,
                "date = \"{}-{:02}-{:02}\"",
                2015 + rng.below(11),
                1 + rng.below(12),
                1 + rng.below(28)
            )?;
        }
        writeln!(out, "+++\n{title}\n\nShare\n")?;
        for _ in 0..count {
            writeln!(out, "{}\n", paragraph(&mut rng))?;
        }
        out.flush()?;
    }
    let topics = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/topics.toml");
    if topics.exists() {
        std::fs::copy(topics, data_dir.join("topics.toml"))?;
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_loads_cleanly() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        generate(a.path(), 95, 20, 7).unwrap();
        generate(b.path(), 95, 20, 7).unwrap();
        let read =
            |d: &Path| std::fs::read_to_string(d.join("articles/synthetic-0000003.md")).unwrap();
        assert_eq!(read(a.path()), read(b.path()));
        let (articles, warnings) = crate::corpus::load(a.path()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(articles.len(), 5);
        assert_eq!(
            articles.iter().map(|x| x.paragraphs.len()).sum::<usize>(),
            95
        );
    }
}
