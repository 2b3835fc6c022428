/** HTML-escapes text for the provider's own pages. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/**
 * The few pages the provider shows itself (an application's request refused, RP-initiated logout),
 * outside Next.js: plain HTML in the portal's look. `body` is HTML the caller has escaped.
 */
export function renderOidcPage(options: { title: string; body: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} · Security info portal</title>
<style>body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f1f5f9;color:#0f172a;margin:0}
main{max-width:28rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:.5rem;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{font-size:1.25rem}button,.button{background:#1d4ed8;color:#fff;border:0;border-radius:.375rem;padding:.5rem 1rem;font-size:1rem;cursor:pointer;text-decoration:none;display:inline-block}
a{color:#1d4ed8}</style></head>
<body><main><p style="font-size:.875rem;font-weight:600;color:#475569">Contoso · Security info portal</p><h1>${escapeHtml(options.title)}</h1>${options.body}</main></body></html>`;
}
