//! The page frame: head with the inline style sheet, title block, contents, sections.

use super::{escape, ReportInput};
use std::fmt::Write as _;

/// One section of the page: an anchor id, a heading and its HTML body.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub id: &'static str,
    pub heading: String,
    pub body: String,
}

/// Laptop-readable and printable: light background, no web fonts, page breaks before the large
/// sections, tables that keep their heads on each printed page.
const STYLE: &str = "\
:root{--miss:#b00020;--missbg:#fde7ea;--ok:#1b6e35;--muted:#666;--line:#d9d9d9}
*{box-sizing:border-box}
body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#1d1d1d;background:#fff;margin:0 auto;max-width:1440px;padding:16px 24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #333;padding-bottom:2px}
h3{font-size:15px;margin:18px 0 6px}
p.meta{color:var(--muted);margin:0 0 10px}
nav ol{columns:3;margin:6px 0 12px;padding-left:20px}nav a{color:#1f4f8a}
table{border-collapse:collapse;margin:4px 0 12px;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid var(--line);padding:3px 8px;text-align:right;vertical-align:top}
th{background:#f3f3f3;font-weight:600}
td.l,th.l{text-align:left}
th,td:not(.l){white-space:nowrap}
td.flag{white-space:normal}
table.compact td{padding:1px 8px}
tr.sum td{font-weight:600;border-top:1px solid #999}
tr.team td{background:#f7f7f7;font-weight:600;text-align:left}
.miss{color:var(--miss);background:var(--missbg);font-weight:600}
.ok{color:var(--ok)}
.flag{color:var(--miss);font-weight:600;text-align:left}
.muted{color:var(--muted)}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 12px;flex:0 1 400px}
.card td.l.muted{white-space:nowrap;font-size:12px}
.card h3{margin:0 0 6px}
.card table{width:100%;margin:0}
.legend span{display:inline-block;margin-right:14px}
.legend i{display:inline-block;width:14px;height:10px;margin-right:4px;border:1px solid #999;vertical-align:-1px}
svg{max-width:100%;height:auto;display:block}
.bar{display:inline-block;height:9px;background:#4285c8;vertical-align:0}
.bar.under{background:#c62828}.bar.over{background:#ef9a00}
.hu3{fill:#b71c1c;background:#b71c1c}.hu2{fill:#e53935;background:#e53935}.hu1{fill:#ef9a9a;background:#ef9a9a}
.hok{fill:#f4f4f4;background:#f4f4f4}.ho1{fill:#bbdefb;background:#bbdefb}.ho2{fill:#64b5f6;background:#64b5f6}.ho3{fill:#1565c0;background:#1565c0}
.hc{fill:#fff;background:#fff;stroke:#eee}
.g0{fill:#4285c8;background:#4285c8}.g1{fill:#2e9e5b;background:#2e9e5b}.g2{fill:#8e5cc2;background:#8e5cc2}
.g3{fill:#c27c0e;background:#c27c0e}.g4{fill:#128a8a;background:#128a8a}.g5{fill:#a0526b;background:#a0526b}
.gb{fill:#ffd54f;background:#ffd54f}.gl{fill:#fff;background:#fff;stroke:#888;stroke-width:.5}
.go{fill:#fde7ea;background:#fde7ea;stroke:#b00020;stroke-dasharray:3 2}
.gz{fill:#f7f7f7}.gsep{stroke:#bbb;stroke-width:1}.gtick{fill:#777;font-size:10px}
@media print{
body{max-width:none;padding:0;font-size:11px}
nav{display:none}
@page{size:A4 landscape;margin:12mm}
section.page{break-before:page}
h2,h3{break-after:avoid}
tr,svg{break-inside:avoid}
svg.heatmap{max-height:170mm;width:auto}
thead{display:table-header-group}
.miss{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
";

/// The page around its sections.
pub(crate) fn page(input: &ReportInput<'_>, sections: &[Section]) -> String {
    let model = input.model;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} · vuoro report</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n<p class=\"meta\">{}</p>\n</header>\n",
        escape(&model.name),
        escape(&model.name),
        escape(&meta_line(input))
    );
    if !input.files.is_empty() {
        let links: Vec<String> = input
            .files
            .iter()
            .map(|f| format!("<a href=\"{}\">{}</a>", escape(f), escape(f)))
            .collect();
        let _ = writeln!(
            out,
            "<p class=\"meta\" id=\"files\">Files in this folder: {}</p>",
            links.join(" · ")
        );
    }
    out.push_str("<nav><ol>\n");
    for s in sections {
        let _ = writeln!(
            out,
            "<li><a href=\"#{}\">{}</a></li>",
            s.id,
            escape(&s.heading)
        );
    }
    out.push_str("</ol></nav>\n");
    for (i, s) in sections.iter().enumerate() {
        let class = if i > 1 { " class=\"page\"" } else { "" };
        let _ = write!(
            out,
            "<section id=\"{}\"{class}>\n<h2>{}</h2>\n{}</section>\n",
            s.id,
            escape(&s.heading),
            s.body
        );
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// Period, grid, zone and what the page shows.
fn meta_line(input: &ReportInput<'_>) -> String {
    let model = input.model;
    let tz = model.time_zone;
    let mut parts = vec![format!("vuoro {}", input.source)];
    let dates: Vec<chrono::NaiveDate> = match input.evaluation {
        Some(ev) => ev.grid.dates(),
        None => input.staffing.spans.iter().map(|s| s.date).collect(),
    };
    if let (Some(first), Some(last)) = (dates.iter().min(), dates.iter().max()) {
        parts.push(format!(
            "{} – {}",
            first.format("%a %d.%m.%Y"),
            last.format("%a %d.%m.%Y")
        ));
    }
    if let Some(ev) = input.evaluation {
        parts.push(format!("{}-minute intervals", ev.grid.interval_minutes()));
    }
    parts.push(tz.name().to_string());
    parts.push(format!(
        "{} shifts, {:.1} paid h",
        input.staffing.shift_count(),
        input.staffing.paid_hours()
    ));
    if let Some(roster) = input.roster {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        parts.push(format!(
            "{}, {}, {}",
            plural(roster.agents.len(), "agent", "agents"),
            plural(roster.open_count() as usize, "open shift", "open shifts"),
            plural(roster.violations.len(), "rule breach", "rule breaches")
        ));
    }
    if let Some(sim) = input.simulated {
        parts.push(format!("simulated: {}", sim.description));
    }
    parts.join(" · ")
}
