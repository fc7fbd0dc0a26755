//! `!trend` as a picture: a PNG bar chart of coverage volume, articles per day or per week,
//! stacked by outlet.
//!
//! What is drawn is decided by [`legend`] and [`bars`] (the tests check those, not pixels);
//! [`png`] only paints them. Text is drawn with the bundled DejaVu Sans (no system font is
//! looked up). Names are cleaned of control and direction-override characters; a character
//! the font lacks (emoji) shows as a box, and right-to-left text is drawn unshaped, in
//! logical order.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};

// In the main repo: `use crate::engine::{Trend, TrendBucket, TrendUnit};`
use crate::engine::{Trend, TrendBucket, TrendUnit};

/// The picture's size in pixels.
pub const WIDTH: u32 = 800;
pub const HEIGHT: u32 = 400;
/// Outlets charted by name; the rest are stacked together as [`OTHERS`].
pub const MAX_OUTLETS: usize = 8;
/// The legend entry of the outlets beyond the [`MAX_OUTLETS`]th.
pub const OTHERS: &str = "others";
/// Longest legend entry, in chars, "…" included.
pub const MAX_LEGEND_CHARS: usize = 30;
/// Longest title, in chars, before it is cut to the picture's width.
const MAX_TITLE_CHARS: usize = 120;
/// More buckets than this are refused rather than drawn (each would be a fraction of a pixel).
pub const MAX_BUCKETS: usize = 10_000;

const FONT: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/fonts/DejaVuSans.ttf"
));
/// The name the bundled font is registered under with plotters.
const FAMILY: &str = "clippings-dejavu-sans";

/// Okabe–Ito colours (distinguishable with the common colour-vision deficiencies), in the
/// order the outlets are stacked; cycled if there were ever more series than colours.
const PALETTE: [RGBColor; MAX_OUTLETS] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xD5, 0x5E, 0x00), // vermilion
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0xF0, 0xE4, 0x42), // yellow
    RGBColor(0x00, 0x00, 0x00), // black
];
const OTHERS_COLOUR: RGBColor = RGBColor(0xAA, 0xAA, 0xAA);
const GRID_COLOUR: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
const NOTE_COLOUR: RGBColor = RGBColor(0x55, 0x55, 0x55);

const LEGEND_WIDTH: u32 = 200;
const TITLE_HEIGHT: u32 = 34;
const MARGIN: u32 = 10;
const X_LABEL_AREA: u32 = 28;
const Y_LABEL_AREA: u32 = 52;
const TITLE_SIZE: f64 = 18.0;
const LABEL_SIZE: f64 = 12.0;
/// Room left between two x-axis labels, in pixels.
const LABEL_GAP: u32 = 12;

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("too many buckets to chart ({0})")]
    TooManyBuckets(usize),
    #[error("the bundled font could not be loaded")]
    Font,
    #[error("chart drawing failed: {0}")]
    Draw(String),
    #[error("chart drawing panicked")]
    Panicked,
    #[error("png encoding failed: {0}")]
    Encode(#[from] png::EncodingError),
}

/// One stacked segment: the articles of series `outlet` (an index into [`legend`]) in
/// bucket `bucket` (an index into `Trend::buckets`), stacked from `from` to `to` articles.
/// Only non-empty segments are listed; a bucket's segments go bottom to top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bar {
    pub bucket: usize,
    pub outlet: usize,
    pub from: usize,
    pub to: usize,
}

/// How many outlets are charted by name.
fn named(trend: &Trend) -> usize {
    trend.outlets.len().min(MAX_OUTLETS)
}

/// The series a count of `Trend::counts` belongs to: its outlet, or "others" past the
/// [`MAX_OUTLETS`]th outlet (and for counts beyond `Trend::outlets`, which name no outlet).
fn series_of(trend: &Trend, outlet: usize) -> usize {
    outlet.min(named(trend))
}

fn has_others(trend: &Trend) -> bool {
    let named = named(trend);
    trend.outlets.len() > named
        || trend
            .buckets
            .iter()
            .any(|b| b.counts.iter().skip(named).any(|&c| c > 0))
}

/// The series charted, bottom to top, as named in the legend: the first [`MAX_OUTLETS`]
/// outlets, then [`OTHERS`] if there are more (untruncated; see [`legend_label`]).
pub fn legend(trend: &Trend) -> Vec<String> {
    let mut names: Vec<String> = trend.outlets.iter().take(MAX_OUTLETS).cloned().collect();
    if has_others(trend) {
        names.push(OTHERS.to_string());
    }
    names
}

