//! A small run of the archive-scale benchmark (a few thousand passages), so it never rots.
//! No timing assertions: only that every engine answered every class and the figures exist.
#![cfg(feature = "discord")]

#[path = "../examples/bench_scale.rs"]
mod bench_scale;

#[test]
fn the_benchmark_runs_end_to_end_on_a_small_corpus() {
    let work = tempfile::tempdir().unwrap();
    let report = bench_scale::run_size(3000, work.path(), 2, false);
    // Long generated paragraphs are split into several passages.
    assert!(report.passages >= 3000, "{}", report.passages);
    assert!(report.build_passages_per_sec > 0.0 && report.index_mb > 0.0 && report.fts5_mb > 0.0);
    assert!(report.first_answer_ms > 0.0);
    // The serving memory and its private and mapped-file shares (Linux reports both).
    assert!(report.serving_rss_mb > 0.0);
    assert!(report.serving_rss_anon_mb > 0.0 && report.serving_rss_file_mb > 0.0);
    assert!(report.serving_rss_anon_mb + report.serving_rss_file_mb <= report.serving_rss_mb + 1.0);
    for engine in ["clippings", "tantivy", "fts5", "adapter"] {
        for class in bench_scale::CLASSES {
            assert!(
                report
                    .latencies
                    .iter()
                    .any(|l| l.engine == engine && l.class == *class),
                "{engine} {class}"
            );
        }
        if engine == "adapter" {
            continue;
        }
        assert!(
            report
                .throughput
                .iter()
                .any(|(e, qps)| e == engine && *qps > 0.0)
        );
    }
    // A repeated topic command answered from the ranking done for it, in the engine and
    // through the busy adapter.
    for engine in ["reused", "adapter, reused"] {
        let topic = report.latencies.iter().filter(|l| l.engine == engine);
        assert_eq!(topic.clone().count(), 1, "{engine}");
        assert!(topic.clone().all(|l| l.class == "topic" && l.max_us > 0.0));
    }
    assert!(bench_scale::queries().len() >= 90);
    let table = bench_scale::table(&[report]);
    assert!(table.contains("| hostile |"));
    assert!(table.contains("| topic, ranking reused |"));
    assert!(table.contains("MB private,"));
}
