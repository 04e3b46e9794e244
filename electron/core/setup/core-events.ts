// The core's pushed events (`queue:changed`, `settings:changed`, …): a host subscribes to forward
// them to its renderer. A failing listener is logged and does not stop the others.
import type { EventName, EventPayload } from '../../../shared/contract.js';
import type { Logger } from '../logger.js';

type Listener = (payload: unknown) => void;

export interface CoreEvents {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export function createCoreEvents(logger: () => Logger): CoreEvents {
  const listeners = new Map<EventName, Set<Listener>>();
  return {
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) {
        try {
          listener(payload);
        } catch (error) {
          logger().warn({ err: error, event }, 'event listener failed');
        }
      }
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener);
      return () => set.delete(listener as Listener);
    },
  };
}
