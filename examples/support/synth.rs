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

fn template(rng: &mut Rng) -> String {
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

/// The real coverage shipped in `data/articles`, cleaned as the index sees it: the source of
/// the generated prose's word sequences and of the head of its vocabulary.
const SEEDS: &[(&str, &str)] = &[
    (
        "abmedia-ai-budget",
        include_str!("../../data/articles/abmedia-ai-budget.md"),
    ),
    (
        "infofinance-ai-investment",
        include_str!("../../data/articles/infofinance-ai-investment.md"),
    ),
    (
        "investingcube-convertible-bonds",
        include_str!("../../data/articles/investingcube-convertible-bonds.md"),
    ),
    (
        "invezz-shares-surge",
        include_str!("../../data/articles/invezz-shares-surge.md"),
    ),
    (
        "unnamed-53-billion-bet",
        include_str!("../../data/articles/unnamed-53-billion-bet.md"),
    ),
];

/// Size of the generated vocabulary: the seeds' words, then rare words (names, places, jargon)
/// up to this rank. A million passages of real news use a few hundred thousand distinct words
/// (Heaps' law); the rare ones are what keeps most postings short.
const VOCABULARY: usize = 300_000;
/// Share of the prose's content words replaced by a word drawn from the whole vocabulary.
const RARE_SHARE: usize = 35;

/// A word-level Markov chain (bigrams) over the seed paragraphs, plus a Zipf-distributed
/// vocabulary whose head is the seeds' words: prose with the local word order and word
/// frequencies of real coverage and a realistic long tail.
pub struct Prose {
    words: Vec<&'static str>,
    /// For each word, the indices (into `words`) of the words that followed it in the seeds.
    next: Vec<Vec<u32>>,
    starts: Vec<u32>,
    /// The seeds' words by frequency, lowercase (rank 0 is the most frequent): the head of
    /// the vocabulary.
    ranked: Vec<&'static str>,
    /// The most frequent of them (mostly stopwords) are never replaced, so sentences keep
    /// their shape.
    common: std::collections::HashSet<&'static str>,
}

static PROSE: std::sync::LazyLock<Prose> = std::sync::LazyLock::new(Prose::from_seeds);

impl Prose {
    fn from_seeds() -> Prose {
        let mut words: Vec<&'static str> = Vec::new();
        let mut ids: std::collections::HashMap<&'static str, u32> = Default::default();
        let mut next: Vec<Vec<u32>> = Vec::new();
        let mut starts = Vec::new();
        let mut counts: std::collections::HashMap<String, usize> = Default::default();
        for (slug, text) in SEEDS {
            let Ok(article) = clippings::corpus::Article::parse(slug, text) else {
                continue;
            };
            for p in article.paragraphs {
                let text: &'static str = Box::leak(p.text.into_boxed_str());
                let mut prev: Option<u32> = None;
                for w in text.split_whitespace() {
                    *counts.entry(bare(w).to_lowercase()).or_default() += 1;
                    let id = *ids.entry(w).or_insert_with(|| {
                        words.push(w);
                        next.push(Vec::new());
                        (words.len() - 1) as u32
                    });
                    match prev {
                        Some(p) => next[p as usize].push(id),
                        None => starts.push(id),
                    }
                    prev = if ends_sentence(w) {
                        starts.push(id);
                        None
                    } else {
                        Some(id)
                    };
                }
            }
        }
        // Sentence starts are the words after a full stop; `starts` collected the stops too.
        // Sentences start with a capital (not a list marker or a fragment's lowercase word).
        starts.retain(|&i| {
            let w = words[i as usize];
            !ends_sentence(w) && w.starts_with(|c: char| c.is_uppercase() || c == '“')
        });
        let mut by_count: Vec<(String, usize)> = counts.into_iter().collect();
        by_count.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let ranked: Vec<&'static str> = by_count
            .into_iter()
            .filter(|(w, _)| !w.is_empty())
            .map(|(w, _)| &*Box::leak(w.into_boxed_str()))
            .collect();
        let common = ranked.iter().take(120).copied().collect();
        Prose {
            words,
            next,
            starts,
            ranked,
            common,
        }
    }

    /// The word at a rank of the vocabulary: a seed word, then rare words.
    fn word(&self, rank: usize, capital: bool) -> String {
        match self.ranked.get(rank) {
            Some(w) if capital => capitalized(w),
            Some(w) => w.to_string(),
            None => rare_word(rank, capital),
        }
    }

    /// One sentence of 4 to 40 words walked along the chain.
    fn sentence(&self, rng: &mut Rng) -> String {
        let mut out = String::new();
        if self.starts.is_empty() {
            return template(rng);
        }
        let mut at = self.starts[rng.below(self.starts.len())];
        for n in 0..40 {
            let w = self.words[at as usize];
            if !out.is_empty() {
                out.push(' ');
            }
            let core = bare(w);
            if core.chars().all(char::is_alphabetic)
                && !core.is_empty()
                && !self.common.contains(core.to_lowercase().as_str())
                && rng.below(100) < RARE_SHARE
            {
                let start = w.find(core).unwrap_or(0);
                out.push_str(&w[..start]);
                out.push_str(&self.word(zipf_rank(rng), core.starts_with(char::is_uppercase)));
                out.push_str(&w[start + core.len()..]);
            } else {
                out.push_str(w);
            }
            let follow = &self.next[at as usize];
            if (ends_sentence(w) && n >= 3) || follow.is_empty() {
                break;
            }
            at = follow[rng.below(follow.len())];
        }
        if !ends_sentence(&out) {
            out.push('.');
        }
        out
    }
}

fn ends_sentence(word: &str) -> bool {
    word.ends_with(['.', '?', '!']) || word.ends_with(".”") || word.ends_with(".\"")
}

/// A word without the punctuation around it.
fn bare(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric())
}

