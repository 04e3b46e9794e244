// Answers of the checks a person runs: metadata preview, connection test, network diagnosis.
import { z } from 'zod';
import { CallDraft, FieldIssue, IsoUtc } from '../model.js';

export const MetadataPreview = z.object({
  fields: CallDraft.partial(),
  /** Which source supplied each field: filename, sidecar, folder-default, probe, mtime. */
  sources: z.record(z.string(), z.string()),
  missing: z.array(FieldIssue),
  error: z.string().nullable(),
});
export type MetadataPreview = z.infer<typeof MetadataPreview>;

export const ConnectionTest = z.object({
  status: z.enum(['ok', 'unreachable', 'bad-credentials', 'error']),
  message: z.string(),
  latencyMs: z.number().nonnegative().nullable(),
});
export type ConnectionTest = z.infer<typeof ConnectionTest>;

/** One step of the network doctor: how far a connection to a destination got, and how long it took. */
export const NetworkStep = z.object({
  step: z.enum(['proxy', 'dns', 'tcp', 'tunnel', 'tls', 'request']),
  status: z.enum(['ok', 'failed', 'skipped']),
  ms: z.number().nonnegative().nullable(),
  detail: z.string(),
});
export type NetworkStep = z.infer<typeof NetworkStep>;

/** How each step is named to a person, in the doctor's first-failure line and the Settings table. */
export const networkStepLabels: Record<NetworkStep['step'], string> = {
  proxy: 'Proxy',
  dns: 'DNS',
  tcp: 'Connection',
  tunnel: 'Proxy tunnel',
  tls: 'Certificate',
  request: 'Signed-in request',
};

export const NetworkDiagnosis = z.object({
  destination: z.string(),
  url: z.string(),
  /** The proxy decision for the base URL; never carries credentials. */
  proxy: z
    .object({
      kind: z.enum(['direct', 'proxy']),
      proxy: z.string().nullable(),
      source: z.enum(['config', 'pac', 'system', 'env', 'default']),
      reason: z.string(),
      withCredentials: z.boolean(),
    })
    .nullable(),
  tls: z
    .object({
      subject: z.string(),
      issuer: z.string(),
      validTo: z.string(),
      trustedBy: z.string().nullable(),
      protocol: z.string().nullable(),
    })
    .nullable(),
  steps: z.array(NetworkStep),
  ok: z.boolean(),
  /** The first failing step in plain words, or null when every step passed. */
  firstFailure: z.string().nullable(),
});
export type NetworkDiagnosis = z.infer<typeof NetworkDiagnosis>;

export const NetworkReport = z.object({
  destinations: z.array(NetworkDiagnosis),
  /** The certificate sources the core trusts (counts, not the certificates). */
  trust: z.array(z.object({ label: z.string(), certificates: z.number().int().nonnegative() })),
  at: IsoUtc,
});
export type NetworkReport = z.infer<typeof NetworkReport>;
