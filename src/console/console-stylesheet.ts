/**
 * The console's only stylesheet, served from our own origin (CSP style-src
 * 'self': no inline styles anywhere). Plain CSS, system fonts, colours with at
 * least 4.5:1 contrast on their background.
 */
export const CONSOLE_CSS = `
:root { --ink: #1b1f24; --muted: #4a5260; --line: #c9ced6; --paper: #ffffff; --band: #f3f5f8;
  --accent: #0b5cad; --danger: #a4161a; --ok: #1e6b34; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: var(--paper); line-height: 1.45; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--paper); padding: .5rem; z-index: 10; }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .75rem 1.5rem; background: var(--band); border-bottom: 1px solid var(--line); }
.top .brand { font-weight: 700; color: var(--ink); text-decoration: none; }
.top nav ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
.top .who { margin-left: auto; display: flex; align-items: center; gap: .75rem; color: var(--muted); }
.top form { margin: 0; }
main { padding: 1.5rem; max-width: 90rem; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
h2 { font-size: 1.15rem; }
.panel { border: 1px solid var(--line); border-radius: 6px; padding: 1rem; background: var(--paper); }
.narrow { max-width: 26rem; }
.field { display: flex; flex-direction: column; gap: .25rem; margin-bottom: .75rem; }
.field label { font-weight: 600; }
.hint { color: var(--muted); font-size: .875rem; }
input, select, button { font: inherit; padding: .4rem .55rem; border: 1px solid #767d89; border-radius: 4px; background: var(--paper); color: var(--ink); }
button { background: var(--accent); border-color: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: var(--paper); color: var(--accent); }
.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: .5rem 1rem; align-items: end; margin-bottom: 1rem; }
.filters .field { margin: 0; }
.actions { display: flex; gap: .75rem; align-items: center; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
caption { text-align: left; padding: .5rem 0; color: var(--muted); }
th, td { border-bottom: 1px solid var(--line); padding: .4rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--band); }
td.mono, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .82rem; overflow-wrap: anywhere; }
.tag { display: inline-block; padding: 0 .4rem; border-radius: 3px; border: 1px solid currentColor; font-size: .8rem; }
.tag.denied, .error { color: var(--danger); }
.tag.allowed { color: var(--ok); }
.error { border: 1px solid var(--danger); border-radius: 4px; padding: .6rem .8rem; background: #fdf1f1; }
.notice { border: 1px solid var(--line); border-radius: 4px; padding: .6rem .8rem; background: var(--band); }
.pager { margin-top: 1rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 1rem; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; }
.facts .line { display: block; }
section.panel { margin-top: 1rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.acting-tenant { margin: 0; padding: .5rem 1.5rem; background: var(--band); border-bottom: 1px solid var(--line); }
`;
