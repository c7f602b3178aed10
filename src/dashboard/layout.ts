/**
 * The frame every dashboard page shares: head, header with sign-in state, and the stylesheet the app
 * serves itself (no CDN, no script). Sign-out is a form, so it is a POST that carries the CSRF token.
 * @module
 */
import { html, type SafeHtml } from './html.js';
import { dashboardPaths } from './paths.js';

/** Who is looking at the page, as the layout shows it. */
export interface Viewer {
  /** GitHub login, when signed in. */
  login?: string;
  /** The session's CSRF token, for the forms of the page. */
  csrfToken?: string;
  /** Whether sign-in is configured at all (GITHUB_CLIENT_ID/SECRET). */
  signInAvailable: boolean;
  /** Whether the viewer may open the operator page. */
  admin?: boolean;
}

/** The stylesheet, served at `dashboardPaths.stylesheet()`. */
export const STYLESHEET = `
:root { color-scheme: light; --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --ok:#1a7f37; --bad:#cf222e; --warn:#9a6700; --bg2:#f6f8fa; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color:var(--fg); }
header.top { display:flex; gap:1rem; align-items:center; padding:.6rem 1.5rem; border-bottom:1px solid var(--line); background:var(--bg2); }
header.top .brand { font-weight:600; color:var(--fg); text-decoration:none; }
header.top .who { margin-left:auto; display:flex; gap:.6rem; align-items:center; }
main { max-width: 1100px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.5rem; margin: .6rem 0; } h2 { font-size: 1.15rem; margin: 1.6rem 0 .6rem; }
a { color:#0969da; } .muted { color:var(--muted); } code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
.tag { display:inline-block; padding:0 .5rem; border:1px solid var(--line); border-radius:1rem; font-size:12px; color:var(--muted); }
.cards { display:grid; grid-template-columns: repeat(auto-fit, minmax(220px,1fr)); gap:.8rem; }
.card { border:1px solid var(--line); border-radius:6px; padding:.8rem 1rem; }
.card h3 { margin:0 0 .3rem; font-size:1rem; }
.success { color:var(--ok); } .failure { color:var(--bad); } .neutral, .skipped, .cancelled { color:var(--muted); }
table { border-collapse: collapse; width:100%; } th, td { text-align:left; padding:.35rem .5rem; border-bottom:1px solid var(--line); vertical-align: top; }
th { background: var(--bg2); font-weight:600; } td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
.chart svg { width:100%; height:auto; border:1px solid var(--line); border-radius:6px; }
.chart .tick line { stroke:#eef1f4; } .chart .tick text, .chart .axis-label { font-size:10px; fill:var(--muted); text-anchor:end; }
.chart .x-tick { font-size:9px; fill:var(--muted); text-anchor:middle; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.chart .trend { fill:none; stroke-width:2; } .chart .threshold { stroke-dasharray:5 4; stroke-width:1.5; }
.series-coverage .trend, .series-coverage .threshold { stroke:#0969da; } .series-coverage circle { fill:#0969da; }
.series-docs .trend, .series-docs .threshold { stroke:#8250df; } .series-docs circle { fill:#8250df; }
.series-errors .trend, .series-errors .threshold { stroke:#cf222e; } .series-errors circle { fill:#cf222e; }
.series-warnings .trend, .series-warnings .threshold { stroke:#bf8700; } .series-warnings circle { fill:#bf8700; }
figcaption { display:flex; gap:1rem; font-size:12px; color:var(--muted); margin-top:.3rem; }
.legend::before { content:""; display:inline-block; width:10px; height:10px; border-radius:50%; margin-right:.3rem; vertical-align:-1px; }
.legend-coverage::before { background:#0969da; } .legend-docs::before { background:#8250df; } .legend-errors::before { background:#cf222e; } .legend-warnings::before { background:#bf8700; }
.source { border:1px solid var(--line); border-radius:6px; overflow:auto; }
.source table td { border:0; padding:0 .5rem; white-space: pre; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size:12px; }
.source td.ln { color:var(--muted); text-align:right; user-select:none; width:1%; }
.source tr.uncovered td.code { background:#ffebe9; } .source tr.covered td.ln { box-shadow: inset -3px 0 #4ac26b; } .source tr.uncovered td.ln { box-shadow: inset -3px 0 #cf222e; }
.source td.note { white-space: normal; font-family: inherit; color:var(--bad); width: 35%; } .source td.note .warning { color:var(--warn); }
meter.bar { width:80px; height:10px; vertical-align:middle; }
form.inline { display:inline; } button { font: inherit; padding:.2rem .7rem; border:1px solid var(--line); border-radius:6px; background:#fff; cursor:pointer; }
pre.snippet { background:var(--bg2); padding:.6rem; border-radius:6px; overflow:auto; }
.empty { color:var(--muted); font-style: italic; }
`;

/**
 * A whole page.
 * @param title The document title.
 * @param viewer Who is looking.
 * @param body The page's content.
 */
export function page(title: string, viewer: Viewer, body: SafeHtml): string {
  const who = viewer.login
    ? html`<span>Signed in as <strong>${viewer.login}</strong></span>${viewer.admin ? html`<a href="${dashboardPaths.operator()}">Operator</a>` : ''}
<form class="inline" method="post" action="${dashboardPaths.logout()}"><input type="hidden" name="csrf" value="${viewer.csrfToken ?? ''}"><button type="submit">Sign out</button></form>`
    : viewer.signInAvailable
      ? html`<a href="${dashboardPaths.login()}">Sign in with GitHub</a>`
      : '';
  return `<!doctype html>\n${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · quality-gates</title><link rel="stylesheet" href="${dashboardPaths.stylesheet()}"></head>
<body><header class="top"><a class="brand" href="${dashboardPaths.home()}">quality-gates</a><span class="who">${who}</span></header>
<main>${body}</main></body></html>`.text}`;
}
