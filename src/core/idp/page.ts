import { escapeHtml } from './http.js';

const CSS = `
:root { color-scheme: light dark; --accent: #2457c5; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; padding: 2rem 1rem; background: Canvas; color: CanvasText; }
main { max-width: 34rem; margin: 0 auto; border: 1px solid #8884; border-radius: 10px; padding: 1.5rem 1.75rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
.note { margin: 0 0 1rem; font-size: .9rem; opacity: .8; }
.badge { display: inline-block; font-size: .75rem; padding: .1rem .5rem; border-radius: 999px; background: #c4302b; color: #fff; vertical-align: middle; }
label { display: block; font-weight: 600; margin-top: .9rem; }
.hint { display: block; font-weight: 400; font-size: .85rem; opacity: .75; }
input[type=text], input:not([type]), textarea { width: 100%; padding: .5rem .6rem; font: inherit; border: 1px solid #8888; border-radius: 6px; background: Field; color: FieldText; }
textarea { font-family: ui-monospace, monospace; font-size: .9rem; }
input:focus-visible, textarea:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.users { display: flex; flex-wrap: wrap; gap: .4rem; margin: .4rem 0 0; padding: 0; list-style: none; }
.users a { display: inline-block; padding: .2rem .6rem; border: 1px solid #8886; border-radius: 6px; text-decoration: none; color: inherit; font-size: .9rem; }
.actions { display: flex; gap: .75rem; margin-top: 1.4rem; }
button { font: inherit; padding: .55rem 1.2rem; border-radius: 6px; border: 1px solid #8888; cursor: pointer; background: ButtonFace; color: ButtonText; }
button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .75rem; font-size: .85rem; margin: 1.25rem 0 0; opacity: .85; }
dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
code { font-size: .9em; }
`;

/** A plain, accessible HTML page (no JavaScript). */
export function layoutPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · authctl mock issuer</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)} <span class="badge">dev only</span></h1>
<p class="note">authctl mock OpenID Connect issuer: never use it in production.</p>
${body}
</main>
</body>
</html>
`;
}
