// metadata:preview for the folder settings screen: what a file name would yield under the
// folder's template, zone and defaults — and, for a folder already saved, its sidecars, agent
// directory and CDR — with the source of each field, and which fields the folder's destination
// would still be missing. No recording is read, so the hash-derived callId and mtime are only
// named; a CDR record is looked up once, without waiting for one not written yet.
import path from 'node:path';
import type { ContractHandlers } from '../../../shared/contract-host.js';
import type { CallDraft, FieldIssue } from '../../../shared/model.js';
import type { Destination } from '../destinations/destination.js';
import { enrichLayers, type CallEnrichment } from '../metadata/call-enrichment.js';
import { normaliseFields } from '../metadata/call-fields.js';
import { readFileName } from '../metadata/describe-recording.js';
import { createManifestCache, readSidecars } from '../metadata/sidecars.js';
import { checkTimeZone } from '../metadata/zoned-time.js';
import { noDestinationNamed } from '../../../shared/no-destination.js';

export interface MetadataHandlerDeps {
  getDestination(name: string): Destination | undefined;
  /** The CDR and agent directory of the folder being edited, when it has them. */
  enrichmentFor?(folder: { path?: string | undefined }): CallEnrichment | undefined;
  /**
   * True for a folder already configured: only there are sidecars read for a preview, so the
   * preview cannot be used to read JSON, XML or CSV files from anywhere on the host.
   */
  isWatchedFolder?(folderPath: string): boolean;
}

/** Filled in when the file is found, so never missing in a preview. */
const filledLater: Record<string, string> = {
  callId: 'content-hash',
  startTime: 'mtime',
  endTime: 'probe',
};

export function createMetadataHandlers(deps: MetadataHandlerDeps): Pick<ContractHandlers, 'metadata:preview'> {
  const manifests = createManifestCache();
  return {
    'metadata:preview': async ({ fileName, folder }) => {
      const reading = readFileName(fileName, folder);
      let fields: Partial<CallDraft> = { ...reading.fields };
      let sources: Record<string, string> = { ...reading.sources };
      const missing: FieldIssue[] = reading.issues.filter((i) => i.field !== 'fileName');
      const zone = folder.timezone && !checkTimeZone(folder.timezone) ? folder.timezone : 'UTC';
      const ctx = { timeZone: zone, region: folder.region };
      const enrichment = deps.enrichmentFor?.(folder);
      const sidecars =
        folder.path && !reading.templateInvalid && deps.isWatchedFolder?.(folder.path)
          ? await readSidecars(path.join(folder.path, path.basename(fileName)), manifests).catch(() => null)
          : null;
      if (!reading.templateInvalid && (enrichment || (sidecars && sidecars.layers.length > 0))) {
        let layers = [...reading.layers, ...(sidecars?.layers ?? [])];
        if (enrichment) {
          const once = { ...enrichment, cdr: enrichment.cdr ? { ...enrichment.cdr, waitMs: 0 } : null };
          const enriched = await enrichLayers(layers, ctx, once);
          layers = enriched.layers;
          missing.push(...enriched.issues);
        }
        const merged = normaliseFields(layers, ctx);
        fields = merged.call;
        sources = { ...merged.sources };
      }
      for (const [field, source] of Object.entries(filledLater)) if (!(field in fields)) sources[field] = source;
      const destination = deps.getDestination(folder.destination);
      let error = reading.error;
      if (!destination) {
        const note = noDestinationNamed(folder.destination, '; save the destination first to see what it requires');
        error = error ? `${error}; ${note}` : note;
      } else {
        for (const field of destination.fields.required) {
          if (field in fields || field in filledLater) continue;
          missing.push({
            field,
            message: `${destination.name} requires ${field}; supply it in the file name template, a sidecar, the agent directory or the folder defaults`,
          });
        }
      }
      return { fields, sources, missing, error };
    },
  };
}
