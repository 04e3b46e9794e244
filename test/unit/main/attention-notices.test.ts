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
