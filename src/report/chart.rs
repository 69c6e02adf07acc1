//! Charts: a small YAML (or JSON) spec in a fenced code block, drawn as vector graphics.
//!
//! A chart is written in the Markdown as a fenced code block whose language is `chart`:
//!
//! ````markdown
//! ```chart
//! type: levels                  # one horizontal bar per category, its length the level
//! title: Priority of need by area
//! levels: [No priority, Low priority, Medium priority, High priority]
//! colours: ["#6a9f58", "#e2b43c", "#e07b39", "#c0392b"]   # optional, one per level
//! bars:
//!   - { label: Feeding and nutrition, level: 1 }          # a level index (0 = first) ...
//!   - { label: Safety in the home, level: High priority } # ... or a level's name
//! ```
//! ````
//!
//! ````markdown
//! ```chart
//! type: line                    # or `bars` for grouped columns
//! title: Knowledge scores across sessions
//! x: [Session 1, Session 2, Session 3, Session 4]
//! y_label: Score (0–10)         # optional
//! y_max: 10                     # optional; otherwise from the data
//! series:
//!   - { name: Feeding, values: [3, 5, 6, 8] }
//!   - { name: Safety, values: [2, 2, ~, 6], colour: "#c0392b" }   # ~ (null): no value
//! ```
//! ````
//!
//! Every chart has its title above, axis labels and a legend below. Colours are `#rrggbb`; the
//! defaults are a colour-blind-safe palette.

use serde::Deserialize;

use super::document::Emphasis;
use super::layout::{Draw, Fonts, MM, Rgb, TextRun, Theme};

/// A chart, as written in a `chart` code block.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Chart {
    /// One horizontal bar per category showing a level (e.g. priority of need per area).
    Levels(LevelsChart),
    /// Values across sessions as lines with markers, one line per series.
    Line(SeriesChart),
    /// Values across sessions as grouped columns, one colour per series.
    Bars(SeriesChart),
}

/// Categories with a level each.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelsChart {
    /// Shown above the chart.
    #[serde(default)]
    pub title: Option<String>,
    /// The level names, lowest first.
    pub levels: Vec<String>,
    /// One colour per level (`#rrggbb`), optional.
    #[serde(default, alias = "colors")]
    pub colours: Option<Vec<String>>,
    /// The categories, top to bottom.
    pub bars: Vec<LevelBar>,
}

/// One category of a [`LevelsChart`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelBar {
    /// The category, e.g. an area of parenting.
    pub label: String,
    /// Its level, by index or by name.
    pub level: LevelRef,
}

/// A level, by its index (0 = first) or its name.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum LevelRef {
    /// Index into `levels`.
    Index(usize),
    /// One of the `levels`.
    Name(String),
}

/// Values of several series across the same labels (sessions).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesChart {
    /// Shown above the chart.
    #[serde(default)]
    pub title: Option<String>,
    /// The labels along the horizontal axis.
    pub x: Vec<String>,
    /// The label of the vertical axis.
    #[serde(default)]
    pub y_label: Option<String>,
    /// The top of the vertical axis (default: from the data).
    #[serde(default)]
    pub y_max: Option<f64>,
    /// The series.
    pub series: Vec<Series>,
}

/// One line (or one colour of columns) of a [`SeriesChart`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Series {
    /// Shown in the legend.
    pub name: String,
    /// One value per `x` label; `~` (null) where there is none.
    pub values: Vec<Option<f64>>,
    /// `#rrggbb`, optional.
    #[serde(default, alias = "color")]
    pub colour: Option<String>,
}

/// Colour-blind-safe defaults (Okabe–Ito, darkened for print).
const PALETTE: [&str; 8] = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#555555", "#f0e442"];
/// Default level colours: green, amber, orange, red.
const LEVEL_PALETTE: [&str; 4] = ["#6a9f58", "#e2b43c", "#e07b39", "#c0392b"];

impl Chart {
    /// Parses and checks a chart spec; the error says what is wrong, for a diagnostic.
    pub fn parse(spec: &str) -> Result<Chart, String> {
        let chart: Chart = serde_norway::from_str(spec).map_err(|e| e.to_string())?;
        chart.check()?;
        Ok(chart)
    }

