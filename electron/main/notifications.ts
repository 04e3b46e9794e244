// Shows the notices of attention-notices.ts as OS notifications; a click opens the window.
import type { Notification, NotificationConstructorOptions } from 'electron';
import type { ContractDispatcher } from '../../shared/contract-host.js';
import type { EventName, QueueChanged, SettingsView } from '../../shared/contract.js';
import type { Logger } from '../core/logger.js';
import { attentionNotices, type Attention } from './attention-notices.js';

export interface NotificationClass {
  new (options: NotificationConstructorOptions): Notification;
  isSupported(): boolean;
}

export function setupNotifications(deps: {
  Notification: NotificationClass;
  core: { on(event: EventName, listener: (payload: unknown) => void): unknown };
  dispatcher: Pick<ContractDispatcher, 'dispatch'>;
  showWindow: () => void;
  iconPath?: string;
  logger: Logger;
}): void {
  let last: Attention = { reviewWaiting: 0, failingDestinations: [] };
  let reviewWaitingEnabled = true;

  const readSettings = async () => {
    const reply = await deps.dispatcher.dispatch('settings:get', {});
    if (reply.ok) reviewWaitingEnabled = (reply.value as SettingsView).notifications.reviewWaiting;
  };
  void readSettings().catch(() => {});
  deps.core.on('settings:changed', () => void readSettings().catch(() => {}));

  const update = (now: Attention) => {
    const notices = attentionNotices(last, now, { reviewWaiting: reviewWaitingEnabled });
    last = now;
    if (notices.length === 0 || !deps.Notification.isSupported()) return;
    for (const notice of notices) {
      try {
        const n = new deps.Notification({
          title: notice.title,
          body: notice.body,
          ...(deps.iconPath ? { icon: deps.iconPath } : {}),
        });
        n.on('click', () => deps.showWindow());
        n.show();
      } catch (error) {
        deps.logger.warn({ err: error }, 'could not show a notification');
      }
    }
  };

  deps.core.on('attention:changed', (payload) => {
    const p = payload as Partial<Attention> | null;
    update({ reviewWaiting: p?.reviewWaiting ?? 0, failingDestinations: p?.failingDestinations ?? [] });
  });
  // The queue's own counts also tell when recordings wait for review, so the notice does not
  // depend on which of the two events arrives first.
  deps.core.on('queue:changed', (payload) => {
    const review = (payload as Partial<QueueChanged> | null)?.counts?.['needs-review'];
    if (typeof review === 'number') update({ ...last, reviewWaiting: review });
  });
}
