/**
 * The approvers' page: pending approvals with approve/deny buttons, plain HTML forms,
 * inline style, no script and no external asset. Every value is escaped.
 */
import type { ApprovalRecord } from './book.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * HTML-escapes text for element content and quoted attributes.
 * @example escapeHtml('<b>') // '&lt;b&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function row(rec: ApprovalRecord, csrf: (id: string, action: string) => string, now: number) {
  const r = rec.request;
  const e = escapeHtml;
  const form = (action: 'approve' | 'deny', label: string) =>
    `<form method="post" action="/ui/approvals/${e(rec.id)}/${action}">` +
    `<input type="hidden" name="csrf" value="${e(csrf(rec.id, action))}">` +
    `<button type="submit" class="${action}" data-id="${e(rec.id)}">${label}</button></form>`;
  return `<tr data-approval="${e(rec.id)}">
<td class="summary">${e(r.summary)}</td>
<td><code>${e(r.tool)}</code></td>
<td>${e(r.action)} <code>${e(r.resource)}</code></td>
<td>${e(r.tenant ?? '')}</td>
<td>${e(r.principal ?? '')}<br><small>${e(r.session ?? '')}</small></td>
<td>${Math.max(0, rec.expiresAt - now)} s</td>
<td class="actions">${form('approve', 'Approve')}${form('deny', 'Deny')}</td>
</tr>`;
}

/**
 * Renders the page.
 * @example
 * ```ts
 * reply.type('text/html').send(renderPage(book.list('pending'), csrf, nowSeconds))
 * ```
 */
export function renderPage(
  pending: readonly ApprovalRecord[],
  csrf: (id: string, action: string) => string,
  nowSeconds: number,
  notice?: string,
): string {
  const rows = pending.map((r) => row(r, csrf, nowSeconds)).join('\n');
  const body =
    pending.length === 0
      ? '<p id="empty">No approvals are pending.</p>'
      : `<table><thead><tr><th>Request</th><th>Tool</th><th>Action</th><th>Tenant</th><th>Principal / session</th><th>Expires in</th><th></th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Chit approvals</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.4rem .6rem;text-align:left;vertical-align:top}
form{display:inline}button{margin-right:.3rem;padding:.3rem .8rem}
.approve{background:#1a7f37;color:#fff;border:0}.deny{background:#cf222e;color:#fff;border:0}
#notice{background:#eef;padding:.4rem .6rem}
</style></head>
<body>
<h1>Pending approvals</h1>
${notice === undefined ? '' : `<p id="notice">${escapeHtml(notice)}</p>`}
${body}
<p><a href="/">Refresh</a></p>
</body></html>`;
}
