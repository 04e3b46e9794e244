// One job's detail, its destination's call form schema, and the person's save. Reloaded quietly
// when the host says this job changed, so the timeline and progress stay live.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ContractClient } from '../../../shared/contract-client.js';
import type { ChannelOutput, QueueChanged } from '../../../shared/contract.js';
import type { CallPatch, FieldIssue, JobDetail } from '../../../shared/model.js';
import { describeError } from './describe-error.js';

export type CallSchema = ChannelOutput<'destination:schema'>;
export type JobAction =
  | 'retry'
  | 'pause'
  | 'resume'
  | 'cancel'
  | 'move-to-front'
  | 'resend'
  | 'send-anyway'
  | 'send-as-is';

/** What each action did, in the same words as its button. */
const doneWords: Partial<Record<JobAction, string>> = {
  resend: 'Sent again: a new job was queued; it creates a second call on the platform',
  'send-anyway': 'Sent anyway: this job is queued as a resend of the first one',
  'send-as-is': 'Sent as it is: queued with the recording as it is',
};

export interface JobState {
  id: string | null;
  job: JobDetail | null;
  schema: CallSchema | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  saving: boolean;
  /** Issues the host found in the last save (the destination's own validation). */
  saveIssues: FieldIssue[];
  notice: string | null;
  /** Why the last action was refused (nothing was sent); stays until the next action or job. */
  refusal: string | null;
  open(id: string | null): Promise<void>;
  reload(): Promise<void>;
  save(patch: CallPatch, queue: boolean): Promise<FieldIssue[] | null>;
  act(action: JobAction): Promise<void>;
  handleChanged(event: QueueChanged): void;
}

export type JobStore = StoreApi<JobState>;

export function createJobStore(client: ContractClient, schemaCache = new Map<string, Promise<CallSchema>>()): JobStore {
  function schemaFor(destination: string): Promise<CallSchema> {
    let pending = schemaCache.get(destination);
    if (!pending) {
      pending = client.call('destination:schema', { name: destination });
      // A failed lookup is not cached, so the next open tries again.
      pending.catch(() => schemaCache.delete(destination));
      schemaCache.set(destination, pending);
    }
    return pending;
  }

  return createStore<JobState>()((set, get) => ({
    id: null,
    job: null,
    schema: null,
    status: 'idle',
    error: null,
    saving: false,
    saveIssues: [],
    notice: null,
    refusal: null,
    async open(id) {
      set({
        id,
        job: null,
        schema: null,
        status: id ? 'loading' : 'idle',
        error: null,
        saveIssues: [],
        notice: null,
        refusal: null,
      });
      if (id) await get().reload();
    },
    async reload() {
      const id = get().id;
      if (!id) return;
      try {
        const job = await client.call('job:get', { id });
        if (get().id !== id) return;
        set({ job, status: 'ready', error: null });
        const schema = await schemaFor(job.destination).catch(() => null);
        if (get().id === id) set({ schema });
      } catch (error) {
        if (get().id === id) set({ status: get().job ? 'ready' : 'error', error: describeError(error) });
      }
    },
    async save(patch, queue) {
      const id = get().id;
      if (!id) return null;
      set({ saving: true, error: null, notice: null });
      try {
        const reply = await client.call('job:update-call', { id, call: patch, queue });
        if (get().id === id) {
          set({
            job: reply.job,
            saveIssues: reply.issues,
            saving: false,
            notice: reply.issues.length === 0 ? (queue ? 'Saved and queued for delivery.' : 'Saved.') : null,
          });
        }
        return reply.issues;
      } catch (error) {
        set({ saving: false, error: describeError(error) });
        return null;
      }
    },
    async act(action) {
      const id = get().id;
      if (!id) return;
      try {
        const reply = await client.call(`job:${action}`, { ids: [id] });
        const refused = 'refused' in reply ? (reply.refused ?? []) : [];
        set({
          refusal: refused.length > 0 ? `Retry refused, nothing was sent: ${refused[0]!.reason}` : null,
        });
        await get().reload();
        set({
          notice:
            refused.length > 0
              ? null
              : reply.updated > 0
                ? `${doneWords[action] ?? `Done: ${action.replace(/-/g, ' ')}`}.`
                : `Nothing changed: this job cannot ${action.replace(/-/g, ' ')} in its current state.`,
          error: null,
        });
      } catch (error) {
        set({ error: describeError(error) });
      }
    },
    handleChanged(event) {
      const id = get().id;
      if (id && get().status === 'ready' && (event.reset || event.ids.includes(id))) void get().reload();
    },
  }));
}