    fn check(&self) -> Result<(), String> {
        let colour = |c: &String| {
            Rgb::from_hex(c).map(|_| ()).ok_or_else(|| format!("`{c}` is not a colour; write it as \"#rrggbb\""))
        };
        match self {
            Chart::Levels(c) => {
                if c.levels.is_empty() {
                    return Err("`levels` is empty: name the levels, lowest first".into());
                }
                if let Some(cs) = &c.colours {
                    if cs.len() != c.levels.len() {
                        return Err(format!(
                            "{} colours for {} levels: give one colour per level",
                            cs.len(),
                            c.levels.len()
                        ));
                    }
                    cs.iter().try_for_each(colour)?;
                }
                for bar in &c.bars {
                    c.level_index(&bar.level).ok_or_else(|| match &bar.level {
                        LevelRef::Index(i) => format!(
                            "`{}` has level {i}, but there are {} levels (0 to {})",
                            bar.label,
                            c.levels.len(),
                            c.levels.len() - 1
                        ),
                        LevelRef::Name(n) => format!("`{}` has level `{n}`, which is not one of `levels`", bar.label),
                    })?;
                }
            }
            Chart::Line(c) | Chart::Bars(c) => {
                if c.x.is_empty() {
                    return Err("`x` is empty: give the labels along the horizontal axis".into());
                }
                for s in &c.series {
                    if s.values.len() != c.x.len() {
                        return Err(format!(
                            "series `{}` has {} values for {} `x` labels",
                            s.name,
                            s.values.len(),
                            c.x.len()
                        ));
                    }
                    if let Some(col) = &s.colour {
                        colour(col)?;
                    }
                    if s.values.iter().flatten().any(|v| !v.is_finite()) {
                        return Err(format!("series `{}` has a value that is not a number", s.name));
                    }
                }
            }
        }
        Ok(())
    }
}

impl LevelsChart {
    fn level_index(&self, r: &LevelRef) -> Option<usize> {
        match r {
            LevelRef::Index(i) => (*i < self.levels.len()).then_some(*i),
            LevelRef::Name(n) => self.levels.iter().position(|l| l.eq_ignore_ascii_case(n.trim())),
        }
    }

    fn colour(&self, level: usize) -> Rgb {
        let hex = match &self.colours {
            Some(cs) => cs.get(level).map(String::as_str),
            None => {
                // Spread the default colours over the levels, lowest green, highest red.
                let n = self.levels.len();
                let i = if n <= 1 { 0 } else { level * (LEVEL_PALETTE.len() - 1) / (n - 1) };
                LEVEL_PALETTE.get(i).copied()
            }
        };
        hex.and_then(Rgb::from_hex).unwrap_or(Rgb::MUTED)
    }
}

struct Pen<'a> {
    fonts: &'a Fonts,
    theme: &'a Theme,
    draws: Vec<Draw>,
}

