import { z } from 'zod';
import { instant, instantOrNull, viewSchema } from '../../platform/http/openapi/view-schema';
import { MAIL_FAILURE_CODES } from '../../platform/mail/mailer';
import { SELLER_ROLES, type SellerRole } from './seller-roles';
import type { CreatedInvitation, InvitationView, PendingEnrolment, SellerUserView } from './seller-users.service';

const role = () => z.enum(SELLER_ROLES as [SellerRole, ...SellerRole[]]);

/** `SellerUserView` as the OpenAPI document describes it (the compiler holds the two equal). */
export const SellerUserViewSchema = viewSchema<SellerUserView>()(
  'SellerUser',
  z
    .object({
      accountId: z.uuid(),
      tenantId: z.uuid(),
      login: z.string(),
      role: role(),
      scopes: z.array(z.string()).readonly(),
      createdAt: instant(),
      lastSignInAt: instantOrNull(),
      locked: z.boolean(),
    })
    .readonly()
    .meta({ description: 'a person of the seller’s team who signs in to the console' }),
);

const invitationFields = {
  invitationId: z.uuid(),
  tenantId: z.uuid(),
  role: role(),
  state: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  createdBy: z.string(),
  createdAt: instant(),
  expiresAt: instant(),
  acceptedAt: instantOrNull(),
  accountId: z.uuid().nullable(),
};

export const InvitationViewSchema = viewSchema<InvitationView>()(
  'Invitation',
  z.object(invitationFields).readonly().meta({ description: 'an invitation to join the seller’s team' }),
);

export const CreatedInvitationSchema = viewSchema<CreatedInvitation>()(
  'CreatedInvitation',
  z
    .object({
      ...invitationFields,
      link: z.string().meta({ description: 'the one-time link, shown this once' }),
      email: z
        .object({
          sent: z.boolean(),
          problem: z.enum(MAIL_FAILURE_CODES).nullable().meta({ description: 'why it was not sent; null when it was' }),
        })
        .optional()
        .meta({ description: 'with an address given: whether the link also went out by email' }),
    })
    .readonly(),
);

export const PendingEnrolmentSchema = viewSchema<PendingEnrolment>()(
  'PendingEnrolment',
  z
    .object({
      invitationId: z.uuid(),
      login: z.string(),
      role: role(),
      otpauthUri: z.string().meta({ description: 'for the authenticator app, shown this once' }),
    })
    .readonly(),
);
