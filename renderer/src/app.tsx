// The window: a nav with what needs attention, and the current view.
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { useServices } from './app-services.js';
import { FileDrop } from './components/file-drop.js';
import { StatusLine } from './components/status-line.js';
import { queueHash } from './queue-url.js';
import { routeHref, useRoute, type Route } from './routing.js';
import { DashboardView } from './views/dashboard-view.js';
import { JobDetailView } from './views/job-detail-view.js';
import { QueueView } from './views/queue-view.js';
import { ReviewView } from './views/review-view.js';
import { SettingsView } from './views/settings/settings-view.js';

const navItems: { view: Exclude<Route['view'], 'job'>; label: string }[] = [
  { view: 'queue', label: 'Queue' },
  { view: 'review', label: 'Review' },
  { view: 'dashboard', label: 'Dashboard' },
  { view: 'settings', label: 'Settings' },
];

export function App() {
  const route = useRoute();
  const { attention, status, queue } = useServices();
  // The Queue link keeps the filters a person set, so leaving the queue and coming back keeps them.
  const queueLink = useStore(queue, (s) => queueHash(s.filters, s.sort));
  const reviewWaiting = useStore(attention, (s) => s.reviewWaiting);
  const failing = useStore(attention, (s) => s.failingDestinations);

  useEffect(() => {
    void attention.getState().load();
    void status.getState().load();
  }, [attention, status]);

  useEffect(() => {
    const titles = { queue: 'Queue', job: 'Job', review: 'Review', dashboard: 'Dashboard', settings: 'Settings' };
    document.title = `${titles[route.view]} — CallRelay`;
  }, [route.view]);

  const activeView = route.view === 'job' ? 'queue' : route.view;

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">CallRelay</span>
        <nav aria-label="Main">
          <ul>
            {navItems.map((item) => (
              <li key={item.view}>
                <a
                  href={item.view === 'queue' ? queueLink : routeHref({ view: item.view } as Route)}
                  aria-current={activeView === item.view ? 'page' : undefined}
                >
                  {item.label}
                  {item.view === 'review' && reviewWaiting > 0 ? (
                    <span className="nav-badge" aria-label={`${reviewWaiting} waiting`}>
                      {reviewWaiting}
                    </span>
                  ) : null}
                  {item.view === 'dashboard' && failing.length > 0 ? (
                    <span className="nav-badge nav-badge-error" aria-label={`${failing.length} destination failing`}>
                      !
                    </span>
                  ) : null}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <StatusLine />
      </header>
      <main id="main" tabIndex={-1}>
        {route.view === 'queue' ? <QueueView /> : null}
        {route.view === 'job' ? <JobDetailView id={route.id} /> : null}
        {route.view === 'review' ? <ReviewView /> : null}
        {route.view === 'dashboard' ? <DashboardView /> : null}
        {route.view === 'settings' ? <SettingsView /> : null}
      </main>
      <FileDrop />
    </div>
  );
}
