// Hash routes, so the same build works from Electron's app protocol and from `callrelay serve`.
import { useEffect, useState } from 'react';
import { hashWithoutToken } from './transport/session-token.js';

export type Route =
  | { view: 'queue' }
  | { view: 'job'; id: string }
  | { view: 'review' }
  | { view: 'dashboard' }
  | { view: 'settings' };

export function parseRoute(hash: string): Route {
  // A sign-in link may carry the token before the route (`#token=…#/queue`); it is not a route.
  const path = hashWithoutToken(hash).replace(/^#\/?/, '').split('&')[0] ?? '';
  const [head, ...rest] = path.split('/');
  if (head === 'job' && rest.length > 0) return { view: 'job', id: decodeURIComponent(rest.join('/')) };
  if (head === 'review' || head === 'dashboard' || head === 'settings') return { view: head };
  return { view: 'queue' };
}

export function routeHref(route: Route): string {
  return route.view === 'job' ? `#/job/${encodeURIComponent(route.id)}` : `#/${route.view}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