/// The segments drawn: per bucket, each series with articles, stacked in legend order.
/// Stacks that would overflow `usize` saturate.
pub fn bars(trend: &Trend) -> Vec<Bar> {
    let series = named(trend) + 1;
    let mut out = Vec::new();
    let mut sums = vec![0usize; series];
    for (bucket, b) in trend.buckets.iter().enumerate() {
        sums.iter_mut().for_each(|s| *s = 0);
        for (outlet, &count) in b.counts.iter().enumerate() {
            let s = &mut sums[series_of(trend, outlet)];
            *s = s.saturating_add(count);
        }
        let mut from = 0usize;
        for (outlet, &count) in sums.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let to = from.saturating_add(count);
            out.push(Bar {
                bucket,
                outlet,
                from,
                to,
            });
            from = to;
        }
    }
    out
}

/// The colour of series `outlet` of `legend`.
fn colour(outlet: usize, legend: &[String], others: bool) -> RGBColor {
    if others && outlet + 1 == legend.len() {
        OTHERS_COLOUR
    } else {
        PALETTE[outlet % PALETTE.len()]
    }
}

/// `text` made safe to draw on one line: control characters become spaces, invisible
/// formatting (direction overrides, zero-width characters) is dropped, runs of spaces shrink.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(1024));
    for c in text.chars() {
        let c = if c.is_control() { ' ' } else { c };
        let invisible = matches!(c,
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}');
        if invisible || (c.is_whitespace() && (out.is_empty() || out.ends_with(' '))) {
            continue;
        }
        out.push(if c.is_whitespace() { ' ' } else { c });
    }
    out.truncate(out.trim_end().len());
    out
}

/// At most `max` chars of `text`, ending in "…" when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// A legend entry as drawn: cleaned, at most [`MAX_LEGEND_CHARS`] chars.
pub fn legend_label(name: &str) -> String {
    let label = truncate(&clean(name), MAX_LEGEND_CHARS);
    if label.is_empty() {
        "?".to_string()
    } else {
        label
    }
}

/// A count as a y-axis label: "950", "2000", "25k", "1.5M".
fn count_label(n: u128) -> String {
    const UNITS: [(u128, &str); 6] = [
        (1_000_000_000_000_000_000, "E"),
        (1_000_000_000_000_000, "P"),
        (1_000_000_000_000, "T"),
        (1_000_000_000, "G"),
        (1_000_000, "M"),
        (1_000, "k"),
    ];
    if n < 10_000 {
        return n.to_string();
    }
    let (unit, suffix) = UNITS
        .iter()
        .copied()
        .find(|&(unit, _)| n >= unit)
        .unwrap_or((1, ""));
    let whole = n / unit;
    let tenth = (n % unit) * 10 / unit;
    if tenth == 0 || whole >= 100 {
        format!("{whole}{suffix}")
    } else {
        format!("{whole}.{tenth}{suffix}")
    }
}

