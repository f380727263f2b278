import type { RequestHandler } from 'express';

type Json = Record<string, unknown>;

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * `GET /docs`: a self-contained HTML page rendered from the OpenAPI document (no scripts, no
 * third-party assets, so it works offline and under a strict CSP).
 */
export function docsPage(openapi: Json): RequestHandler {
  const info = openapi['info'] as { title: string; version: string; description: string };
  const paths = openapi['paths'] as Record<string, Record<string, Json>>;
  const sections: string[] = [];
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = ((op['parameters'] as Json[] | undefined) ?? [])
        .map(
          (p) =>
            `<li><code>${escapeHtml(String(p['name']))}</code> (${escapeHtml(String(p['in']))}) ${escapeHtml(String(p['description'] ?? ''))}</li>`,
        )
        .join('');
      const responses = Object.entries((op['responses'] as Record<string, Json>) ?? {})
        .map(
          ([status, r]) =>
            `<li><b>${escapeHtml(status)}</b> ${escapeHtml(String(r['description'] ?? ''))}</li>`,
        )
        .join('');
      sections.push(`<section><h2><span class="m">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h2>
<p>${escapeHtml(String(op['summary'] ?? ''))}</p>${op['description'] ? `<p>${escapeHtml(String(op['description']))}</p>` : ''}
${params ? `<h3>Parameters</h3><ul>${params}</ul>` : ''}<h3>Responses</h3><ul>${responses}</ul></section>`);
    }
  }
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(info.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
code{background:#f3f3f3;padding:0 .2rem}.m{display:inline-block;min-width:4.5rem;color:#fff;background:#2b6cb0;border-radius:.2rem;padding:0 .3rem;font-size:.8em}
section{border-top:1px solid #ddd;padding-top:.5rem}</style></head><body>
<h1>${escapeHtml(info.title)} <small>${escapeHtml(info.version)}</small></h1><p>${escapeHtml(info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1, schemas from the repository's JSON Schemas).</p>
${sections.join('\n')}</body></html>`;
  return (_req, res) => {
    res.type('html').send(html);
  };
}