/// A rank in the vocabulary drawn with Zipf's law (probability about 1/rank).
fn zipf_rank(rng: &mut Rng) -> usize {
    let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    ((VOCABULARY as f64).powf(u) as usize).clamp(1, VOCABULARY) - 1
}

/// The word at a rank of the rare vocabulary: pronounceable, deterministic, distinct per rank.
pub fn rare_word(rank: usize, capital: bool) -> String {
    const ONSETS: &[&str] = &[
        "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "qu", "r", "s", "t", "v", "w",
        "x", "z", "br", "ch", "cl", "dr", "fl", "gr", "kr", "pl", "sh", "st", "tr", "zh",
    ];
    const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ao", "ei", "ia", "ou", "y"];
    let mut n = rank;
    let mut word = String::new();
    loop {
        word.push_str(ONSETS[n % ONSETS.len()]);
        n /= ONSETS.len();
        word.push_str(VOWELS[n % VOWELS.len()]);
        n /= VOWELS.len();
        if n == 0 {
            break;
        }
    }
    // A final consonant keeps ranks that differ only in the last syllable apart from words.
    word.push_str(["n", "ng", "r", "x", "s", "l", "m", "t"][rank % 8]);
    if capital { capitalized(&word) } else { word }
}

fn capitalized(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|first| first.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A sentence: a domain template (companies, figures, dates) or, more often, prose.
fn sentence(rng: &mut Rng) -> String {
    if rng.below(100) < 40 {
        template(rng)
    } else {
        PROSE.sentence(rng)
    }
}

pub fn paragraph(rng: &mut Rng) -> String {
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
        let (articles, warnings) = clippings::corpus::load(a.path()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(articles.len(), 5);
        assert_eq!(
            articles.iter().map(|x| x.paragraphs.len()).sum::<usize>(),
            95
        );
    }

    #[test]
    fn the_vocabulary_has_a_long_tail_like_real_coverage() {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), 5000, 50, 42).unwrap();
        let (articles, _) = clippings::corpus::load(dir.path()).unwrap();
        let mut counts: std::collections::HashMap<String, usize> = Default::default();
        let mut tokens = 0;
        for a in &articles {
            for p in &a.paragraphs {
                for w in p
                    .text
                    .split_whitespace()
                    .map(bare)
                    .filter(|w| !w.is_empty())
                {
                    *counts.entry(w.to_lowercase()).or_default() += 1;
                    tokens += 1;
                }
            }
        }
        // Heaps' law for news text: about ten thousand distinct words in ~250k tokens
        // (the seeds alone have ~1,100), and the most common word a few percent of them.
        assert!(counts.len() > 8_000, "{} distinct words", counts.len());
        let top = counts.values().max().copied().unwrap_or(0);
        assert!(
            top * 100 / tokens < 10,
            "most common word {top} of {tokens}"
        );
        // Every rank of the rare vocabulary is its own word.
        let rare: std::collections::HashSet<String> =
            (2000..40_000).map(|r| rare_word(r, false)).collect();
        assert_eq!(rare.len(), 38_000);
    }
}
