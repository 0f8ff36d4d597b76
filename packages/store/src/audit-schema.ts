// Placeholder: the store helper defines the zod audit event schema here.
export type AuditEvent = Record<string, unknown>;
export type AuditQuery = Record<string, unknown>;
export interface AuditPage { events: AuditEvent[]; next: string | null }
