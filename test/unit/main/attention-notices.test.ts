import { describe, expect, it } from 'vitest';
import { attentionNotices } from '../../../electron/main/attention-notices.js';

const none = { reviewWaiting: 0, failingDestinations: [] };

describe('attentionNotices', () => {
  it('notifies when more recordings wait for review, not when fewer do', () => {
    expect(attentionNotices(none, { reviewWaiting: 1, failingDestinations: [] })).toEqual([
      expect.objectContaining({ title: 'A recording needs review' }),
    ]);
    expect(
      attentionNotices({ reviewWaiting: 1, failingDestinations: [] }, { reviewWaiting: 4, failingDestinations: [] })[0]!
        .title,
    ).toBe('4 recordings need review');
    expect(
      attentionNotices({ reviewWaiting: 4, failingDestinations: [] }, { reviewWaiting: 2, failingDestinations: [] }),
    ).toEqual([]);
  });

  it('respects the review notification setting', () => {
    expect(attentionNotices(none, { reviewWaiting: 2, failingDestinations: [] }, { reviewWaiting: false })).toEqual([]);
  });

  it('notifies once when a destination starts failing', () => {
    const failing = { reviewWaiting: 0, failingDestinations: ['main'] };
    expect(attentionNotices(none, failing)).toEqual([expect.objectContaining({ title: 'main keeps failing' })]);
    expect(attentionNotices(failing, failing)).toEqual([]);
    expect(attentionNotices(failing, { reviewWaiting: 0, failingDestinations: ['main', 'cx'] })[0]!.body).toContain(
      'cx',
    );
  });

  it('stays quiet when nothing needs a person', () => {
    expect(attentionNotices(none, none)).toEqual([]);
  });
});

describe('setupNotifications', () => {
  it('shows one OS notification per new reason to act, from either event, and opens the window on click', async () => {
    const { setupNotifications } = await import('../../../electron/main/notifications.js');
    const { FakeNotification } = await import('./electron-mock.js');
    const { createSilentLogger } = await import('../../../electron/core/logger.js');
    const listeners = new Map<string, Array<(p: unknown) => void>>();
    const core = {
      on: (e: string, l: (p: unknown) => void) => void listeners.set(e, [...(listeners.get(e) ?? []), l]),
    };
    const emit = (e: string, p: unknown) => listeners.get(e)?.forEach((l) => l(p));
    FakeNotification.shown = [];
    let opened = 0;
    setupNotifications({
      Notification: FakeNotification as never,
      core,
      dispatcher: {
        dispatch: async () => ({ ok: true, value: { notifications: { reviewWaiting: true } } }),
      },
      showWindow: () => void opened++,
      logger: createSilentLogger(),
    });
    emit('queue:changed', { counts: { 'needs-review': 0, running: 3 } });
    expect(FakeNotification.shown).toEqual([]);
    emit('queue:changed', { counts: { 'needs-review': 2 } });
    emit('attention:changed', { reviewWaiting: 2, failingDestinations: [] });
    emit('queue:changed', { counts: { 'needs-review': 2 } });
    expect(FakeNotification.shown.map((n) => n.title)).toEqual(['2 recordings need review']);
    emit('attention:changed', { reviewWaiting: 2, failingDestinations: ['main'] });
    expect(FakeNotification.shown.map((n) => n.title)).toEqual(['2 recordings need review', 'main keeps failing']);
    expect(opened).toBe(0);
    FakeNotification.instances.at(-1)!.emit('click');
    expect(opened).toBe(1);
  });
});
