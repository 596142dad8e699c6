// A self-contained API reference page rendered from the OpenAPI document: no CDN, so it
// works offline and in locked-down networks.
type Operation = { summary?: string; description?: string; parameters?: { name: string; in: string }[]; responses?: Record<string, { description?: string }> };
type OpenApiDoc = { info: { title: string; version: string; description?: string }; paths?: Record<string, Record<string, Operation>> };

const escape = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

export const renderDocsPage = (doc: OpenApiDoc): string => {
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const params = (op.parameters ?? []).map((p) => `<code>${escape(p.name)}</code> (${escape(p.in)})`).join(', ');
      const responses = Object.entries(op.responses ?? {})
        .map(([code, r]) => `<li><code>${escape(code)}</code> ${escape(r.description ?? '')}</li>`)
        .join('');
      return `<section class="op" id="${escape(method)}-${escape(path)}">
  <h2><span class="method ${escape(method)}">${escape(method.toUpperCase())}</span> <code>${escape(path)}</code></h2>
  <p>${escape(op.summary ?? '')}</p>${op.description ? `<p class="desc">${escape(op.description)}</p>` : ''}
  ${params ? `<p>Parameters: ${params}</p>` : ''}
  <ul>${responses}</ul>
</section>`;
    }),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(doc.info.title)} API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1b1f24}
code{font:13px ui-monospace,monospace;background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}
.op{border:1px solid #e5e7eb;border-radius:8px;padding:.5rem 1rem;margin:1rem 0}
.method{font:bold 12px ui-monospace,monospace;padding:.2rem .5rem;border-radius:4px;color:#fff;background:#6b7280}
.method.get{background:#2563eb}.method.post{background:#16a34a}.method.delete{background:#dc2626}
.desc{color:#4b5563}
</style></head><body>
<h1>${escape(doc.info.title)} <small>v${escape(doc.info.version)}</small></h1>
<p>${escape(doc.info.description ?? '')}</p>
<p>Authenticate with <code>Authorization: Bearer sy_live_…</code>. Errors are RFC 9457 <code>application/problem+json</code>.
The machine-readable spec is at <a href="/openapi.json">/openapi.json</a>.</p>
${operations.join('\n')}
</body></html>`;
};