impl Pen<'_> {
    /// Text with its left edge, centre or right edge at `x` (`anchor` 0, 0.5, 1).
    fn text(&mut self, (x, y): (f32, f32), size: f32, bold: bool, colour: Rgb, text: &str, anchor: f32) -> f32 {
        let face = self.theme.face(Emphasis { bold, ..Emphasis::default() });
        let w = self.fonts.width(face, size, text);
        self.draws.push(Draw::Text(TextRun {
            x: x - w * anchor,
            y,
            face,
            size,
            colour,
            text: text.to_string(),
            space_extra: 0.0,
            angle: 0.0,
        }));
        w
    }

    fn width(&self, size: f32, bold: bool, text: &str) -> f32 {
        self.fonts.width(self.theme.face(Emphasis { bold, ..Emphasis::default() }), size, text)
    }

    fn line(&mut self, points: Vec<(f32, f32)>, colour: Rgb, width: f32) {
        self.draws.push(Draw::Stroke { points, colour, width, dash: None });
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Rgb) {
        self.draws.push(Draw::Fill { rect: [x, y, w, h], colour });
    }

    /// Splits a label into at most two lines that fit `width`, shortening with an ellipsis.
    fn fit(&self, size: f32, text: &str, width: f32) -> Vec<String> {
        if self.width(size, false, text) <= width {
            return vec![text.to_string()];
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        for cut in (1..words.len()).rev() {
            let (a, b) = (words[..cut].join(" "), words[cut..].join(" "));
            if self.width(size, false, &a) <= width && self.width(size, false, &b) <= width {
                return vec![a, b];
            }
        }
        let mut short = String::new();
        for c in text.chars() {
            if self.width(size, false, &format!("{short}{c}…")) > width {
                break;
            }
            short.push(c);
        }
        vec![format!("{}…", short.trim_end())]
    }

    /// A legend row of swatches and names, centred; returns its height.
    fn legend(&mut self, y: f32, width: f32, items: &[(String, Rgb, bool)]) -> f32 {
        let size = self.theme.small * 0.95;
        let sw = size * 1.6;
        let gap = size * 1.4;
        let item_w: Vec<f32> = items.iter().map(|(n, ..)| sw + 4.0 + self.width(size, false, n)).collect();
        // Wrap the legend into rows that fit.
        let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
        let mut row_w = 0.0;
        for (i, w) in item_w.iter().enumerate() {
            if row_w > 0.0 && row_w + gap + w > width {
                rows.push(Vec::new());
                row_w = 0.0;
            }
            row_w += if row_w > 0.0 { gap + w } else { *w };
            if let Some(r) = rows.last_mut() {
                r.push(i);
            }
        }
        let line_h = size * 1.6;
        for (r, row) in rows.iter().enumerate() {
            let total: f32 = row.iter().map(|&i| item_w[i]).sum::<f32>() + gap * (row.len().saturating_sub(1)) as f32;
            let mut x = (width - total) / 2.0;
            let base = y + r as f32 * line_h + size;
            for &i in row {
                let (name, colour, is_line) = &items[i];
                if *is_line {
                    self.line(vec![(x, base - size * 0.33), (x + sw, base - size * 0.33)], *colour, 1.8);
                    self.marker(x + sw / 2.0, base - size * 0.33, *colour, size * 0.28);
                } else {
                    self.rect(x, base - size * 0.78, sw, size * 0.82, *colour);
                }
                self.text((x + sw + 4.0, base), size, false, Rgb::TEXT, name, 0.0);
                x += item_w[i] + gap;
            }
        }
        rows.len() as f32 * line_h
    }

    fn marker(&mut self, x: f32, y: f32, colour: Rgb, r: f32) {
        let points = (0..12)
            .map(|i| {
                let a = i as f32 * std::f32::consts::PI / 6.0;
                (x + r * a.cos(), y + r * a.sin())
            })
            .collect();
        self.draws.push(Draw::Polygon { points, colour });
    }
}

/// Draws a chart `width` points wide; returns its height and the draws, relative to its top-left.
pub fn draw(chart: &Chart, theme: &Theme, fonts: &Fonts, width: f32) -> (f32, Vec<Draw>) {
    let mut pen = Pen { fonts, theme, draws: Vec::new() };
    let height = match chart {
        Chart::Levels(c) => levels(&mut pen, c, width),
        Chart::Line(c) => series(&mut pen, c, width, false),
        Chart::Bars(c) => series(&mut pen, c, width, true),
    };
    (height, pen.draws)
}

fn title(pen: &mut Pen<'_>, title: Option<&str>, width: f32) -> f32 {
    match title {
        Some(t) => {
            let size = pen.theme.size * 0.95;
            pen.text((width / 2.0, size), size, true, Rgb::HEADING, t, 0.5);
            size * 2.0
        }
        None => 0.0,
    }
}

