//! Topic commands and the synonym map, read from `data/topics.toml` and `data/synonyms.toml`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Deserialize;
use thiserror::Error;

use crate::index::tokenizer::stemmed_tokens;

#[derive(Debug, Error)]
pub enum TopicsError {
    #[error("cannot read {file}: {message}")]
    Read { file: String, message: String },
    #[error("{file}: topic {entry}: {problem}")]
    Entry {
        file: String,
        entry: String,
        problem: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub description: String,
    pub query: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicsFile {
    #[serde(default)]
    topic: Vec<Topic>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymsFile {
    #[serde(default)]
    groups: Vec<Vec<String>>,
    #[serde(default)]
    asked: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    typed: BTreeMap<String, Vec<String>>,
}

/// The topics of a corpus, looked up by name or alias.
#[derive(Debug, Clone, Default)]
pub struct Topics {
    pub list: Vec<Topic>,
}

impl Topics {
    /// Reads `topics.toml` in `data_dir`; a missing file means no topics.
    pub fn load(data_dir: &Path) -> Result<Topics, TopicsError> {
        let path = data_dir.join("topics.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => Topics::parse(&text, "topics.toml"),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Topics::default()),
            Err(e) => Err(TopicsError::Read {
                file: path.display().to_string(),
                message: e.to_string(),
            }),
        }
    }

    pub fn parse(text: &str, file: &str) -> Result<Topics, TopicsError> {
        let parsed: TopicsFile = toml::from_str(text).map_err(|e| TopicsError::Read {
            file: file.to_string(),
            message: e.message().to_string(),
        })?;
        let mut seen: HashMap<String, String> = HashMap::new();
        for (i, topic) in parsed.topic.iter().enumerate() {
            let label = if topic.name.is_empty() {
                format!("#{}", i + 1)
            } else {
                topic.name.clone()
            };
            let bad = |problem: String| TopicsError::Entry {
                file: file.to_string(),
                entry: label.clone(),
                problem,
            };
            for word in std::iter::once(&topic.name).chain(&topic.aliases) {
                if !is_command_word(word) {
                    return Err(bad(format!(
                        "{word:?} must be one lower-case word (a-z, 0-9, - or _)"
                    )));
                }
                if crate::command::help_for(word).is_some() {
                    return Err(bad(format!("{word:?} is a built-in command")));
                }
                if let Some(other) = seen.insert(word.clone(), topic.name.clone()) {
                    return Err(bad(format!("{word:?} is already used by topic {other}")));
                }
            }
            if topic.query.trim().is_empty() {
                return Err(bad("empty query".to_string()));
            }
        }
        Ok(Topics { list: parsed.topic })
    }

    /// The topic named or aliased `word` (case-insensitive).
    pub fn find(&self, word: &str) -> Option<&Topic> {
        let word = word.to_lowercase();
        self.list
            .iter()
            .find(|t| t.name == word || t.aliases.contains(&word))
    }

    /// Every name and alias, for the command grammar.
    pub fn words(&self) -> Vec<String> {
        self.list
            .iter()
            .flat_map(|t| std::iter::once(t.name.clone()).chain(t.aliases.iter().cloned()))
            .collect()
    }
}

fn is_command_word(word: &str) -> bool {
    !word.is_empty()
        && word.len() <= 32
        && word
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Groups of words and phrases that mean the same. A word is found in a group by its spelling
/// or by its stem, so a group lists a word once for all its forms ("convert" finds
/// "converts").
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    groups: Vec<Vec<String>>,
    /// The stemmed terms of each entry of each group.
    stems: Vec<Vec<Vec<String>>>,
    /// How people ask and what reporters write for it, one way: (the asked word or phrase, its
    /// stemmed terms, the written words, whether it holds for the other words of its groups
    /// too: false for `typed`, a second sense of a group's word).
    asked: Vec<(String, Vec<String>, Vec<String>, bool)>,
    /// The multi-word entries of the groups, longest first; and with those of `asked`.
    phrases: Vec<String>,
    asked_phrases: Vec<String>,
    /// `asked_phrases` with their words' stems.
    asked_known: Vec<super::query::KnownPhrase>,
}

impl Synonyms {
    /// Reads `synonyms.toml` in `data_dir`; a missing file means no synonyms.
    pub fn load(data_dir: &Path) -> Result<Synonyms, TopicsError> {
        let path = data_dir.join("synonyms.toml");
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Synonyms::default()),
            Err(e) => {
                return Err(TopicsError::Read {
                    file: path.display().to_string(),
                    message: e.to_string(),
                });
            }
        };
        let parsed: SynonymsFile = toml::from_str(&text).map_err(|e| TopicsError::Read {
            file: "synonyms.toml".to_string(),
            message: e.message().to_string(),
        })?;
        Ok(Synonyms::new(parsed.groups, parsed.asked, parsed.typed))
    }

    /// Synonyms from groups of words and phrases.
    pub fn from_groups(groups: Vec<Vec<String>>) -> Synonyms {
        Synonyms::new(groups, BTreeMap::new(), BTreeMap::new())
    }

    fn new(
        groups: Vec<Vec<String>>,
        asked: BTreeMap<String, Vec<String>>,
        typed: BTreeMap<String, Vec<String>>,
    ) -> Synonyms {
        let groups: Vec<Vec<String>> = groups
            .into_iter()
            .map(|g| g.into_iter().map(|w| w.to_lowercase()).collect())
            .collect();
        let stems = groups
            .iter()
            .map(|g| g.iter().map(|w| stemmed_tokens(w)).collect())
            .collect();
        let asked: Vec<(String, Vec<String>, Vec<String>, bool)> = asked
            .into_iter()
            .map(|entry| (entry, true))
            .chain(typed.into_iter().map(|entry| (entry, false)))
            .map(|((asked, written), chained)| {
                let asked = asked.to_lowercase();
                let stems = stemmed_tokens(&asked);
                let written = written.into_iter().map(|w| w.to_lowercase()).collect();
                (asked, stems, written, chained)
            })
            .collect();
        let longest_first = |entries: Vec<&String>| {
            let mut p: Vec<String> = entries
                .into_iter()
                .filter(|w| w.contains(' '))
                .cloned()
                .collect();
            p.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
            p.dedup();
            p
        };
        let phrases = longest_first(groups.iter().flatten().collect());
        let asked_phrases = longest_first(
            groups
                .iter()
                .flatten()
                .chain(asked.iter().map(|(a, _, _, _)| a))
                .collect(),
        );
        // A hyphenated entry is also found typed with spaces ("one stop shop", "in house").
        let mut hyphenated: Vec<&String> = groups
            .iter()
            .flatten()
            .chain(asked.iter().map(|(a, _, _, _)| a))
            .filter(|w| w.contains('-'))
            .collect();
        hyphenated.sort();
        hyphenated.dedup();
        let mut asked_known: Vec<super::query::KnownPhrase> = asked_phrases
            .iter()
            .map(|p| super::query::KnownPhrase::new(p))
            .chain(
                hyphenated
                    .into_iter()
                    .filter_map(|p| super::query::KnownPhrase::spaced(p)),
            )
            .collect();
        asked_known.sort_by_key(|p| std::cmp::Reverse(p.text_len()));
        Synonyms {
            groups,
            stems,
            asked,
            phrases,
            asked_phrases,
            asked_known,
        }
    }

    /// What reporters write for a word or phrase people use in questions (`asked` in
    /// synonyms.toml), found by its spelling or its stemmed terms.
    pub fn written_for(&self, entry: &str) -> &[String] {
        self.written(entry, false)
    }

    /// [`Synonyms::written_for`] a word of the groups of the word typed: `asked` only, not
    /// `typed` (the second sense of a group's word: "dropped" a model is released, "fell" is
    /// not).
    pub fn written_for_group_word(&self, entry: &str) -> &[String] {
        self.written(entry, true)
    }

    fn written(&self, entry: &str, chained_only: bool) -> &[String] {
        let stems = stemmed_tokens(entry);
        self.asked
            .iter()
            .filter(|(_, _, _, chained)| *chained || !chained_only)
            .find(|(asked, s, _, _)| asked == entry || (!stems.is_empty() && *s == stems))
            .map_or(&[], |(_, _, written, _)| written.as_slice())
    }

    /// The other entries of every group containing `entry` (a lower-case word or phrase), by
    /// its spelling or its stemmed terms.
    pub fn of(&self, entry: &str) -> Vec<&str> {
        let stems = stemmed_tokens(entry);
        let mut out: Vec<&str> = Vec::new();
        for (group, group_stems) in self.groups.iter().zip(&self.stems) {
            let found = group
                .iter()
                .zip(group_stems)
                .any(|(w, s)| w == entry || (!stems.is_empty() && *s == stems));
            if !found {
                continue;
            }
            for (w, s) in group.iter().zip(group_stems) {
                if w != entry && *s != stems && !out.contains(&w.as_str()) {
                    out.push(w);
                }
            }
        }
        out
    }

    /// The multi-word phrases of questions and the groups, each with its words' stems, for
    /// finding them in a question in any of their forms.
    pub fn known_phrases(&self) -> &[super::query::KnownPhrase] {
        &self.asked_known
    }

    /// Multi-word entries, longest first, so a question can be matched against them; with
    /// `asked`, the multi-word phrases of questions too.
    pub fn phrases(&self, asked: bool) -> &[String] {
        if asked {
            &self.asked_phrases
        } else {
            &self.phrases
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Groups once tied words that are not the same in financial news, each bridging a
    /// particular question: a reaction is not a rally, "money" occurs in no article, a budget
    /// or an investment is not capital expenditure, a GPU is one kind of chip.
    #[test]
    fn shipped_synonyms_tie_only_words_that_mean_the_same() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let synonyms = Synonyms::load(&data).unwrap();
        for (word, not) in [
            ("react", "rally"),
            ("reaction", "rallied"),
            ("money", "funds"),
            ("money", "proceeds"),
            ("funds", "proceeds"),
            ("capex", "budget"),
            ("capex", "investment"),
            ("investment", "budget"),
            ("chips", "gpus"),
            ("chips", "accelerators"),
        ] {
            assert!(!synonyms.of(word).contains(&not), "{word} ~ {not}");
        }
        // The general ones stay.
        for (word, same) in [
            ("capex", "capital expenditure"),
            ("ceo", "chief executive"),
            ("hk", "hong kong"),
            ("shares", "stock"),
        ] {
            assert!(synonyms.of(word).contains(&same), "{word} ~ {same}");
        }
    }

    #[test]
    fn shipped_topics_load_and_cover_the_required_set() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let topics = Topics::load(&data).unwrap();
        for name in [
            "capex",
            "chips",
            "cloud",
            "qwen",
            "stock",
            "datacenters",
            "bonds",
            "nvidia",
            "analysts",
            "competitors",
        ] {
            assert!(topics.find(name).is_some(), "{name}");
        }
        assert_eq!(topics.find("Spending").unwrap().name, "capex");
        Synonyms::load(&data).unwrap();
    }

    #[test]
    fn a_bad_entry_is_named_in_the_error() {
        let text = "[[topic]]\nname = \"ok\"\ndescription = \"d\"\nquery = \"q\"\n\
                    [[topic]]\nname = \"Two Words\"\ndescription = \"d\"\nquery = \"q\"\n";
        let err = Topics::parse(text, "topics.toml").unwrap_err().to_string();
        assert!(err.contains("topic Two Words"), "{err}");
        let dup = "[[topic]]\nname = \"a\"\ndescription = \"d\"\nquery = \"q\"\n\
                   [[topic]]\nname = \"b\"\naliases = [\"a\"]\ndescription = \"d\"\nquery = \"q\"\n";
        assert!(
            Topics::parse(dup, "topics.toml")
                .unwrap_err()
                .to_string()
                .contains("already used by topic a")
        );
        let builtin = "[[topic]]\nname = \"search\"\ndescription = \"d\"\nquery = \"q\"\n";
        assert!(
            Topics::parse(builtin, "topics.toml")
                .unwrap_err()
                .to_string()
                .contains("built-in")
        );
        let missing = "[[topic]]\nname = \"x\"\nquery = \"q\"\n";
        assert!(
            Topics::parse(missing, "topics.toml")
                .unwrap_err()
                .to_string()
                .contains("description")
        );
    }

    #[test]
    fn synonyms_expand_both_ways() {
        let s = Synonyms::from_groups(vec![vec!["capex".into(), "capital spending".into()]]);
        assert_eq!(s.of("capex"), ["capital spending"]);
        assert_eq!(s.of("capital spending"), ["capex"]);
        assert!(s.of("other").is_empty());
    }

    #[test]
    fn what_reporters_write_for_a_word_asked_is_found_one_way_by_any_form() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let synonyms = Synonyms::load(&data).unwrap();
        assert!(
            synonyms
                .written_for("pre-open")
                .contains(&"premarket".to_string())
        );
        assert!(
            synonyms
                .written_for("tanks")
                .contains(&"plunge".to_string())
        );
        assert!(synonyms.written_for("premarket").is_empty());
        // A `typed` entry holds for the word typed, not for the other words of its groups.
        assert!(!synonyms.written_for("dropped").is_empty());
        assert!(synonyms.written_for_group_word("dropped").is_empty());
        assert!(!synonyms.written_for_group_word("overseas").is_empty());
        assert!(!synonyms.of("premarket").contains(&"pre-open"));
        assert!(
            synonyms
                .phrases(true)
                .iter()
                .any(|p| p == "broke the story")
        );
        assert!(
            !synonyms
                .phrases(false)
                .iter()
                .any(|p| p == "broke the story")
        );
        let text = "[asked]\n\"Floor\" = [\"Support\"]\n";
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("synonyms.toml"), text).unwrap();
        let mine = Synonyms::load(dir.path()).unwrap();
        assert_eq!(mine.written_for("floor"), ["support"]);
        std::fs::write(dir.path().join("synonyms.toml"), "[asked]\nfloor = 3\n").unwrap();
        assert!(
            Synonyms::load(dir.path())
                .unwrap_err()
                .to_string()
                .contains("synonyms.toml")
        );
    }

    #[test]
    fn the_shipped_groups_join_price_move_verbs_and_the_forms_the_stemmer_keeps_apart() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let synonyms = Synonyms::load(&data).unwrap();
        assert!(synonyms.of("tumbled").contains(&"fell"));
        assert!(synonyms.of("rallied").contains(&"rose"));
        assert!(synonyms.of("faster").contains(&"fast"));
        assert!(synonyms.of("largest").contains(&"big"));
        // A rise is not a fall.
        assert!(!synonyms.of("rallied").contains(&"fell"));
        // Irregular past forms.
        assert!(synonyms.of("spend").contains(&"spent"));
        assert!(synonyms.of("grew").contains(&"grow"));
        assert!(synonyms.of("saw").contains(&"see"));
        assert!(synonyms.of("began").contains(&"begun"));
        // A verb and its noun: any form of the verb finds the noun, and back.
        assert!(synonyms.of("expanding").contains(&"expansion"));
        assert!(synonyms.of("reliance").contains(&"rely"));
        assert!(synonyms.of("regulatory").contains(&"regulation"));
        assert!(synonyms.of("growth").contains(&"grow"));
    }

    #[test]
    fn a_group_finds_every_form_of_its_words() {
        let s = Synonyms::from_groups(vec![vec!["acquire".into(), "buy".into(), "bought".into()]]);
        assert_eq!(s.of("acquired"), ["buy", "bought"]);
        assert_eq!(s.of("buys"), ["acquire", "bought"]);
        assert_eq!(s.of("buy"), ["acquire", "bought"]);
        // A word that only begins like one of the group is not in it.
        assert!(s.of("buyer").is_empty());
    }
}
