// add-calls (seed 004): what its config takes and the form fields its upload accepts beside the
// file. How CallRelay talks to it: electron/core/destinations/add-calls/.
import { z } from 'zod';
import { defineDestinationKind, secret } from './destination-kind.js';

export const AddCallsFields = z
  .object({
    customer_name: z.string().min(1).optional(),
    user_id: z.uuid({ message: 'must be a UUID (the internal agent id in add-calls)' }).optional(),
    extension_id: z.string().min(1).optional(),
    order_id: z.string().min(1).optional(),
  })
  .strict();

export const addCallsKind = defineDestinationKind({
  kind: 'add-calls',
  auth: z.object({ apiKey: secret }).strict(),
  defaults: AddCallsFields,
});
