//! `!quote slug:N`: the whole paragraph behind a passage, with its neighbours.

use super::*;

/// `!quote slug:N`: the whole paragraph behind a passage, with its neighbours.
pub fn quote(ctx: &Context<'_>, reference: &str) -> Result<Found, SearchError> {
    let p = ctx.prefix();
    let Some((slug, number)) = parse_reference(reference) else {
        return Ok(Found::Done(Answer::notice(
            NoticeKind::BadInput,
            texts::QUOTE_HOW,
            vec![format!("{p}help quote")],
        )));
    };
    let manifest = &ctx.snapshot.manifest;
    let Some(article) = manifest.article(&slug) else {
        let closest = manifest
            .articles
            .iter()
            .map(|a| (strsim::jaro_winkler(&a.slug, &slug), &a.slug))
            .filter(|(s, _)| *s > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, s)| format!("{p}quote {s}:{number}"));
        return Ok(Found::Done(Answer::notice(
            NoticeKind::NotFound,
            texts::no_article(&slug),
            closest.into_iter().chain([format!("{p}sources")]).collect(),
        )));
    };
    if number == 0 || number > article.paragraphs {
        return Ok(Found::Done(Answer::notice(
            NoticeKind::NotFound,
            texts::paragraphs_are(&slug, article.paragraphs),
            vec![format!("{p}quote {slug}:1")],
        )));
    }
    let searcher = ctx.snapshot.reader.searcher();
    let paragraphs = article_paragraphs(ctx, &searcher, &slug)?;
    let Some(target) = paragraphs.get(&number) else {
        return Ok(Found::Done(Answer::notice(
            NoticeKind::NotFound,
            texts::not_in_index(&slug, number),
            vec![],
        )));
    };
    let source = attribution(&target[0]);
    let section = target[0].section.clone();
    let quoted = (number.saturating_sub(1)..=number + 1)
        .filter_map(|n| paragraphs.get(&n).map(|parts| (n, parts)))
        .map(|(n, parts)| QuotedParagraph {
            number: n,
            text: join_parts(parts),
            target: n == number,
        })
        .collect();
    Ok(Found::Done(Answer::Quote(Quote {
        reference: format!("{slug}:{number}"),
        source,
        section,
        paragraphs: quoted,
    })))
}

/// `slug:N`, `slug N`, `slug:N.part` or `slug#N`.
pub fn parse_reference(text: &str) -> Option<(String, u32)> {
    let text = text.trim().trim_matches(|c: char| "`'\"<>[]()".contains(c));
    let (slug, rest) = text.rsplit_once([':', ' ', '#'])?;
    let number = rest.split('.').next()?.parse().ok()?;
    let slug = slug.trim().to_lowercase();
    (!slug.is_empty()).then_some((slug, number))
}

fn article_paragraphs(
    ctx: &Context<'_>,
    searcher: &Searcher,
    slug: &str,
) -> Result<BTreeMap<u32, Vec<StoredPassage>>, SearchError> {
    let term = Term::from_field_text(ctx.snapshot.fields.article, slug);
    let q = TermQuery::new(term, IndexRecordOption::Basic);
    let mut out: BTreeMap<u32, Vec<StoredPassage>> = BTreeMap::new();
    let docs = searcher.search(&q, &TopDocs::with_limit(10_000).order_by_score())?;
    for (_, address) in docs {
        let stored = load(ctx, searcher, address)?;
        out.entry(stored.paragraph).or_default().push(stored);
    }
    for parts in out.values_mut() {
        parts.sort_by_key(|p| p.part);
    }
    Ok(out)
}

fn join_parts(parts: &[StoredPassage]) -> String {
    let separator = if parts.iter().any(|p| p.text.contains('\n')) {
        "\n"
    } else {
        " "
    };
    parts
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join(separator)
}
