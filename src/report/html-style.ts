/**
 * The HTML report's inline stylesheet: light and dark colour schemes (`prefers-color-scheme`), a
 * print layout (light colours, no page breaks inside tables and charts), and the chart colours.
 */
import { DARK_SERIES_COLORS, SERIES_COLORS } from './svg-palette.js';

const LIGHT = `--bg:#ffffff;--fg:#1f2328;--muted:#59636e;--border:#d1d9e0;--surface:#f6f8fa;--code:#eff2f5;
--pass:#1a7f37;--pass-bg:#dafbe1;--warn:#9a6700;--warn-bg:#fff8c5;--fail:#cf222e;--fail-bg:#ffebe9;--info:#0969da;--info-bg:#ddf4ff`;

const DARK = `--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--border:#3d444d;--surface:#151b23;--code:#1f2630;
--pass:#3fb950;--pass-bg:#12261e;--warn:#d29922;--warn-bg:#2a2312;--fail:#f85149;--fail-bg:#2d1519;--info:#4493f8;--info-bg:#121d2f`;

function palette(colors: readonly string[]): string {
  return colors.map((c, i) => `.mg-chart .mg-c${i}{color:${c}}`).join('');
}

/** The report's CSS (no external fonts, images or imports). */
export function reportCss(): string {
  return `:root{color-scheme:light dark;${LIGHT}}
@media (prefers-color-scheme: dark){:root{${DARK}}${palette(DARK_SERIES_COLORS)}.mg-chart .mg-on-bar{fill:#111}}
*{box-sizing:border-box}
html{background:var(--bg);color:var(--fg)}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
main{max-width:1180px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:1.6rem;margin:0 0 .25rem;overflow-wrap:anywhere}
h2{font-size:1.25rem;margin:2.2rem 0 .8rem;padding-bottom:.3rem;border-bottom:1px solid var(--border)}
h3{font-size:1.05rem;margin:1.4rem 0 .5rem}
h4,h5,h6{font-size:1rem;margin:1.2rem 0 .4rem}
p{margin:.5rem 0}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em}
code{background:var(--code);padding:.1em .35em;border-radius:4px;overflow-wrap:anywhere}
pre{background:var(--surface);border:1px solid var(--border);border-radius:6px;padding:12px;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere}
pre code{background:none;padding:0}
.muted{color:var(--muted)}
.eyebrow{color:var(--muted);font-size:.85rem;margin:0;text-transform:uppercase;letter-spacing:.04em;overflow-wrap:anywhere}
header.verdict{border:1px solid var(--border);border-left:6px solid var(--info);border-radius:8px;padding:16px 20px;background:var(--surface)}
header.verdict-pass{border-left-color:var(--pass)}
header.verdict-needs-approval{border-left-color:var(--warn)}
header.verdict-fail{border-left-color:var(--fail)}
.verdict-line{display:flex;flex-wrap:wrap;align-items:center;gap:.6rem;margin:.6rem 0}
.verdict-badge{display:inline-block;font-weight:700;font-size:1.1rem;padding:.2rem .8rem;border-radius:999px;border:1px solid currentColor}
.verdict-pass .verdict-badge{color:var(--pass);background:var(--pass-bg)}
.verdict-needs-approval .verdict-badge{color:var(--warn);background:var(--warn-bg)}
.verdict-fail .verdict-badge{color:var(--fail);background:var(--fail-bg)}
ul.reasons{margin:.4rem 0 .8rem;padding-left:1.2rem}
ul.reasons li{margin:.2rem 0;overflow-wrap:anywhere}
.badge{display:inline-block;font-size:.78rem;font-weight:600;line-height:1.4;padding:0 .45rem;border-radius:999px;border:1px solid var(--border);white-space:nowrap}
.level-fail,.status-regressed{color:var(--fail);background:var(--fail-bg);border-color:transparent}
.level-needs-approval{color:var(--warn);background:var(--warn-bg);border-color:transparent}
.level-info{color:var(--info);background:var(--info-bg);border-color:transparent}
.status-improved{color:var(--pass);background:var(--pass-bg);border-color:transparent}
.status-within-noise,.status-unchanged,.status-undefined{color:var(--muted)}
.status-new,.status-removed{color:var(--info);background:var(--info-bg);border-color:transparent}
.table-wrap{overflow-x:auto;margin:.6rem 0 1rem}
table{border-collapse:collapse;font-size:.9rem;min-width:50%}
caption{text-align:left;font-weight:600;padding:.3rem 0;color:var(--muted)}
th,td{border:1px solid var(--border);padding:.3rem .6rem;text-align:left;vertical-align:top;overflow-wrap:break-word}
thead th{background:var(--surface);font-weight:600}
tbody th{font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.row-regressed>*{background:var(--fail-bg)}
tr.group-start>*{border-top:2px solid var(--border)}
.rel{color:var(--muted);font-size:.85em}
.dir{color:var(--muted);font-weight:400}
.meta{margin:.4rem 0;color:var(--muted);font-size:.9rem}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,460px),1fr));gap:16px;align-items:start}
figure.chart{margin:0;padding:8px;border:1px solid var(--border);border-radius:8px;background:var(--bg);color:var(--fg)}
figure.chart svg{display:block;width:100%;height:auto;max-width:100%}
figcaption{font-size:.85rem;color:var(--muted);padding:.2rem .4rem}
.note{color:var(--muted);font-style:italic}
.card{border:1px solid var(--border);border-radius:8px;padding:4px 20px 12px;overflow-wrap:anywhere}
.card blockquote{margin:.5rem 0;padding:0 1rem;border-left:4px solid var(--border);color:var(--muted)}
.md-href,.md-image{color:var(--muted)}
footer{margin-top:3rem;color:var(--muted);font-size:.85rem;border-top:1px solid var(--border);padding-top:.8rem}
@media print{
:root{${LIGHT}}
${palette(SERIES_COLORS)}
.mg-chart .mg-on-bar{fill:#fff}
html,body{background:#fff;color:#000}
body{font-size:10.5pt}
main{max-width:none;padding:0}
header.verdict,figure.chart,tr,pre{break-inside:avoid}
h2{break-after:avoid}
.charts{display:block}
figure.chart{margin:0 0 10px;border:none}
figure.chart svg{max-width:16cm}
.table-wrap{overflow:visible}
}`;
}
