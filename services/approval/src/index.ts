/**
 * @chit/approval: the approval service as a library (entry point `main.ts`).
 */
export { type ApprovalAppOptions, buildApprovalApp } from './app.js';
export { ApprovalBook, type ApprovalRecord, type ApprovalStatus } from './book.js';
export { type ApprovalConfig, ApprovalConfigError, loadApprovalConfig } from './config.js';
export { issueDischarge } from './discharge.js';
export { escapeHtml, renderPage } from './page.js';
