//! Searching an index's segments side by side, only while no other search is running.
//!
//! A lone search takes the helper threads too: the asking thread searches segments itself,
//! biggest first, and each helper takes the next one left. With another search in flight a
//! search runs on its own thread, as tantivy's `Searcher::search` does; the results are the
//! same either way. Helpers run at a lower priority, so a newcomer gets its core at once.
//! Why (a pool for every query made a busy bot slower): docs/BENCHMARKS.md.

use std::cmp::Reverse;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, mpsc};

use tantivy::Searcher;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query};

/// Searches through [`search`] now running.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// The helper threads: one fewer than the cores (the asking thread is the other one).
fn helpers() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores < 2 {
            return None;
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(cores - 1)
            .thread_name(|i| format!("clippings-search-{i}"))
            .start_handler(|_| lower_priority())
            .build()
            .inspect_err(
                |e| tracing::warn!(error = %e, "no search helpers; searching on one thread"),
            )
            .ok()
    })
    .as_ref()
}

/// This thread's nice value raised by 10 (at most to 19), so that it yields to the bot's
/// other threads. On Linux a nice value belongs to a thread, not to the whole process.
#[cfg(target_os = "linux")]
fn lower_priority() {
    // SAFETY: `nice` takes no pointers and touches no memory of ours. Raising one's own nice
    // value needs no privilege; -1 is also a valid result, so it is not checked.
    unsafe {
        libc::nice(10);
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

/// One search in flight, counted from creation to drop.
struct InFlight {
    alone: bool,
}

impl InFlight {
    fn enter() -> InFlight {
        InFlight {
            alone: IN_FLIGHT.fetch_add(1, Ordering::AcqRel) == 0,
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::AcqRel);
    }
}

/// `searcher.search(query, &collector)`, its segments searched side by side when this is the
/// only search running.
pub fn search<C: Collector + 'static>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: C,
) -> tantivy::Result<C::Fruit> {
    search_as(searcher, query, collector, Work::Segments)
}

/// How much work a search is, for deciding whether helpers are worth waking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Grows with the segments' passages (unions scoring every match, phrases, intersections).
    Segments,
    /// Small whatever the segments' size: one term ranked by block-max WAND, which skips
    /// most of its postings. Waking a helper (a futex wake and a cross-core interrupt) would
    /// cost such a search about a tenth of its time.
    Small,
}

/// [`search`], told how much work the search is.
pub fn search_as<C: Collector + 'static>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: C,
    work: Work,
) -> tantivy::Result<C::Fruit> {
    let in_flight = InFlight::enter();
    let segments = searcher.segment_readers();
    let pool = helpers()
        .filter(|_| in_flight.alone && work == Work::Segments && worth_spreading(segments));
    match pool {
        Some(pool) => side_by_side(pool, searcher, query, collector),
        None => searcher.search_with_statistics_provider(
            query,
            &collector,
            &super::stats::Stats(searcher),
        ),
    }
}

/// Passages the helpers would take (those outside the biggest segment) below which handing
/// them over costs more than it saves (measured with `profile_class`: slower at 10,000
/// passages, faster at 100,000; docs/BENCHMARKS.md).
const MIN_SPREAD: u64 = 25_000;

fn worth_spreading(segments: &[tantivy::SegmentReader]) -> bool {
    let sizes = segments.iter().map(|s| u64::from(s.max_doc()));
    let biggest = sizes.clone().max().unwrap_or(0);
    sizes.sum::<u64>().saturating_sub(biggest) >= MIN_SPREAD
}

type SegmentFruit<C> = <<C as Collector>::Child as SegmentCollector>::Fruit;

/// What the asking thread and the helpers share: the segments in the order they are taken,
/// and the next one to take.
struct Shared<C> {
    searcher: Searcher,
    weight: Box<dyn tantivy::query::Weight>,
    collector: C,
    order: Vec<usize>,
    next: AtomicUsize,
}

impl<C: Collector> Shared<C> {
    /// Takes the next segment left, if any, and collects it.
    fn take(&self) -> Option<(usize, tantivy::Result<SegmentFruit<C>>)> {
        let &i = self.order.get(self.next.fetch_add(1, Ordering::Relaxed))?;
        let segment = &self.searcher.segment_readers()[i];
        let collected = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.collector
                .collect_segment(self.weight.as_ref(), i as u32, segment)
        }))
        .unwrap_or_else(|_| {
            Err(tantivy::TantivyError::InternalError(
                "a search helper panicked".into(),
            ))
        });
        Some((i, collected))
    }
}

