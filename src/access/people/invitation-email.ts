import type { OutgoingMail } from '../../platform/mail/mailer';
import { validationFailed } from '../../platform/errors/domain-error';
import type { SellerRole } from './seller-roles';

/**
 * One mailbox, as a person types it: `local@domain`, at most 254 characters, no spaces, control characters, quotes
 * or angle brackets (so no display name, no second address, no header tricks), a domain of dotted labels.
 */
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** The invitee's address, or null when none was given; a 400 naming the field for anything that is not one. */
export function parseInviteeEmail(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  const email = typeof value === 'string' ? value.trim() : '';
  if (email.length > 254 || !EMAIL.test(email)) {
    throw validationFailed('the email address is not one mailbox such as ana@seller.example', [
      { field: 'email', issue: 'invalid' },
    ]);
  }
  return email;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
/** A tenant's name in a header or a line of text: one line, at most 120 characters. */
const oneLine = (s: string) => s.replace(/[\r\n\t\u2028\u2029]+/g, ' ').slice(0, 120);

/** The invitation email: who invites to what, the one-time link and when it stops working. No tracking of any kind. */
export function invitationEmail(input: {
  to: string;
  tenantName: string;
  role: SellerRole;
  link: string;
  expiresAt: string;
}): OutgoingMail {
  const tenant = oneLine(input.tenantName);
  const until = `${input.expiresAt.replace('T', ' ').slice(0, 16)} UTC`;
  const lines = [
    `You are invited to the ordervault console of ${tenant} as ${input.role}.`,
    '',
    'Open this link to choose your login and password and to set up your authenticator app:',
    input.link,
    '',
    `The link works once and until ${until}. If you did not expect this invitation, ignore this email: nothing happens`,
    'without the link.',
  ];
  const html = [
    `<p>You are invited to the ordervault console of <strong>${escapeHtml(tenant)}</strong> as ${input.role}.</p>`,
    '<p>Open this link to choose your login and password and to set up your authenticator app:</p>',
    `<p><a href="${escapeHtml(input.link)}">${escapeHtml(input.link)}</a></p>`,
    `<p>The link works once and until ${until}. If you did not expect this invitation, ignore this email: nothing`,
    'happens without the link.</p>',
  ].join('\n');
  return { to: input.to, subject: `Your invitation to ${tenant} on ordervault`, text: lines.join('\n'), html };
}