fn levels(pen: &mut Pen<'_>, c: &LevelsChart, width: f32) -> f32 {
    let small = pen.theme.small;
    let mut y = title(pen, c.title.as_deref(), width);
    let label_size = small;
    let longest = c.bars.iter().map(|b| pen.width(label_size, false, &b.label)).fold(0.0, f32::max);
    let label_w = longest.min(width * 0.38) + 6.0;
    let plot_x = label_w;
    let plot_w = width - label_w - 4.0;
    let n = c.levels.len().max(1);
    let band = plot_w / n as f32;
    let bar_h = small * 1.45;
    let row_h = bar_h + small * 0.75;
    let plot_top = y + 2.0;
    let plot_h = row_h * c.bars.len() as f32 + small * 0.5;

    // Bands: alternate light shading so a bar's end is easy to read against the level names.
    for i in 0..n {
        if i % 2 == 1 {
            pen.rect(plot_x + band * i as f32, plot_top, band, plot_h, Rgb(0.96, 0.965, 0.975));
        }
    }
    for i in 0..=n {
        let x = plot_x + band * i as f32;
        pen.line(vec![(x, plot_top), (x, plot_top + plot_h)], Rgb::RULE, 0.4);
    }
    for (i, bar) in c.bars.iter().enumerate() {
        let level = c.level_index(&bar.level).unwrap_or(0);
        let top = plot_top + small * 0.5 + row_h * i as f32;
        let lines = pen.fit(label_size, &bar.label, label_w - 6.0);
        let mid = top + bar_h / 2.0;
        let line_h = label_size * 1.1;
        let first = mid + label_size * 0.35 - line_h * (lines.len() as f32 - 1.0) / 2.0;
        for (k, l) in lines.iter().enumerate() {
            pen.text((label_w - 6.0, first + k as f32 * line_h), label_size, false, Rgb::TEXT, l, 1.0);
        }
        let len = band * (level as f32 + 1.0) - band * 0.12;
        pen.rect(plot_x, top, len, bar_h, c.colour(level));
    }
    // The axis and the level names under each band.
    let axis_y = plot_top + plot_h;
    pen.line(vec![(plot_x, axis_y), (plot_x + plot_w - (plot_w - band * n as f32), axis_y)], Rgb::MUTED, 0.8);
    pen.line(vec![(plot_x, plot_top), (plot_x, axis_y)], Rgb::MUTED, 0.8);
    let tick_size = small * 0.9;
    let mut tick_h: f32 = 0.0;
    for (i, name) in c.levels.iter().enumerate() {
        let lines = pen.fit(tick_size, name, band - 4.0);
        for (k, l) in lines.iter().enumerate() {
            let yy = axis_y + tick_size * 1.3 + k as f32 * tick_size * 1.15;
            pen.text((plot_x + band * (i as f32 + 0.5), yy), tick_size, false, Rgb::MUTED, l, 0.5);
        }
        tick_h = tick_h.max(lines.len() as f32 * tick_size * 1.15 + tick_size * 0.5);
    }
    y = axis_y + tick_h + 4.0 * MM * 0.5;
    let items: Vec<(String, Rgb, bool)> =
        c.levels.iter().enumerate().map(|(i, l)| (l.clone(), c.colour(i), false)).collect();
    y += pen.legend(y, width, &items);
    y
}

