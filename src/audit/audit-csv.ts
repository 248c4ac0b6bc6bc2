import type { EntryRecord } from './audit-records';

/** The CSV columns of an access-log export: one row per entry, every hashed field plus its place in the chain. */
export const CSV_COLUMNS = [
  'chainId',
  'seq',
  'occurredAt',
  'tenantId',
  'actorKind',
  'actorId',
  'actorRole',
  'action',
  'targets',
  'reason',
  'ticketRef',
  'requestId',
  'outcome',
  'breakGlass',
  'prevHash',
  'hash',
] as const;

/** Characters that make a spreadsheet read a cell as a formula (or smuggle one in after a tab or line break). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180 quoting). A cell that starts like a formula gets a
 * leading apostrophe so that Excel, LibreOffice and Sheets show it as text:
 * a reason or ticket typed by a person must never run when an auditor opens
 * the export (OWASP "CSV injection").
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvHeaderLine = (): string => `${CSV_COLUMNS.join(',')}\r\n`;

export function csvEntryLine(e: EntryRecord): string {
  return `${CSV_COLUMNS.map((c) => csvCell(e[c])).join(',')}\r\n`;
}
