// The top bar's answer to "is all well?", on every view: "All delivered · 29 today",
// "Sending 3 · 2 min left", "2 need you" (to Review), "comswise is down since 19:41". The words
// come from shared/status-summary.ts, the same function the desktop tray's tooltip reads.
import { useStore } from 'zustand';
import { summarizeStatus, type StatusDestination } from '../../../shared/status-summary.js';
import { useServices } from '../app-services.js';

export function StatusLine() {
  const { attention, status } = useServices();
  const counts = useStore(attention, (s) => s.counts);
  const paused = useStore(attention, (s) => s.paused);
  const reviewWaiting = useStore(attention, (s) => s.reviewWaiting);
  const failing = useStore(attention, (s) => s.failingDestinations);
  const unhealthy = useStore(attention, (s) => s.unhealthy);
  const connected = useStore(attention, (s) => s.connected);
  const snapshot = useStore(status, (s) => s.snapshot);

  // Health pushed by attention:changed is newer than the last snapshot; it wins where it speaks.
  const pushed = new Map(unhealthy.map((d) => [d.name, d]));
  const destinations: StatusDestination[] = (snapshot?.destinations ?? []).map((d) => {
    const event = pushed.get(d.name);
    return event
      ? { name: d.name, paused: d.paused, health: event.health, since: event.since }
      : {
          name: d.name,
          paused: d.paused,
          health: d.health,
          since: d.since,
          online: d.online,
          offlineSince: d.offlineSince,
        };
  });
  for (const d of unhealthy) {
    if (!destinations.some((known) => known.name === d.name)) destinations.push({ ...d, paused: false });
  }

  if (connected === null && !snapshot) return <span className="status-line" role="status" />;
  const summary = summarizeStatus({
    counts: counts ?? snapshot?.counts ?? {},
    paused: paused || (snapshot?.paused ?? false),
    destinations,
    reviewWaiting,
    failingDestinations: failing,
    deliveredToday: snapshot?.deliveredToday ?? null,
    etaSec: snapshot?.backlog.etaSec ?? null,
    connected,
  });

  return (
    <span className="status-line" role="status" data-testid="status-line" data-tone={summary.tone}>
      {summary.parts.map((part, i) => {
        const content = (
          <>
            <span className={`status-dot tone-${part.tone}`} aria-hidden="true" />
            {part.text}
          </>
        );
        return (
          <span key={`${part.kind}-${part.destination ?? i}`} className={`status-part tone-${part.tone}`}>
            {part.href ? (
              <a href={part.href} data-testid={`status-${part.kind}`}>
                {content}
              </a>
            ) : (
              <span data-testid={`status-${part.kind}`}>{content}</span>
            )}
          </span>
        );
      })}
    </span>
  );
}
