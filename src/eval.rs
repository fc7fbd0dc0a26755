//! Answer-quality scoring (../shared/eval/README.md): hit@1, hit@3 and MRR over the top 5
//! passages that `!ask` returns, counting only what the reader is shown (each passage's quoted
//! sentences), on normalized text.

use std::fmt::Write;
use std::path::Path;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use crate::engine::{Answer, Engine};

/// Passages scored per question.
pub const TOP: usize = 5;

#[derive(Debug, Clone, Deserialize)]
pub struct Question {
    pub q: String,
    pub rel: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestionScore {
    pub q: String,
    /// Rank of the first right passage (1-based), if any in the top 5.
    pub rank: Option<usize>,
    /// The sentences shown for each of the top passages.
    pub top: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub questions: usize,
    pub hit_at_1: f64,
    pub hit_at_3: f64,
    pub mrr: f64,
    pub details: Vec<QuestionScore>,
}

/// Lower case, ASCII quotes and dashes, single spaces.
pub fn normalize(text: &str) -> String {
    let mapped: String = text
        .chars()
        .map(|c| match c {
            '‘' | '’' | '‚' | '′' => '\'',
            '“' | '”' | '„' | '″' => '"',
            '–' | '—' | '‒' | '−' => '-',
            other => other,
        })
        .collect::<String>()
        .to_lowercase();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn run_file(engine: &Engine, file: &Path) -> anyhow::Result<Report> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let questions: Vec<Question> = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a question file", file.display()))?;
    Ok(run(engine, &questions))
}

/// Scores questions through exactly the retrieval `!ask` uses.
pub fn run(engine: &Engine, questions: &[Question]) -> Report {
    let prefix = &engine.config().prefix;
    let knowledge = engine.knowledge();
    let grammar = engine.grammar(&knowledge);
    let details: Vec<QuestionScore> = questions
        .iter()
        .map(|question| {
            let answer = crate::command::parse(&format!("{prefix}ask {}", question.q), &grammar)
                .map(|i| engine.answer(&knowledge, i.command, TOP));
            let top: Vec<String> = match answer {
                Some(Ok(outcome)) => match outcome.answer() {
                    Answer::Passages(p) => {
                        p.hits.iter().map(|h| h.quote_text().to_string()).collect()
                    }
                    _ => Vec::new(),
                },
                Some(Err(e)) => {
                    tracing::error!(error = %e, question = %question.q, "cannot score a question");
                    Vec::new()
                }
                None => Vec::new(),
            };
            let rel: Vec<String> = question.rel.iter().map(|r| normalize(r)).collect();
            let rank = top.iter().position(|t| {
                let t = normalize(t);
                rel.iter().any(|r| t.contains(r.as_str()))
            });
            QuestionScore {
                q: question.q.clone(),
                rank: rank.map(|r| r + 1),
                top,
            }
        })
        .collect();
    Report::new(details)
}

impl Report {
    /// The scores of these questions: hit@1, hit@3 and MRR over the top passages.
    pub fn new(details: Vec<QuestionScore>) -> Report {
        let n = details.len().max(1) as f64;
        let within = |k: usize| {
            details
                .iter()
                .filter(|d| d.rank.is_some_and(|r| r <= k))
                .count() as f64
                / n
        };
        Report {
            questions: details.len(),
            hit_at_1: within(1),
            hit_at_3: within(3),
            mrr: details
                .iter()
                .map(|d| d.rank.map_or(0.0, |r| 1.0 / r as f64))
                .sum::<f64>()
                / n,
            details,
        }
    }

    /// A table for people: each question's rank, then the scores.
    pub fn table(&self) -> String {
        let mut out = String::new();
        for d in &self.details {
            let rank = d.rank.map_or("-".to_string(), |r| r.to_string());
            let _ = writeln!(out, "{rank:>4}  {}", d.q);
        }
        let _ = writeln!(
            out,
            "\nquestions {}  hit@1 {:.3}  hit@3 {:.3}  MRR {:.3}",
            self.questions, self.hit_at_1, self.hit_at_3, self.mrr
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_folds_quotes_dashes_case_and_spaces() {
        assert_eq!(
            normalize("Alibaba’s  “Three—year”\nPlan"),
            "alibaba's \"three-year\" plan"
        );
    }
}
