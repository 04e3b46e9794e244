// OS notifications only when a person must act: new recordings waiting for review, or a
// destination that has started failing (the core reports it after the configured minutes).
// Pure: compares what the core reported before with what it reports now.

export interface Attention {
  reviewWaiting: number;
  failingDestinations: readonly string[];
}

export interface Notice {
  title: string;
  body: string;
}

export function attentionNotices(
  before: Attention,
  now: Attention,
  settings: { reviewWaiting: boolean } = { reviewWaiting: true },
): Notice[] {
  const notices: Notice[] = [];
  if (settings.reviewWaiting && now.reviewWaiting > before.reviewWaiting) {
    const n = now.reviewWaiting;
    notices.push({
      title: n === 1 ? 'A recording needs review' : `${n} recordings need review`,
      body: 'Some call details are missing or need confirming before they can be sent. Open CallRelay to review.',
    });
  }
  const newlyFailing = now.failingDestinations.filter((d) => !before.failingDestinations.includes(d));
  if (newlyFailing.length > 0) {
    notices.push({
      title: newlyFailing.length === 1 ? `${newlyFailing[0]} keeps failing` : 'Destinations keep failing',
      body: `Deliveries to ${newlyFailing.join(', ')} have been failing for a while. Open CallRelay to see why.`,
    });
  }
  return notices;
}
