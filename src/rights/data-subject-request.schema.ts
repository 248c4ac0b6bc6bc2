import { z } from 'zod';
import { MaskedOrderViewSchema, RevealedOrderViewSchema } from '../orders';
import { instant, instantOrNull, viewSchema } from '../platform/http/openapi/view-schema';
import type { DataSubjectRequestPage, DataSubjectRequestView } from './data-subject-request.mapper';
import type { DataSubjectExport } from './data-subject-requests.service';

/** `DataSubjectRequestView` as the OpenAPI document describes it (the compiler holds the two equal). */
export const DataSubjectRequestViewSchema = viewSchema<DataSubjectRequestView>()(
  'DataSubjectRequest',
  z
    .object({
      id: z.uuid(),
      type: z.string().meta({ description: 'access, portability, rectify or erase' }),
      subject: z
        .object({ kind: z.string(), marketplace: z.string().nullable() })
        .meta({ description: 'how the buyer was named (the kind only, never the value)' }),
      status: z.string().meta({ description: 'completed, or running while answered in the background' }),
      requestedBy: z.object({ kind: z.string(), id: z.string(), keyId: z.string().nullable() }),
      reference: z.string().nullable(),
      receivedAt: instant(),
      completedAt: instantOrNull(),
      orderIds: z.array(z.uuid()),
      heldOrderIds: z.array(z.uuid()).meta({ description: 'erase: orders kept under a legal hold' }),
      counts: z.record(z.string(), z.number().int()).meta({ description: 'what was found and done; progress' }),
      correctedFields: z.array(z.string()).meta({ description: 'rectify: the names of the corrected fields' }),
      export: z
        .object({ url: z.string(), availableUntil: instantOrNull(), downloadedAt: instantOrNull() })
        .nullable()
        .meta({ description: 'access and portability: the one download' }),
      failure: z.string().nullable(),
    })
    .meta({ description: 'a buyer’s data-subject request as the seller made it; never who the buyer is' }),
);

export const DataSubjectRequestPageSchema = viewSchema<DataSubjectRequestPage>()(
  'DataSubjectRequestPage',
  z.object({
    items: z.array(DataSubjectRequestViewSchema),
    nextCursor: z.string().optional().meta({ description: 'pass as `cursor` for the next page; absent on the last' }),
  }),
);

export const DataSubjectExportSchema = viewSchema<DataSubjectExport>()(
  'DataSubjectExport',
  z
    .object({
      format: z.literal('ordervault.data-subject-export/1'),
      generatedAt: instant(),
      request: z.object({
        id: z.uuid(),
        type: z.string(),
        receivedAt: instant(),
        subject: z.object({ kind: z.string(), marketplace: z.string().nullable() }),
      }),
      orders: z.array(
        z.object({
          order: z.union([RevealedOrderViewSchema, MaskedOrderViewSchema]),
          events: z
            .array(
              z.object({
                type: z.string(),
                orderVersion: z.number().int(),
                occurredAt: instant(),
                dispatchedAt: instantOrNull(),
              }),
            )
            .readonly(),
          deliveries: z.array(
            z
              .object({
                endpointId: z.uuid(),
                endpointUrl: z.string(),
                eventType: z.string(),
                orderVersion: z.number().int(),
                status: z.enum(['pending', 'succeeded', 'failed_retrying', 'given_up']),
                attempts: z.number().int(),
                queuedAt: instant(),
                lastAttemptAt: instantOrNull(),
                deliveredAt: instantOrNull(),
              })
              .readonly(),
          ),
          accessLog: z.array(
            z.object({
              at: instant(),
              action: z.string(),
              actor: z.object({ kind: z.string(), role: z.string().nullable() }),
              reason: z.string().nullable(),
              breakGlass: z.boolean(),
            }),
          ),
        }),
      ),
      forwarding: z.string(),
    })
    .meta({ description: 'everything held about the buyer, downloadable once (then 410)' }),
);
