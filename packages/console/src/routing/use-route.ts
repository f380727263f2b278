import { useCallback, useEffect, useState } from 'preact/hooks';
import { BASE, hashLinkHref, parseRoute, type Route, routeHref } from './route.js';

const current = (): Route => parseRoute(window.location.pathname, window.location.search);

/** The first route: a hash-style link is rewritten (in place) to the path-style URL it means. */
function initial(): Route {
  const href = window.location.pathname === BASE ? hashLinkHref(window.location.hash) : undefined;
  if (href) window.history.replaceState(null, '', href);
  return current();
}

/** Navigates to a route: a new history entry, or with `replace` the current one. */
export type Navigate = (route: Route, opts?: { replace?: boolean }) => void;

/** The route of the address bar, kept in step with back/forward and with `navigate`. */
export function useRoute(): [Route, Navigate] {
  const [route, setRoute] = useState<Route>(initial);
  useEffect(() => {
    const onPop = () => setRoute(current());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback<Navigate>((next, opts) => {
    const href = routeHref(next);
    if (opts?.replace) window.history.replaceState(null, '', href);
    else window.history.pushState(null, '', href);
    setRoute(parseRoute(window.location.pathname, window.location.search));
  }, []);
  return [route, navigate];
}