/// The segments searched by this thread and the pool's, biggest first, each taking the next
/// segment left. The asking thread waits only for segments a helper has taken: a helper that
/// starts after every segment is taken finds nothing to do, and nobody waits for it (waiting
/// for a helper to wake up made a lone query of a common word slower spread than not).
fn side_by_side<C: Collector + 'static>(
    pool: &rayon::ThreadPool,
    searcher: &Searcher,
    query: &dyn Query,
    collector: C,
) -> tantivy::Result<C::Fruit> {
    let segments = searcher.segment_readers();
    let stats = super::stats::Stats(searcher);
    let enable = if collector.requires_scoring() {
        EnableScoring::enabled_from_statistics_provider(&stats, searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let weight = query.weight(enable)?;
    collector.check_schema(searcher.schema())?;
    let mut order: Vec<usize> = (0..segments.len()).collect();
    order.sort_by_key(|&i| Reverse(segments[i].max_doc()));
    let shared = Arc::new(Shared {
        searcher: searcher.clone(),
        weight,
        collector,
        order,
        next: AtomicUsize::new(0),
    });
    let (sender, receiver) = mpsc::channel();
    for _ in 0..pool
        .current_num_threads()
        .min(segments.len().saturating_sub(1))
    {
        let shared = Arc::clone(&shared);
        let sender = sender.clone();
        pool.spawn(move || {
            while let Some(collected) = shared.take() {
                if sender.send(collected).is_err() {
                    return;
                }
            }
        });
    }
    drop(sender);
    let mut fruits = Vec::with_capacity(segments.len());
    while let Some(collected) = shared.take() {
        fruits.push(collected);
    }
    // Every segment is taken once and each helper sends what it took; a helper that took
    // none may not even have started.
    while fruits.len() < segments.len() {
        match receiver.recv() {
            Ok(collected) => fruits.push(collected),
            Err(_) => {
                return Err(tantivy::TantivyError::InternalError(
                    "a search helper stopped".into(),
                ));
            }
        }
    }
    // In segment order, as `Searcher::search` merges them.
    fruits.sort_by_key(|(i, _)| *i);
    let fruits = fruits
        .into_iter()
        .map(|(_, fruit)| fruit)
        .collect::<tantivy::Result<Vec<_>>>()?;
    shared.collector.merge_fruits(fruits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, STORED, Schema, TEXT};
    use tantivy::{Index, Term, doc};

    /// An index of four segments of different sizes, with many equal scores (repeated bodies).
    fn uneven_segments() -> (Searcher, tantivy::schema::Field) {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT | STORED);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let words = ["alpha", "beta", "gamma", "delta", "omega"];
        for (segment, size) in [500usize, 3_000, 1_200, 40].into_iter().enumerate() {
            for i in 0..size {
                let n = 1 + (i * 7 + segment) % 6;
                let body: Vec<&str> = (0..n).map(|j| words[(i % 9 + j * j) % 5]).collect();
                writer.add_document(doc!(text => body.join(" "))).unwrap();
            }
            writer.commit().unwrap();
        }
        (index.reader().unwrap().searcher(), text)
    }

    #[test]
    fn side_by_side_finds_what_one_thread_finds() {
        let (searcher, text) = uneven_segments();
        assert_eq!(searcher.segment_readers().len(), 4);
        // Too few passages outside the biggest segment to be worth handing over.
        assert!(!worth_spreading(searcher.segment_readers()));
        let term = |w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(text, w),
                IndexRecordOption::WithFreqs,
            ))
        };
        let queries: Vec<Box<dyn Query>> = vec![
            term("alpha"),
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, term("beta")),
                (Occur::Should, term("omega")),
            ])),
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, term("gamma")),
                (Occur::Must, term("delta")),
            ])),
            term("nowhere"),
        ];
        let top = || TopDocs::with_limit(25).order_by_score();
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            for query in &queries {
                let serial = searcher.search(&**query, &top()).unwrap();
                assert_eq!(
                    side_by_side(&pool, &searcher, &**query, top()).unwrap(),
                    serial,
                    "{query:?}"
                );
                assert_eq!(search(&searcher, &**query, top()).unwrap(), serial);
                assert_eq!(
                    side_by_side(&pool, &searcher, &**query, Count).unwrap(),
                    searcher.search(&**query, &Count).unwrap()
                );
            }
        }
        // With another search in flight, a search is not alone and runs on its own thread,
        // with the same results.
        let other = InFlight::enter();
        let mine = InFlight::enter();
        assert!(!mine.alone);
        drop(mine);
        assert_eq!(
            search(&searcher, &*queries[1], top()).unwrap(),
            searcher.search(&*queries[1], &top()).unwrap()
        );
        drop(other);
    }

    #[test]
    fn the_asking_thread_never_waits_for_a_helper_that_has_not_started() {
        let (searcher, text) = uneven_segments();
        let query = TermQuery::new(
            Term::from_field_text(text, "alpha"),
            IndexRecordOption::WithFreqs,
        );
        let serial = searcher.search(&query, &Count).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        // The only helper is busy until the search has answered.
        let (release, gate) = mpsc::channel::<()>();
        pool.spawn(move || {
            let _ = gate.recv();
        });
        let (done, finished) = mpsc::channel();
        std::thread::scope(|s| {
            s.spawn(|| {
                let _ = done.send(side_by_side(&pool, &searcher, &query, Count).unwrap());
            });
            // Not a timing check: before, the search waited for the busy helper forever.
            let answer = finished.recv_timeout(std::time::Duration::from_secs(60));
            let _ = release.send(());
            assert_eq!(answer.ok(), Some(serial));
        });
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_helpers_run_at_a_lower_priority() {
        let Some(pool) = helpers() else {
            return; // one core: no helpers
        };
        // A thread's nice value is the 19th field of its stat, the 17th after the name.
        let nice = || -> i32 {
            let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
            let (_, after_name) = stat.rsplit_once(')').unwrap();
            after_name
                .split_whitespace()
                .nth(16)
                .unwrap()
                .parse()
                .unwrap()
        };
        let mine = nice();
        assert_eq!(pool.install(nice), (mine + 10).min(19));
    }
}
