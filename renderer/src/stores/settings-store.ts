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
import { ContractError } from '../../../shared/contract-client.js';
import { describeError } from './describe-error.js';

/** A refused field of a save, by its path in the config (`folders.2.path`). */
export interface SaveIssue {
  path: string;
  message: string;
}

/** How a save ended, shown next to the Save button of the section that asked. */
export interface SaveResult {
  section: string;
  ok: boolean;
  message: string;
  /** The fields the host refused; the form shows each next to its field. */
  issues: SaveIssue[];
}

export interface SettingsState {
  view: SettingsView | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** Why the settings could not be loaded. */
  error: string | null;
  saving: boolean;
  /** The last save, for the section that made it (`section`). */
  lastSave: SaveResult | null;
  load(): Promise<void>;
  /** `what` names the change in the message ("Concurrency saved."); `section` where to show it. */
  update(patch: SettingsUpdate, what: string, section: string): Promise<SaveResult>;
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
    lastSave: null,
    async load() {
      if (!get().view) set({ status: 'loading' });
      try {
        const view = await client.call('settings:get', {});
        set({ view, status: 'ready', error: null });
      } catch (error) {
        set({ status: get().view ? 'ready' : 'error', error: describeError(error) });
      }
    },
    async update(patch, what, section) {
      set({ saving: true, lastSave: null });
      let result: SaveResult;
      try {
        const view = await client.call('settings:update', patch);
        result = { section, ok: true, message: `${what} saved.`, issues: [] };
        set({ view, saving: false, lastSave: result });
      } catch (error) {
        const issues = error instanceof ContractError ? error.issues : [];
        result = { section, ok: false, message: `${what} not saved: ${describeError(error)}`, issues };
        set({ saving: false, lastSave: result });
      }
      return result;
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
