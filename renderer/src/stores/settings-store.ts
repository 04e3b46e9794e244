// Settings as the host reports them (secrets masked). Each section saves on its own, so a
// half-edited form in one section never sends another's fields.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ContractClient } from '../../../shared/contract-client.js';
import type {
  ChannelInput,
  ConnectionTest,
  MetadataPreview,
  SettingsUpdate,
  SettingsView,
} from '../../../shared/contract.js';
import { describeError } from './describe-error.js';

export interface SettingsState {
  view: SettingsView | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  saving: boolean;
  notice: string | null;
  load(): Promise<void>;
  /** Resolves true when saved; on failure `error` says why. */
  update(patch: SettingsUpdate, what: string): Promise<boolean>;
  testConnection(input: ChannelInput<'destination:test'>): Promise<ConnectionTest>;
  preview(input: ChannelInput<'metadata:preview'>): Promise<MetadataPreview>;
  pickFolder(): Promise<string | null>;
}

export type SettingsStore = StoreApi<SettingsState>;

export function createSettingsStore(client: ContractClient): SettingsStore {
  return createStore<SettingsState>()((set, get) => ({
    view: null,
    status: 'idle',
    error: null,
    saving: false,
    notice: null,
    async load() {
      if (!get().view) set({ status: 'loading' });
      try {
        const view = await client.call('settings:get', {});
        set({ view, status: 'ready', error: null });
      } catch (error) {
        set({ status: get().view ? 'ready' : 'error', error: describeError(error) });
      }
    },
    async update(patch, what) {
      set({ saving: true, error: null, notice: null });
      try {
        const view = await client.call('settings:update', patch);
        set({ view, saving: false, notice: `${what} saved.` });
        return true;
      } catch (error) {
        set({ saving: false, error: `${what} not saved: ${describeError(error)}` });
        return false;
      }
    },
    async testConnection(input) {
      try {
        return await client.call('destination:test', input);
      } catch (error) {
        return { status: 'error', message: describeError(error), latencyMs: null };
      }
    },
    async preview(input) {
      try {
        return await client.call('metadata:preview', input);
      } catch (error) {
        return { fields: {}, sources: {}, missing: [], error: describeError(error) };
      }
    },
    async pickFolder() {
      try {
        return (await client.call('dialog:pick-folder', {})).path;
      } catch {
        return null;
      }
    },
  }));
}