/// A "nice" axis step: 1, 2 or 5 times a power of ten.
fn nice_step(range: f64, ticks: f64) -> f64 {
    let raw = (range / ticks).max(f64::MIN_POSITIVE);
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let nice = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

fn format_tick(v: f64, step: f64) -> String {
    if step >= 1.0 || v == 0.0 { format!("{}", v.round() as i64) } else { format!("{v:.1}") }
}

fn series(pen: &mut Pen<'_>, c: &SeriesChart, width: f32, bars: bool) -> f32 {
    let small = pen.theme.small;
    let top = title(pen, c.title.as_deref(), width);
    let data_max = c.series.iter().flat_map(|s| s.values.iter().flatten()).fold(0.0f64, |a, &b| a.max(b));
    let data_min = c.series.iter().flat_map(|s| s.values.iter().flatten()).fold(0.0f64, |a, &b| a.min(b));
    let wanted_max = c.y_max.unwrap_or(data_max).max(data_max);
    let step = nice_step((wanted_max - data_min).max(1e-9), 5.0);
    let y_min = (data_min / step).floor() * step;
    let y_max = if c.y_max.is_some() && wanted_max == c.y_max.unwrap_or(0.0) {
        wanted_max
    } else {
        (wanted_max / step).ceil() * step
    };
    let y_max = if y_max <= y_min { y_min + 1.0 } else { y_max };

    let tick_size = small * 0.9;
    let mut ticks = Vec::new();
    let mut v = y_min;
    while v <= y_max + step * 1e-6 {
        ticks.push(v);
        v += step;
    }
    let tick_w = ticks.iter().map(|t| pen.width(tick_size, false, &format_tick(*t, step))).fold(0.0, f32::max);
    let y_label_room = if c.y_label.is_some() { small * 1.6 } else { 0.0 };
    let plot_x = y_label_room + tick_w + 6.0;
    let plot_w = width - plot_x - 4.0;
    let plot_top = top + small * 0.6;
    let plot_h = 58.0 * MM;
    let to_y = |v: f64| plot_top + plot_h - ((v - y_min) / (y_max - y_min)) as f32 * plot_h;

    for t in &ticks {
        let y = to_y(*t);
        let colour = if *t == y_min { Rgb::MUTED } else { Rgb(0.87, 0.88, 0.9) };
        pen.line(vec![(plot_x, y), (plot_x + plot_w, y)], colour, if *t == y_min { 0.8 } else { 0.4 });
        pen.text((plot_x - 4.0, y + tick_size * 0.35), tick_size, false, Rgb::MUTED, &format_tick(*t, step), 1.0);
    }
    pen.line(vec![(plot_x, plot_top), (plot_x, plot_top + plot_h)], Rgb::MUTED, 0.8);
    if let Some(label) = &c.y_label {
        let face = pen.theme.face(Emphasis::default());
        let w = pen.fonts.width(face, tick_size, label);
        pen.draws.push(Draw::Text(TextRun {
            x: small * 0.9,
            y: plot_top + plot_h / 2.0 + w / 2.0,
            face,
            size: tick_size,
            colour: Rgb::MUTED,
            text: label.clone(),
            space_extra: 0.0,
            angle: 90.0,
        }));
    }

    let n = c.x.len();
    let slot = plot_w / n as f32;
    let colours: Vec<Rgb> = c
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            s.colour
                .as_deref()
                .and_then(Rgb::from_hex)
                .unwrap_or_else(|| Rgb::from_hex(PALETTE[i % PALETTE.len()]).unwrap_or(Rgb::MUTED))
        })
        .collect();
    if bars {
        let group = slot * 0.72;
        let k = c.series.len().max(1);
        let bw = group / k as f32;
        for (si, s) in c.series.iter().enumerate() {
            for (xi, v) in s.values.iter().enumerate() {
                if let Some(v) = v {
                    let x = plot_x + slot * xi as f32 + (slot - group) / 2.0 + bw * si as f32;
                    let (y0, y1) = (to_y(0f64.max(y_min)), to_y(*v));
                    pen.rect(x + 0.6, y1.min(y0), bw - 1.2, (y0 - y1).abs(), colours[si]);
                }
            }
        }
    } else {
        for (si, s) in c.series.iter().enumerate() {
            let mut run: Vec<(f32, f32)> = Vec::new();
            let mut runs = Vec::new();
            for (xi, v) in s.values.iter().enumerate() {
                match v {
                    Some(v) => run.push((plot_x + slot * (xi as f32 + 0.5), to_y(*v))),
                    None => runs.push(std::mem::take(&mut run)),
                }
            }
            runs.push(run);
            for r in runs {
                if r.len() > 1 {
                    pen.line(r.clone(), colours[si], 1.8);
                }
                for (x, y) in r {
                    pen.marker(x, y, colours[si], 2.6);
                }
            }
        }
    }
    let axis_y = plot_top + plot_h;
    let mut label_h: f32 = 0.0;
    for (i, label) in c.x.iter().enumerate() {
        let lines = pen.fit(tick_size, label, slot - 3.0);
        for (k, l) in lines.iter().enumerate() {
            let yy = axis_y + tick_size * 1.4 + k as f32 * tick_size * 1.15;
            pen.text((plot_x + slot * (i as f32 + 0.5), yy), tick_size, false, Rgb::MUTED, l, 0.5);
        }
        label_h = label_h.max(lines.len() as f32 * tick_size * 1.15 + tick_size * 0.6);
    }
    let mut y = axis_y + label_h + 2.0 * MM;
    let items: Vec<(String, Rgb, bool)> =
        c.series.iter().zip(&colours).map(|(s, c)| (s.name.clone(), *c, !bars)).collect();
    y += pen.legend(y, width, &items);
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_levels_by_index_and_name() {
        let c = Chart::parse(
            "type: levels\nlevels: [Low, High]\nbars:\n - {label: A, level: 1}\n - {label: B, level: low}\n",
        )
        .expect("valid");
        let Chart::Levels(l) = c else { panic!("levels") };
        assert_eq!(l.level_index(&l.bars[1].level), Some(0));
    }

    #[test]
    fn explains_bad_specs() {
        let e = Chart::parse("type: levels\nlevels: [Low, High]\nbars:\n - {label: A, level: 5}\n").unwrap_err();
        assert!(e.contains("there are 2 levels"), "{e}");
        let e = Chart::parse("type: line\nx: [a, b]\nseries:\n - {name: s, values: [1]}\n").unwrap_err();
        assert!(e.contains("1 values for 2"), "{e}");
        let e = Chart::parse("{\"type\": \"pie\"}").unwrap_err();
        assert!(e.contains("pie"), "{e}");
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(10.0, 5.0), 2.0);
        assert_eq!(nice_step(7.0, 5.0), 2.0);
        assert_eq!(nice_step(100.0, 5.0), 20.0);
    }
}
