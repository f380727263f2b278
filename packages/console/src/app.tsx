import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createClient } from './api/client.js';
import { useToken } from './api/token.js';
import { ArtifactPage } from './components/artifact-page.js';
import { DiffPage } from './components/diff-page.js';
import { FindGraph } from './components/find-graph.js';
import { GraphPage } from './components/graph-page.js';
import { Link } from './components/link.js';
import { Empty } from './components/status.js';
import { TokenBar } from './components/token-bar.js';
import { BASE } from './routing/route.js';
import { useRoute } from './routing/use-route.js';

let generation = 0;

/** The page a route shows, for focus moves: a new page moves focus to its heading. */
function pageKey(route: ReturnType<typeof useRoute>[0]): string {
  if (route.page === 'graph') return `graph:${route.digest}`;
  if (route.page === 'artifact') return `artifact:${route.artifact}`;
  if (route.page === 'diff') return `diff:${route.digest}`;
  return route.page;
}

/** The console: header with the token, then the page of the current URL. */
export function App() {
  const [route, navigate] = useRoute();
  const [token, setToken] = useToken();
  const [tokenForm, setTokenForm] = useState(false);
  const client = useMemo(() => createClient(token), [token]);
  // Requests re-run when the token changes (the key tells tokens apart without holding one).
  const clientKey = useMemo(() => String(++generation), [token]);
  const requestToken = () => {
    setTokenForm(true);
    const focus = () => document.getElementById('token-input')?.focus();
    focus();
    requestAnimationFrame(focus);
  };
  const page = pageKey(route);
  const first = useRef(true);
  // A new page moves focus to its heading (not on first load).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [page]);
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="app-header">
        <Link
          href={BASE}
          onNavigate={() => navigate({ page: 'home' })}
          class="brand"
          aria-label="Stella ReachGraph: home"
        >
          Stella <span>ReachGraph</span>
        </Link>
        <TokenBar
          token={token}
          forceOpen={tokenForm}
          onChange={(t) => {
            setToken(t);
            setTokenForm(false);
          }}
        />
      </header>
      <main id="main">
        {route.page === 'home' && (
          <FindGraph
            filter={route.filter}
            navigate={navigate}
            client={client}
            clientKey={clientKey}
            hasToken={token !== undefined}
            onRequestToken={requestToken}
          />
        )}
        {route.page === 'artifact' && (
          <ArtifactPage
            artifact={route.artifact}
            client={client}
            clientKey={clientKey}
            navigate={navigate}
            onRequestToken={requestToken}
          />
        )}
        {route.page === 'graph' && (
          <GraphPage
            route={route}
            client={client}
            clientKey={clientKey}
            navigate={navigate}
            onRequestToken={requestToken}
          />
        )}
        {route.page === 'diff' && (
          <DiffPage
            route={route}
            client={client}
            clientKey={clientKey}
            navigate={navigate}
            onRequestToken={requestToken}
          />
        )}
        {route.page === 'not-found' && (
          <section aria-labelledby="nf-heading">
            <h1 id="nf-heading" tabIndex={-1}>
              No such view
            </h1>
            <Empty>
              <p>
                <code>{route.path}</code> is not a view of the console.{' '}
                <Link href={BASE} onNavigate={() => navigate({ page: 'home' })}>
                  Start over
                </Link>
                .
              </p>
            </Empty>
          </section>
        )}
      </main>
    </>
  );
}