/// The top of the y axis and its ticks for stacks up to `max` articles: whole numbers,
/// steps of 1, 2 or 5 times a power of ten, about five of them, at least 0..1.
fn y_ticks(max: usize) -> (u128, Vec<u128>) {
    let max = (max as u128).max(1);
    let wanted = max.div_ceil(5);
    let mut power = 1u128;
    let step = loop {
        if let Some(step) = [1, 2, 5].iter().map(|m| m * power).find(|&s| s >= wanted) {
            break step;
        }
        power *= 10;
    };
    let top = max.div_ceil(step) * step;
    let ticks = (0..=top / step).map(|i| i * step).collect();
    (top, ticks)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// "YYYY-MM-DD" as (year, month, day), if that is what it is.
fn parse_date(text: &str) -> Option<(u32, usize, u32)> {
    let mut parts = text.splitn(3, '-');
    let year = parts.next().filter(|y| y.len() == 4)?.parse().ok()?;
    let month: usize = parts.next().filter(|m| m.len() == 2)?.parse().ok()?;
    let day = parts.next().filter(|d| d.len() == 2)?.parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((year, month, day))
}

/// The x-axis labels, one per bucket: "Dec 1" when the span is within one year, else
/// "2024-12-01"; a start that is no date is shown cut short.
fn x_labels(trend: &Trend) -> Vec<String> {
    let years: Vec<Option<u32>> = trend
        .buckets
        .iter()
        .map(|b| parse_date(&b.start).map(|(y, _, _)| y))
        .collect();
    let one_year = years.windows(2).all(|w| w[0] == w[1]);
    trend
        .buckets
        .iter()
        .map(|b| bucket_label(b, one_year))
        .collect()
}

fn bucket_label(bucket: &TrendBucket, one_year: bool) -> String {
    match parse_date(&bucket.start) {
        Some((_, month, day)) if one_year => format!("{} {day}", MONTHS[month - 1]),
        Some((year, month, day)) => format!("{year}-{month:02}-{day:02}"),
        None => truncate(&clean(&bucket.start), 10),
    }
}

/// Every how many buckets an x-axis label goes, so that labels `label_px` wide don't
/// overlap on a plot `plot_px` wide: a whole number of weeks (days) or of months (weeks)
/// where it can.
fn label_step(buckets: usize, unit: TrendUnit, plot_px: u32, label_px: u32) -> usize {
    let fits = (plot_px / (label_px + LABEL_GAP)).max(1) as usize;
    let needed = buckets.div_ceil(fits).max(1);
    let nice: &[usize] = match unit {
        TrendUnit::Day => &[1, 2, 7, 14, 28, 56, 91, 182, 364],
        TrendUnit::Week => &[1, 2, 4, 8, 13, 26, 52],
    };
    let last = nice[nice.len() - 1];
    nice.iter()
        .copied()
        .find(|&s| s >= needed)
        .unwrap_or_else(|| needed.div_ceil(last) * last)
}

/// `text` cut (with "…") to at most `max_px` wide, as measured with `style`.
fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    text: &str,
    style: &TextStyle,
    max_px: u32,
) -> String {
    let fits = |t: &str| {
        area.estimate_text_size(t, style)
            .is_ok_and(|(w, _)| w <= max_px)
    };
    if fits(text) {
        return text.to_string();
    }
    // The longest cut that fits: `lo` chars always do (or nothing does), `hi` never.
    let (mut lo, mut hi) = (1, text.chars().count());
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if fits(&truncate(text, mid)) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    truncate(text, lo)
}

/// Where bucket `i` starts on the x axis, in hundredths of a bucket.
fn x_of(i: usize) -> i64 {
    i64::try_from(i).map_or(i64::MAX, |i| i.saturating_mul(100))
}

fn font(size: f64) -> TextStyle<'static> {
    TextStyle::from((FontFamily::Name(FAMILY), size).into_font()).color(&BLACK)
}

fn draw_err(e: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(e.to_string())
}

fn register() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

