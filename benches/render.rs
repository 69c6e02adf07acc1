//! Rendering benchmarks on the shared fictional report content (run with
//! `cargo bench --bench render`): the Markdown of about 40 pages (24 sections) and 200 pages
//! (120 sections), made by `../shared/bench/make_content.py` into `target/bench-content/`.
//! Targets (see README): 40 pages in under 56 ms for the whole process (5 times faster than
//! typst's 0.28 s), under 20 MB peak memory; those whole-process figures come from
//! `scripts/compare-renderers.sh`. Skipped when the content cannot be made (no python3).

use assess::report::{RenderOptions, render_markdown};
use std::path::PathBuf;

fn main() {
    divan::main();
}

fn content(sections: u32) -> Option<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-content");
    let md = dir.join(format!("report-{sections}.md"));
    if !md.exists() {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/make_content.py");
        let ok = std::process::Command::new("python3")
            .arg(&script)
            .arg(sections.to_string())
            .arg(&dir)
            .stdout(std::process::Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !ok {
            eprintln!("skipping: cannot make the bench content with {}", script.display());
            return None;
        }
    }
    std::fs::read_to_string(md).ok()
}

#[divan::bench(args = [24, 120], sample_count = 10)]
fn render_report(bencher: divan::Bencher, sections: u32) {
    let Some(md) = content(sections) else { return };
    let opts = RenderOptions { running_header: Some("ZC26C00123 — Confidential".into()), ..RenderOptions::default() };
    bencher.bench(|| render_markdown(divan::black_box(&md), &opts, &|_| None).map(|r| r.pages).unwrap_or(0));
}
