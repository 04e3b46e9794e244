// metadata:preview for the folder settings screen: what a file name would yield under the
// folder's template, zone and defaults, and which fields the folder's destination would still
// be missing. Pure: no file is read, so the hash-derived callId and mtime are only named.
import type { ContractHandlers } from '../../../shared/contract-host.js';
import type { CallDraft, FieldIssue } from '../../../shared/model.js';
import type { Destination } from '../destinations/destination.js';
import { readFileName } from '../metadata/describe-recording.js';

export interface MetadataHandlerDeps {
  getDestination(name: string): Destination | undefined;
}

/** Filled in when the file is found, so never missing in a preview. */
const filledLater: Record<string, string> = {
  callId: 'content-hash',
  startTime: 'mtime',
  endTime: 'probe',
};

export function createMetadataHandlers(deps: MetadataHandlerDeps): Pick<ContractHandlers, 'metadata:preview'> {
  return {
    'metadata:preview': ({ fileName, folder }) => {
      const reading = readFileName(fileName, folder);
      const fields: Partial<CallDraft> = { ...reading.fields };
      const sources: Record<string, string> = { ...reading.sources };
      for (const [field, source] of Object.entries(filledLater)) if (!(field in fields)) sources[field] = source;
      const missing: FieldIssue[] = reading.issues.filter((i) => i.field !== 'fileName');
      const destination = deps.getDestination(folder.destination);
      let error = reading.error;
      if (!destination) {
        const note = `no destination named "${folder.destination}"; save the destination first to see what it requires`;
        error = error ? `${error}; ${note}` : note;
      } else {
        for (const field of destination.fields.required) {
          if (field in fields || field in filledLater) continue;
          missing.push({
            field,
            message: `${destination.name} requires ${field}; supply it in the file name template, a sidecar or the folder defaults`,
          });
        }
      }
      return { fields, sources, missing, error };
    },
  };
}