/// The chart as a PNG, [`WIDTH`]×[`HEIGHT`]: `trend.heading` on top, [`bars`] stacked per
/// bucket, the y axis in articles, and the [`legend`] on the right.
pub fn png(trend: &Trend) -> Result<Vec<u8>, ChartError> {
    if trend.buckets.len() > MAX_BUCKETS {
        return Err(ChartError::TooManyBuckets(trend.buckets.len()));
    }
    let mut pixels = vec![255u8; (WIDTH * HEIGHT * 3) as usize];
    catch_unwind(AssertUnwindSafe(|| draw(trend, &mut pixels)))
        .map_err(|_| ChartError::Panicked)??;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(Cursor::new(&mut out), WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(out)
}

/// Paints the chart into `pixels`, RGB rows of [`WIDTH`].
fn draw(trend: &Trend, pixels: &mut [u8]) -> Result<(), ChartError> {
    register()?;
    let bars = bars(trend);
    let legend = legend(trend);
    let others = has_others(trend);
    let n = trend.buckets.len();

    let root = BitMapBackend::with_buffer(pixels, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_err)?;
    let title_font = font(TITLE_SIZE);
    let title = truncate(&clean(&trend.heading), MAX_TITLE_CHARS);
    let title = fit(&root, &title, &title_font, WIDTH - 2 * MARGIN);
    // plotters' ab_glyph text sits about half its size above a top anchor: place by eye.
    let title_style = title_font.pos(Pos::new(HPos::Center, VPos::Top));
    root.draw(&Text::new(title, ((WIDTH / 2) as i32, 14), title_style))
        .map_err(draw_err)?;
    let (_, body) = root.split_vertically(TITLE_HEIGHT);
    let (plot, side) = body.split_horizontally(WIDTH - LEGEND_WIDTH);

    let label_font = font(LABEL_SIZE);
    let labels = x_labels(trend);
    let label_px = labels
        .iter()
        .filter_map(|l| root.estimate_text_size(l, &label_font).ok())
        .map(|(w, _)| w)
        .max()
        .unwrap_or(0);
    let plot_px = WIDTH - LEGEND_WIDTH - Y_LABEL_AREA - 2 * MARGIN;
    let step = label_step(n, trend.unit, plot_px, label_px);
    // x in hundredths of a bucket: bucket i spans i * 100 .. i * 100 + 100.
    let x_ticks: Vec<i64> = (0..n).step_by(step).map(|i| x_of(i) + 50).collect();
    let max = bars.iter().map(|b| b.to).max().unwrap_or(0);
    let (top, y_ticks) = y_ticks(max);

    let mut chart = ChartBuilder::on(&plot)
        .margin(MARGIN)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(
            (0..x_of(n.max(1))).with_key_points(x_ticks),
            (0..top).with_key_points(y_ticks),
        )
        .map_err(draw_err)?;
    let x_label = |x: &i64| {
        let i = usize::try_from(x / 100).unwrap_or(usize::MAX);
        labels.get(i).cloned().unwrap_or_default()
    };
    let y_label = |y: &u128| count_label(*y);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID_COLOUR)
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .y_desc("articles")
        .label_style(label_font.clone())
        .axis_desc_style(font(LABEL_SIZE + 1.0))
        .draw()
        .map_err(draw_err)?;

    let bar_px = f64::from(plot_px) / n.max(1) as f64;
    let gap = if bar_px >= 4.0 { 12 } else { 0 };
    chart
        .draw_series(bars.iter().map(|b| {
            let x = x_of(b.bucket);
            let fill = colour(b.outlet, &legend, others).filled();
            let (from, to) = (b.from as u128, b.to as u128);
            Rectangle::new([(x + gap, from), (x + 100 - gap, to)], fill)
        }))
        .map_err(draw_err)?;
    if bars.is_empty() {
        let (w, h) = chart.plotting_area().dim_in_pixel();
        let note = if n == 0 {
            "no dated articles"
        } else {
            "no articles in this span"
        };
        let style = font(LABEL_SIZE + 2.0)
            .color(&NOTE_COLOUR)
            .pos(Pos::new(HPos::Center, VPos::Center));
        let area = chart.plotting_area().strip_coord_spec();
        area.draw(&Text::new(note, (w as i32 / 2, h as i32 / 2), style))
            .map_err(draw_err)?;
    }

    let row = 20;
    let (x, mut y) = (8, MARGIN as i32);
    for (i, name) in legend.iter().enumerate() {
        let swatch = colour(i, &legend, others).filled();
        side.draw(&Rectangle::new([(x, y + 2), (x + 12, y + 14)], swatch))
            .map_err(draw_err)?;
        let label = fit(&side, &legend_label(name), &label_font, LEGEND_WIDTH - 34);
        side.draw(&Text::new(label, (x + 18, y + 7), label_font.clone()))
            .map_err(draw_err)?;
        y += row;
    }
    if trend.undated > 0 {
        let note = format!(
            "{} undated, not charted",
            count_label(trend.undated as u128)
        );
        let style = font(LABEL_SIZE - 1.0).color(&NOTE_COLOUR);
        side.draw(&Text::new(note, (x, y + row), style))
            .map_err(draw_err)?;
    }
    root.present().map_err(draw_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trend(outlets: &[&str], counts: &[&[usize]]) -> Trend {
        Trend {
            query: "strike".into(),
            heading: "Coverage of “strike”, per day".into(),
            unit: TrendUnit::Day,
            buckets: counts
                .iter()
                .enumerate()
                .map(|(i, c)| TrendBucket {
                    start: format!("2024-12-{:02}", i % 28 + 1),
                    counts: c.to_vec(),
                })
                .collect(),
            outlets: outlets.iter().map(|s| s.to_string()).collect(),
            undated: 0,
        }
    }

    fn bar(bucket: usize, outlet: usize, from: usize, to: usize) -> Bar {
        Bar {
            bucket,
            outlet,
            from,
            to,
        }
    }

    /// Decodes `bytes` as a PNG and gives its size.
    fn decoded_size(bytes: &[u8]) -> (u32, u32) {
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let mut reader = png::Decoder::new(Cursor::new(bytes)).read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut buf).unwrap();
        (frame.width, frame.height)
    }

    /// The distinct colours of a rendered chart.
    fn colours(bytes: &[u8]) -> std::collections::HashSet<[u8; 3]> {
        let mut reader = png::Decoder::new(Cursor::new(bytes)).read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut buf).unwrap();
        buf[..frame.buffer_size()]
            .chunks(3)
            .map(|p| [p[0], p[1], p[2]])
            .collect()
    }

    #[test]
    fn bars_of_a_small_trend_are_the_stacked_segments() {
        let t = trend(&["A", "B", "C"], &[&[2, 0, 1], &[0, 0, 0], &[1, 3, 4]]);
        assert_eq!(
            bars(&t),
            vec![
                bar(0, 0, 0, 2),
                bar(0, 2, 2, 3),
                bar(2, 0, 0, 1),
                bar(2, 1, 1, 4),
                bar(2, 2, 4, 8),
            ]
        );
        assert_eq!(legend(&t), vec!["A", "B", "C"]);
    }

    #[test]
    fn there_is_one_bar_per_non_zero_count() {
        let counts: Vec<Vec<usize>> = (0..40)
            .map(|i| (0..6).map(|j| (i * 7 + j * 3) % 5).collect())
            .collect();
        let refs: Vec<&[usize]> = counts.iter().map(Vec::as_slice).collect();
        let t = trend(&["a", "b", "c", "d", "e", "f"], &refs);
        let non_zero = counts.iter().flatten().filter(|&&c| c > 0).count();
        let bars = bars(&t);
        assert_eq!(bars.len(), non_zero);
        for (i, counts) in counts.iter().enumerate() {
            let top = bars.iter().filter(|b| b.bucket == i).map(|b| b.to).max();
            assert_eq!(top.unwrap_or(0), counts.iter().sum::<usize>());
        }
    }

    #[test]
    fn outlets_beyond_the_eighth_fold_into_others() {
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"];
        let t = trend(&names, &[&[1, 1, 1, 1, 1, 1, 1, 1, 2, 0, 3], &[0; 11]]);
        let legend = legend(&t);
        assert_eq!(legend.len(), MAX_OUTLETS + 1);
        assert_eq!(legend[..MAX_OUTLETS], names[..MAX_OUTLETS]);
        assert_eq!(legend[MAX_OUTLETS], OTHERS);
        let bars = bars(&t);
        assert_eq!(bars.len(), MAX_OUTLETS + 1);
        assert_eq!(bars[MAX_OUTLETS], bar(0, MAX_OUTLETS, 8, 13));
        assert!(bars.iter().all(|b| b.outlet < legend.len()));
    }

    #[test]
    fn eight_outlets_need_no_others() {
        let t = trend(&["a", "b", "c", "d", "e", "f", "g", "h"], &[&[1; 8]]);
        assert_eq!(legend(&t).len(), 8);
        assert!(!legend(&t).contains(&OTHERS.to_string()));
    }

    #[test]
    fn counts_for_unnamed_outlets_are_charted_as_others() {
        let t = trend(&["a"], &[&[1, 2, 3]]);
        assert_eq!(legend(&t), vec!["a", OTHERS]);
        assert_eq!(bars(&t), vec![bar(0, 0, 0, 1), bar(0, 1, 1, 6)]);
    }

    #[test]
    fn huge_counts_saturate_instead_of_overflowing() {
        let t = trend(&["a", "b"], &[&[usize::MAX, usize::MAX]]);
        assert_eq!(
            bars(&t),
            vec![bar(0, 0, 0, usize::MAX), bar(0, 1, usize::MAX, usize::MAX)]
        );
    }

    #[test]
    fn the_png_decodes_at_the_chart_size() {
        let mut t = trend(&["Le Monde", "BBC"], &[&[3, 1], &[0, 2], &[5, 0]]);
        t.undated = 4;
        let bytes = png(&t).unwrap();
        assert_eq!(decoded_size(&bytes), (WIDTH, HEIGHT));
        let colours = colours(&bytes);
        assert!(colours.contains(&[255, 255, 255]), "white background");
        for c in &PALETTE[..2] {
            assert!(colours.contains(&[c.0, c.1, c.2]), "a bar of {c:?}");
        }
    }

    #[test]
    fn an_all_zero_trend_renders() {
        let t = trend(&["a", "b"], &[&[0, 0], &[0, 0], &[0, 0]]);
        assert!(bars(&t).is_empty());
        assert_eq!(y_ticks(0), (1, vec![0, 1]));
        assert_eq!(decoded_size(&png(&t).unwrap()), (WIDTH, HEIGHT));
    }

    #[test]
    fn a_trend_without_buckets_renders() {
        let t = trend(&[], &[]);
        assert_eq!(decoded_size(&png(&t).unwrap()), (WIDTH, HEIGHT));
    }

    #[test]
    fn hostile_names_and_counts_render_without_panicking() {
        let hostile = [
            "📰🔥 Breaking‼️ 👨‍👩‍👧",
            "\u{202E}gnissim\u{202C} ثم الأخبار اليومية עיתון הארץ",
            "tab\there\nnew\rline\u{0}\u{7}\u{1b}[31m",
            "",
            "\u{200B}\u{FEFF}",
            &"W".repeat(10_000),
            "“A very long headline that goes on and on” (outlet unknown)",
            "a",
            "b",
            "c",
            "d",
        ];
        let mut t = trend(&hostile, &[&[usize::MAX; 11], &[0; 11], &[1, 2, 3]]);
        t.heading = format!("{}\u{0}\n{}", "🙂".repeat(300), "x".repeat(5000));
        t.buckets[1].start = "not a date \u{202E}".into();
        t.buckets[2].start = String::new();
        t.undated = usize::MAX;
        assert_eq!(decoded_size(&png(&t).unwrap()), (WIDTH, HEIGHT));
    }

    #[test]
    fn five_hundred_buckets_render() {
        let counts: Vec<Vec<usize>> = (0..500).map(|i| vec![i % 7, i % 3, 1]).collect();
        let refs: Vec<&[usize]> = counts.iter().map(Vec::as_slice).collect();
        let mut t = trend(&["a", "b", "c"], &refs);
        t.unit = TrendUnit::Week;
        for (i, b) in t.buckets.iter_mut().enumerate() {
            b.start = format!("{}-{:02}-01", 2000 + i / 12, i % 12 + 1);
        }
        assert_eq!(decoded_size(&png(&t).unwrap()), (WIDTH, HEIGHT));
    }

    #[test]
    fn too_many_buckets_is_an_error() {
        let counts = vec![vec![1usize]; MAX_BUCKETS + 1];
        let refs: Vec<&[usize]> = counts.iter().map(Vec::as_slice).collect();
        let t = trend(&["a"], &refs);
        assert!(matches!(png(&t), Err(ChartError::TooManyBuckets(_))));
    }

    #[test]
    fn x_labels_are_thinned_so_they_do_not_overlap() {
        let plot_px = WIDTH - LEGEND_WIDTH - Y_LABEL_AREA - 2 * MARGIN;
        for unit in [TrendUnit::Day, TrendUnit::Week] {
            for n in [1, 7, 30, 31, 60, 90, 500] {
                for label_px in [32, 70] {
                    let step = label_step(n, unit, plot_px, label_px);
                    let shown = n.div_ceil(step) as u32;
                    let slot = plot_px as f64 / n as f64 * step as f64;
                    assert!(
                        shown == 1 || slot >= f64::from(label_px + LABEL_GAP),
                        "{unit:?} {n} buckets every {step}"
                    );
                }
            }
        }
        assert_eq!(label_step(7, TrendUnit::Day, 486, 32), 1);
        assert_eq!(label_step(90, TrendUnit::Day, 486, 32), 14);
    }

    #[test]
    fn x_labels_are_short_dates() {
        let mut t = trend(&["a"], &[&[1], &[1]]);
        assert_eq!(x_labels(&t), vec!["Dec 1", "Dec 2"]);
        t.buckets[1].start = "2025-01-06".into();
        assert_eq!(x_labels(&t), vec!["2024-12-01", "2025-01-06"]);
    }

    #[test]
    fn y_ticks_are_whole_numbers_from_zero() {
        assert_eq!(y_ticks(1), (1, vec![0, 1]));
        assert_eq!(y_ticks(3), (3, vec![0, 1, 2, 3]));
        assert_eq!(y_ticks(7), (8, vec![0, 2, 4, 6, 8]));
        assert_eq!(y_ticks(23), (25, vec![0, 5, 10, 15, 20, 25]));
        let (top, ticks) = y_ticks(usize::MAX);
        assert!(top >= usize::MAX as u128 && ticks.len() <= 7);
        assert_eq!(count_label(950), "950");
        assert_eq!(count_label(25_000), "25k");
        assert_eq!(count_label(1_500_000), "1.5M");
    }

    #[test]
    fn legend_labels_are_cleaned_and_cut() {
        assert_eq!(legend_label("Le\tMonde\n"), "Le Monde");
        assert_eq!(legend_label("\u{202E}abc\u{202C}"), "abc");
        assert_eq!(legend_label(""), "?");
        let long = legend_label(&"x".repeat(100));
        assert_eq!(long.chars().count(), MAX_LEGEND_CHARS);
        assert!(long.ends_with('…'));
    }
}
