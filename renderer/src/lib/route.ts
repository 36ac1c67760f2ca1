import { useEffect, useState } from 'react';

export const ROUTES = ['overview', 'accounts', 'logs', 'settings'] as const;
export type Route = (typeof ROUTES)[number];

function current(): Route {
  const name = window.location.hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return (ROUTES as readonly string[]).includes(name ?? '') ? (name as Route) : 'overview';
}

/**
 * Hash routing (`#/accounts`): works the same from `/_tray/` and from Electron's file:// page, and the headless
 * server never sees the route.
 */
export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(current);
  useEffect(() => {
    const onChange = (): void => setRoute(current());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export const href = (route: Route): string => `#/${route}`;
