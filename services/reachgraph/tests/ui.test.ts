import { mkdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ReachGraph } from '@stella-ops/core';
import type { Express } from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { ARTIFACTS, launchBrowser } from './browser.js';
import { builtGraph, exampleGraph } from './fixtures.js';
import { createSuite, type Suite, token } from './helpers.js';

/** Debian's Chromium; `.ci/run` installs it. A missing browser fails these tests, it never skips them. */

const CVE = 'CVE-2021-23337';
/** The tenant whose start page lists graphs: two graphs of its own, none of the demo's tenant. */
const LIST_TENANT = 'tenant-list';

/** The schema's example graph as another service, with its own lodash version and CVE. */
function lodashGraph(name: string, lodash: string, cve: string, artifactHex: string): ReachGraph {
  const g = exampleGraph();
  g.artifact = { ...g.artifact, name, digest: `sha256:${artifactHex.repeat(64)}` };
  for (const n of g.nodes) {
    if (n.id !== 'lodash:template') continue;
    n.purl = `pkg:npm/lodash@${lodash}`;
    n.cves = [cve];
  }
  g.scope = { ...g.scope, cves: [cve] };
  return g;
}

const FLAG_CHAIN =
  'main → app.listen → app.handle → Router.handle → Layer.handle_request → getReport → renderCustomTemplate → template';

describe('the "Why reachable?" console in headless Chromium', () => {
  let suite: Suite;
  let app: Express;
  let server: ReturnType<Express['listen']>;
  let base: string;
  /** The same service answering one path per page. */
  let pagedServer: ReturnType<Express['listen']>;
  let pagedBase: string;
  let browser: Browser;
  let jwt: string;
  let digest: string;
  let artifactDigest: string;
  /** LIST_TENANT's token and graphs: svc.billing (lodash 4.17.20, CVE-2021-23337), then svc.invoices (4.17.21, CVE-2020-8203). */
  let listJwt: string;
  let billing: string;
  let invoices: string;

  beforeAll(async () => {
    suite = await createSuite('ui');
    ({ app } = await suite.start());
    const writer = await token({ scopes: ['reachgraph:write', 'reachgraph:read'] });
    const put = await request(app).post('/v1/reachgraphs').set('Authorization', writer).send(builtGraph());
    expect(put.status).toBe(201);
    digest = put.body.digest;
    artifactDigest = put.body.artifact.digest;
    // A second graph of the same artifact, older by the order of upload: the artifact page lists both.
    const renamed = builtGraph();
    renamed.artifact = { ...renamed.artifact, name: `${renamed.artifact.name}-rebuilt` };
    const second = await request(app).post('/v1/reachgraphs').set('Authorization', writer).send(renamed);
    expect(second.status).toBe(201);
    jwt = (await token({ scopes: ['reachgraph:read'] })).replace(/^Bearer /, '');
    const listWriter = await token({ tenant: LIST_TENANT, scopes: ['reachgraph:write'] });
    const upload = async (g: ReachGraph) => {
      const res = await request(app).post('/v1/reachgraphs').set('Authorization', listWriter).send(g);
      expect(res.status).toBe(201);
      return res.body.digest as string;
    };
    billing = await upload(lodashGraph('svc.billing', '4.17.20', 'CVE-2021-23337', '1'));
    invoices = await upload(lodashGraph('svc.invoices', '4.17.21', 'CVE-2020-8203', '2'));
    listJwt = (await token({ tenant: LIST_TENANT, scopes: ['reachgraph:read'] })).replace(/^Bearer /, '');
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const paged = await suite.start((cfg) => {
      cfg.limits.sliceDefaultLimit = 1;
    });
    pagedServer = paged.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => pagedServer.once('listening', () => resolve()));
    pagedBase = `http://127.0.0.1:${(pagedServer.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await new Promise((resolve) => (pagedServer ? pagedServer.close(resolve) : resolve(undefined)));
    await suite?.close();
  });

  /** A fresh browser session (its own sessionStorage) whose page reports script errors and CSP violations. */
  async function session(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({
      viewport: { width: 1360, height: 900 },
      acceptDownloads: true,
    });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      // Failed API calls (401, 404) are logged by the browser itself; they are expected in some tests.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
        errors.push(msg.text());
    });
    return { context, page, errors };
  }

  async function enterToken(page: Page, value = jwt): Promise<void> {
    await page.getByLabel('Bearer token').fill(value);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.getByText('Token set for this session').waitFor();
  }

  /** Interactive elements of the accessibility tree (as Chromium computes it) that have no name. */
  async function unnamedControls(page: Page): Promise<string[]> {
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    await cdp.detach();
    const roles = new Set([
      'button',
      'link',
      'textbox',
      'combobox',
      'radio',
      'tab',
      'checkbox',
      'application',
    ]);
    return nodes
      .filter((n) => !n.ignored && roles.has(String(n.role?.value)) && !String(n.name?.value ?? '').trim())
      .map((n) => `${String(n.role?.value)} #${n.backendDOMNodeId ?? '?'}`);
  }

  async function searchCve(page: Page, cve: string): Promise<void> {
    await page.getByLabel('Search by').selectOption('cve');
    await page.getByLabel('Vulnerability id').fill(cve);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
  }

  const graphUrlOf = (graph: string, query = '') => `${base}/ui/graphs/${graph}${query}`;
  const graphUrl = (query = '') => graphUrlOf(digest, query);

  it('finds the demo graph, searches its CVE and explains the path: verdict, sinks, chips, guard, file:line, runtime', async () => {
    const { context, page, errors } = await session();
    await page.goto(`${base}/ui/`);
    await enterToken(page, `Bearer ${jwt}`);
    await page.getByRole('textbox', { name: 'Digest' }).fill(digest);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.waitForURL(graphUrl());
    await searchCve(page, CVE.toLowerCase());
    await page.waitForURL(graphUrl(`?cve=${CVE}`));

    const verdict = page.locator('[data-verdict]');
    // both paths of the demo CVE pass a feature flag
    await expect(verdict.getAttribute('data-verdict')).resolves.toBe('gated');
    await expect(verdict.locator('.verdict-label').textContent()).resolves.toBe(
      'Reachable only under conditions',
    );
    const sinks = page.getByRole('region', { name: 'Sinks' });
    await expect(sinks.locator('.node-name').allTextContents()).resolves.toEqual(['template']);
    await expect(sinks.locator('.node-pkg').allTextContents()).resolves.toEqual(['lodash@4.17.20']);

    const paths = page.getByRole('list', { name: 'Paths' }).locator(':scope > li');
    await expect(paths.count()).resolves.toBe(2);
    const flag = paths.filter({ hasText: 'renderCustomTemplate' });
    await expect(flag.locator('.chain-text').textContent()).resolves.toBe(FLAG_CHAIN);
    await expect(flag.locator('.only-if .guard-open').allTextContents()).resolves.toEqual([
      'CUSTOM_REPORTS=enabled',
    ]);
    const hops = flag.getByRole('list', { name: /^Hops of path/ }).locator('li[data-hop]');
    await expect(
      hops.locator('[data-edge-type]').evaluateAll((els) => els.map((e) => e.getAttribute('data-edge-type'))),
    ).resolves.toEqual([
      'DirectCall',
      'DirectCall',
      'DirectCall',
      'DirectCall',
      'Reflection',
      'FeatureFlag',
      'DirectCall',
    ]);
    const flagHop = hops.filter({ has: page.locator('[data-edge-type="FeatureFlag"]') });
    await expect(flagHop.locator('.guard').textContent()).resolves.toBe('CUSTOM_REPORTS=enabled');
    await expect(flagHop.locator('.loc').textContent()).resolves.toBe('src/routes/reports.js:19');
    await expect(flagHop.locator('.node-name').textContent()).resolves.toBe('renderCustomTemplate');
    // The last three hops were seen by the runtime agent; the express start-up hops were not.
    const observed = await hops.evaluateAll((els) =>
      els.map((e) => e.querySelector('[data-runtime]') !== null),
    );
    expect(observed).toEqual([false, false, false, false, true, true, true]);
    await expect(hops.last().locator('[data-runtime]').textContent()).resolves.toBe(
      '● observed at runtime · 212 hits',
    );
    await expect(hops.last().locator('.tag-sink').textContent()).resolves.toBe('sink');

    await page.screenshot({ path: join(ARTIFACTS, 'console-cve-paths.png'), fullPage: true });
    await expect(unnamedControls(page)).resolves.toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('draws the slice as a layered graph; clicking a node shows it, re-centres it and puts it in the URL', async () => {
    const { context, page, errors } = await session();
    await page.goto(`${base}/ui/`);
    await enterToken(page);
    await page.goto(graphUrl(`?cve=${CVE}`));
    // Tabs move with the arrow keys (and each tab is a permalink).
    await page.getByRole('tab', { name: 'Paths' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForURL(graphUrl(`?cve=${CVE}&view=graph`));

    const canvas = page.getByRole('application', { name: /^Graph of the slice/ });
    const nodes = canvas.locator('[data-node-id]');
    await nodes.first().waitFor();
    await expect(nodes.count()).resolves.toBe(11);
    await expect(canvas.locator('[data-edge-type]').count()).resolves.toBe(11);
    // Layered left to right: the entrypoint left of the handler, the handler left of the sink.
    const x = async (id: string) =>
      (await canvas.locator(`[data-node-id="${id}"]`).boundingBox())?.x ?? Number.NaN;
    const entry = await x('app:src/server.js#main');
    const handler = await x('app:src/routes/reports.js#renderCustomTemplate');
    const sink = await x('lodash@4.17.20#template');
    expect(entry).toBeLessThan(handler);
    expect(handler).toBeLessThan(sink);
    await canvas.screenshot({ path: join(ARTIFACTS, 'console-cve-graph-fit.png') });

    const target = canvas.locator('[data-node-id="app:src/routes/reports.js#renderCustomTemplate"]');
    await target.click();
    await page.waitForURL(/[?&]node=app%3Asrc%2Froutes%2Freports\.js%23renderCustomTemplate/);
    const details = page.getByRole('complementary', { name: 'renderCustomTemplate' });
    await expect(details.textContent()).resolves.toContain('src/routes/reports.js:42');
    await expect(target.getAttribute('aria-pressed')).resolves.toBe('true');
    const box = await canvas.boundingBox();
    const nodeBox = await target.boundingBox();
    if (!box || !nodeBox) throw new Error('no layout boxes');
    expect(Math.abs(nodeBox.x + nodeBox.width / 2 - (box.x + box.width / 2))).toBeLessThan(3);
    expect(Math.abs(nodeBox.y + nodeBox.height / 2 - (box.y + box.height / 2))).toBeLessThan(3);
    await page.screenshot({ path: join(ARTIFACTS, 'console-cve-graph.png'), fullPage: true });
    await expect(unnamedControls(page)).resolves.toEqual([]);

    // Zoom: the button scales the drawing; the keyboard works on the focused canvas too.
    const width = nodeBox.width;
    await page.getByRole('button', { name: 'Zoom in' }).click();
    expect((await target.boundingBox())?.width).toBeGreaterThan(width * 1.2);
    await canvas.focus();
    await page.keyboard.press('-');
    await page.keyboard.press('-');
    expect((await target.boundingBox())?.width).toBeLessThan(width);

    // Keyboard: Enter selects the focused node, → follows an edge to the next node.
    await canvas.locator('[data-node-id="app:src/server.js#main"]').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('complementary', { name: 'main' }).waitFor();
    await page.keyboard.press('ArrowRight');
    await expect(page.locator(':focus').getAttribute('data-node-id')).resolves.toBe(
      'express@4.17.1#app.listen',
    );

    expect(errors).toEqual([]);
    await context.close();
  });

  it('exports the slice as Mermaid (download and preview), DOT and the JSON the API answered', async () => {
    const { context, page, errors } = await session();
    await page.goto(`${base}/ui/`);
    await enterToken(page);
    await page.goto(graphUrl(`?cve=${CVE}&view=export`));
    await page.getByRole('radio', { name: 'Mermaid' }).check();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download Mermaid' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`slice-${digest.slice(7, 19)}-${CVE}.mmd`);
    const mermaid = await readFile(await download.path(), 'utf8');
    expect(mermaid.split('\n')[0]).toBe('flowchart LR');
    const id = (label: string) => new RegExp(`^  (n\\d+)\\["${label}`, 'm').exec(mermaid)?.[1];
    const [main, render, template] = [
      id('main<br/>src/server.js:8'),
      id('renderCustomTemplate<br/>src/routes/reports.js:42'),
      id('template<br/>'),
    ];
    expect([main, render, template].every(Boolean)).toBe(true);
    expect(mermaid).toContain(`|"FeatureFlag: CUSTOM_REPORTS=enabled"| ${render}`);
    expect(mermaid).toContain(`${render} ==>|"DirectCall"| ${template}`);
    expect(mermaid).toContain(`class ${main} entrypoint`);
    expect(mermaid).toContain(`class ${template} sink`);
    expect(mermaid.match(/-->|==>/g)).toHaveLength(11);
    await expect(page.getByRole('textbox', { name: 'Mermaid export' }).inputValue()).resolves.toBe(mermaid);
    await mkdir(ARTIFACTS, { recursive: true });
    await download.saveAs(join(ARTIFACTS, 'console-export.mmd'));

    await page.getByRole('radio', { name: 'DOT' }).check();
    await page.waitForURL(/format=dot/);
    const dot = await page.getByRole('textbox', { name: 'DOT export' }).inputValue();
    expect(dot.startsWith('digraph slice {\n')).toBe(true);
    expect(dot).toContain(
      '"app:src/routes/reports.js#getReport" -> "app:src/routes/reports.js#renderCustomTemplate" [label="FeatureFlag: CUSTOM_REPORTS=enabled", style=dashed',
    );

    await page.getByRole('radio', { name: 'JSON' }).check();
    const api = await request(app)
      .get(`/v1/reachgraphs/${digest}/slice?cve=${CVE}`)
      .set('Authorization', `Bearer ${jwt}`);
    expect(JSON.parse(await page.getByRole('textbox', { name: 'JSON export' }).inputValue())).toEqual(
      api.body,
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('asks for the token once per session: a permalink reloads the same view; without a token it shows the 401', async () => {
    const permalink = graphUrl(
      `?cve=${CVE}&view=graph&node=${encodeURIComponent('lodash@4.17.20#template')}`,
    );
    const first = await session();
    await first.page.goto(permalink);
    const alert = first.page.getByRole('alert');
    await expect(alert.locator('.problem-code code').textContent()).resolves.toBe('UNAUTHORIZED');
    await expect(alert.textContent()).resolves.toContain('HTTP 401');
    await alert.getByRole('button', { name: 'Enter a token' }).click();
    await expect(first.page.locator(':focus').getAttribute('id')).resolves.toBe('token-input');
    await enterToken(first.page);
    await first.page.getByRole('complementary', { name: 'template' }).waitFor();

    // Reload and follow the permalink in the same session: no token asked again, same view.
    await first.page.reload();
    await first.page.getByRole('complementary', { name: 'template' }).waitFor();
    await expect(first.page.getByLabel('Bearer token').count()).resolves.toBe(0);
    await expect(first.page.getByRole('tab', { name: 'Graph' }).getAttribute('aria-selected')).resolves.toBe(
      'true',
    );
    // A hash-style link (as a banner might print) opens the same view at its path-style URL.
    await first.page.goto(`${base}/ui/#/graph/${digest}?cve=${CVE}`);
    await first.page.waitForURL(graphUrl(`?cve=${CVE}`));
    await first.page.locator('[data-verdict="gated"]').waitFor();
    expect(first.errors).toEqual([]);
    await first.context.close();

    // Another session starts without the token.
    const second = await session();
    await second.page.goto(permalink);
    await second.page.getByLabel('Bearer token').waitFor();
    await second.context.close();
  });

  it('shows problem+json detail and code for bad input, and empty states for what the graph lacks', async () => {
    const { context, page, errors } = await session();
    await page.goto(`${base}/ui/`);
    await enterToken(page);
    await page.goto(graphUrl());
    await expect(page.getByRole('status').first().textContent()).resolves.toContain(
      'Search this graph by CVE',
    );

    // While the service answers, a loading status shows (the real answer is held back, not faked).
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/v1/reachgraphs/*/slice?*', async (route) => {
      await held;
      await route.continue();
    });
    await searchCve(page, CVE);
    await page.getByRole('status').filter({ hasText: 'Loading the slice…' }).waitFor();
    release();
    await page.locator('[data-verdict="gated"]').waitFor();
    await expect(page.getByText('Loading the slice…').count()).resolves.toBe(0);
    await page.unroute('**/v1/reachgraphs/*/slice?*');

    await searchCve(page, 'not a cve');
    const alert = page.getByRole('alert');
    await expect(alert.locator('.problem-code code').textContent()).resolves.toBe('CVE_INVALID');
    await expect(alert.locator('.problem-detail').textContent()).resolves.toContain('?cve is invalid');

    await searchCve(page, 'CVE-2099-0001');
    await expect(page.locator('[data-verdict]').getAttribute('data-verdict')).resolves.toBe('unknown');
    await expect(page.getByRole('tabpanel').textContent()).resolves.toContain(
      'No path from an entrypoint reaches',
    );

    // CVE-2020-8203: the graph has its sink (zipObjectDeep), and nothing calls it.
    await searchCve(page, 'CVE-2020-8203');
    await page.locator('[data-verdict="not_reachable"]').waitFor();
    await expect(page.locator('[data-verdict] .verdict-label').textContent()).resolves.toBe('Not reachable');
    const sinks = page.getByRole('region', { name: 'Sinks' });
    await expect(sinks.getByRole('heading', { level: 3 }).allTextContents()).resolves.toEqual([
      'Not reachable (1)',
    ]);
    await expect(sinks.locator('.node-name').allTextContents()).resolves.toEqual(['zipObjectDeep']);
    await expect(page.getByRole('tabpanel').textContent()).resolves.toContain(
      'No path from an entrypoint reaches a vulnerable function of this CVE.',
    );

    await page.goto(`${base}/ui/graphs/blake3:${'0'.repeat(64)}?cve=${CVE}`);
    await expect(page.getByRole('alert').locator('.problem-code code').textContent()).resolves.toBe(
      'GRAPH_NOT_FOUND',
    );
    await page.goto(`${base}/ui/graphs/blake3:nothex?cve=${CVE}`);
    await expect(page.getByRole('alert').locator('.problem-code code').textContent()).resolves.toBe(
      'DIGEST_INVALID',
    );

    await page.goto(`${base}/ui/no/such/view`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('No such view');
    await page.screenshot({ path: join(ARTIFACTS, 'console-not-found.png') });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('finds graphs by artifact, and searches by package wildcard, entrypoint and changed file', async () => {
    const { context, page, errors } = await session();
    await page.goto(`${base}/ui/`);
    await enterToken(page);
    await page.getByRole('textbox', { name: 'Digest' }).fill(artifactDigest);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.waitForURL(`${base}/ui/artifacts/${artifactDigest}`);
    await page.getByRole('link', { name: digest }).waitFor();
    await expect(page.getByText(/it has more/).count()).resolves.toBe(0);
    // An artifact with more graphs than a page holds (the service's real page, asked with limit=1)
    // says so: this one has two.
    const byArtifact = (url: URL) => url.pathname.startsWith('/v1/reachgraphs/by-artifact/');
    await page.route(byArtifact, (route) => route.continue({ url: `${route.request().url()}?limit=1` }));
    await page.reload();
    await page.getByText('Only the newest graph of this artifact is shown; it has more.').waitFor();
    await page.unroute(byArtifact);
    await page.reload();
    await page.getByRole('link', { name: digest }).click();
    await page.waitForURL(graphUrl());

    await page.getByLabel('Search by').selectOption('package');
    await page.getByLabel('Package URL').fill('pkg:npm/lodash@*');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(graphUrl(`?q=${encodeURIComponent('pkg:npm/lodash@*')}`));
    const table = page.getByRole('table', { name: /Nodes of this slice/ });
    await table.getByRole('link', { name: 'template', exact: true }).waitFor();
    await expect(table.getByRole('link', { name: 'minimist', exact: true }).count()).resolves.toBe(0);

    await page.getByLabel('Search by').selectOption('entrypoint');
    await page.getByLabel('Entrypoint node id').fill('app:src/cli.js#main');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(graphUrl(`?entrypoint=${encodeURIComponent('app:src/cli.js#main')}`));
    await table.getByRole('link', { name: 'setKey', exact: true }).waitFor();
    await expect(table.getByRole('link', { name: 'template', exact: true }).count()).resolves.toBe(0);

    await page.getByLabel('Search by').selectOption('file');
    await page.getByLabel('File path or glob').fill('src/routes/*.js');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/[?&]file=src%2Froutes%2F\*\.js/);
    const filePaths = page.getByRole('list', { name: 'Paths' }).locator(':scope > li');
    await filePaths.first().waitFor();
    // Paths from an entrypoint to each function of the changed files, e.g. renderCustomTemplate.
    const chains = await filePaths.locator('.chain-text').allTextContents();
    expect(chains).toContain(
      'main → app.listen → app.handle → Router.handle → Layer.handle_request → getReport → renderCustomTemplate',
    );

    await page.getByLabel('Search by').selectOption('cve');
    await page.getByLabel('Vulnerability id').fill(CVE);
    await page.getByLabel('Runtime evidence').selectOption('only');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(graphUrl(`?cve=${CVE}&observed=only`));
    await page.locator('[data-verdict]').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('pages long answers: Next page follows the cursor (a permalink too), First page goes back', async () => {
    const { context, page, errors } = await session();
    await page.goto(`${pagedBase}/ui/`);
    await enterToken(page);
    await page.goto(`${pagedBase}/ui/graphs/${digest}?cve=${CVE}`);
    const chains = page.getByRole('list', { name: 'Paths' }).locator('.chain-text');
    await chains.first().waitFor();
    await expect(chains.allTextContents()).resolves.toEqual([FLAG_CHAIN]);
    // The verdict and the counts describe the whole slice, not the page.
    await expect(page.locator('.summary').textContent()).resolves.toContain('2 paths');
    await page
      .getByRole('navigation', { name: 'Pages of the slice' })
      .getByRole('link', { name: 'Next page' })
      .click();
    await page.waitForURL(/[?&]cursor=/);
    // The previous page stays on screen until the next one arrives: wait for its path.
    await chains.filter({ hasText: 'exportPdf' }).first().waitFor();
    await expect(chains.first().textContent()).resolves.toContain('exportPdf');
    await expect(chains.count()).resolves.toBe(1);
    const pager = page.getByRole('navigation', { name: 'Pages of the slice' });
    await expect(pager.getByRole('link', { name: 'Next page' }).count()).resolves.toBe(0);
    await pager.getByRole('link', { name: 'First page' }).click();
    await page.waitForURL(`${pagedBase}/ui/graphs/${digest}?cve=${CVE}`);
    await chains.filter({ hasText: 'renderCustomTemplate' }).first().waitFor();
    await expect(chains.first().textContent()).resolves.toBe(FLAG_CHAIN);
    expect(errors).toEqual([]);
    await context.close();
  });
  /** The artifact names of the listed graphs, in the order shown, once the table named `name` is there. */
  async function listed(page: Page, name: string): Promise<string[]> {
    const table = page.getByRole('table', { name, exact: true });
    await table.waitFor();
    return table.locator('.artifact-name').allTextContents();
  }

  /** Presses Tab until the focused element matches `selector` (failing after `max` presses). */
  async function tabTo(page: Page, selector: string, max = 25): Promise<void> {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if ((await page.locator(`${selector}:focus`).count()) === 1) return;
    }
    throw new Error(`Tab never reached ${selector}`);
  }

  const homeUrl = (query = '') => `${base}/ui/${query}`;

  it('lists the tenant’s graphs by CVE and by package (any version), opens one at its CVE slice, pages with More and shows CVE_INVALID', async () => {
    const { context, page, errors } = await session();
    await page.goto(homeUrl());
    // No token yet: the recent graphs are not asked for, the page says why.
    await page
      .getByRole('region', { name: 'Recent graphs' })
      .getByRole('button', { name: 'Enter a token' })
      .waitFor();
    await enterToken(page, listJwt);
    // Newest first; the demo graph of another tenant is not listed.
    await expect(listed(page, 'Recent graphs')).resolves.toEqual(['svc.invoices', 'svc.billing']);

    await page.getByRole('radio', { name: 'CVE' }).check();
    await page.getByLabel('Vulnerability id').fill('cve-2020-8203');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(homeUrl('?cve=CVE-2020-8203'));
    await expect(listed(page, 'Graphs with CVE-2020-8203')).resolves.toEqual(['svc.invoices']);
    const row = page.locator(`tr[data-graph="${invoices}"]`);
    await expect(row.locator('td').allTextContents()).resolves.toEqual([
      `${invoices.slice(0, 'blake3:'.length + 12)}…`,
      `svc.invoices${'sha256:222222222222'}…`,
      '3',
      '2',
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/),
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'console-list-cve.png'), fullPage: true });
    await expect(unnamedControls(page)).resolves.toEqual([]);

    // Opening it lands on that CVE's slice of that graph (its sink is lodash 4.17.21's template).
    await page.getByRole('link', { name: invoices, exact: true }).click();
    await page.waitForURL(graphUrlOf(invoices, '?cve=CVE-2020-8203'));
    await page.locator('[data-verdict]').waitFor();
    await expect(
      page.getByRole('region', { name: 'Sinks' }).locator('.node-pkg').allTextContents(),
    ).resolves.toEqual(['lodash@4.17.21']);
    // Back returns to the listing, its search in the form.
    await page.goBack();
    await page.waitForURL(homeUrl('?cve=CVE-2020-8203'));
    await expect(listed(page, 'Graphs with CVE-2020-8203')).resolves.toEqual(['svc.invoices']);
    await expect(page.getByLabel('Vulnerability id').inputValue()).resolves.toBe('CVE-2020-8203');

    await page.getByRole('radio', { name: 'Package' }).check();
    await page.getByLabel('Package URL').fill('pkg:npm/lodash@*');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(homeUrl(`?purl=${encodeURIComponent('pkg:npm/lodash@*')}`));
    await expect(listed(page, 'Graphs with pkg:npm/lodash@*')).resolves.toEqual([
      'svc.invoices',
      'svc.billing',
    ]);
    // An exact version finds only its graph; a package's graph opens at the package's slice.
    await page.goto(homeUrl(`?purl=${encodeURIComponent('pkg:npm/lodash@4.17.20')}`));
    await expect(listed(page, 'Graphs with pkg:npm/lodash@4.17.20')).resolves.toEqual(['svc.billing']);
    await page.getByRole('link', { name: billing, exact: true }).click();
    await page.waitForURL(graphUrlOf(billing, `?q=${encodeURIComponent('pkg:npm/lodash@4.17.20')}`));
    await page
      .getByRole('table', { name: /Nodes of this slice/ })
      .getByRole('link', { name: 'template', exact: true })
      .waitFor();

    // Pages of one graph (the service's real pages, asked with limit=1): More follows nextCursor.
    const listing = (url: URL) => url.pathname === '/v1/reachgraphs';
    await page.route(listing, (route) =>
      route.continue({
        url: route
          .request()
          .url()
          .replace(/([?&]limit=)\d+/, '$11'),
      }),
    );
    await page.goto(homeUrl(`?purl=${encodeURIComponent('pkg:npm/lodash@*')}`));
    await expect(listed(page, 'Graphs with pkg:npm/lodash@*')).resolves.toEqual(['svc.invoices']);
    await expect(page.getByText('1 graph, more to load').count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'More graphs' }).click();
    await page.locator(`tr[data-graph="${billing}"]`).waitFor();
    await expect(listed(page, 'Graphs with pkg:npm/lodash@*')).resolves.toEqual([
      'svc.invoices',
      'svc.billing',
    ]);
    await expect(page.getByRole('button', { name: 'More graphs' }).count()).resolves.toBe(0);
    // Focus moves to the first graph More added.
    await expect(page.locator(':focus').getAttribute('aria-label')).resolves.toBe(billing);
    await page.unroute(listing);

    // What the service refuses is shown as its problem.
    await page.getByRole('radio', { name: 'CVE' }).check();
    await page.getByLabel('Vulnerability id').fill('not a cve');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(homeUrl('?cve=not+a+cve'));
    const alert = page.getByRole('alert');
    await expect(alert.locator('.problem-code code').textContent()).resolves.toBe('CVE_INVALID');
    await expect(alert.locator('.problem-detail').textContent()).resolves.toContain('?cve is invalid');
    await expect(alert.textContent()).resolves.toContain('HTTP 400');

    await page.getByRole('link', { name: 'Show recent graphs' }).click();
    await page.waitForURL(homeUrl());
    await expect(listed(page, 'Recent graphs')).resolves.toEqual(['svc.invoices', 'svc.billing']);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('finds and opens a graph by CVE with the keyboard alone', async () => {
    const { context, page, errors } = await session();
    await page.goto(homeUrl());
    await enterToken(page, listJwt);
    await listed(page, 'Recent graphs');
    await page.goto(homeUrl());
    await tabTo(page, 'input[type=radio][value=graph]');
    // Arrow keys move through the radio group and choose: Artifact digest, then CVE.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('radio', { name: 'CVE' }).isChecked()).resolves.toBe(true);
    await page.keyboard.press('Tab');
    await expect(page.locator(':focus').getAttribute('id')).resolves.toBe('find-input');
    await page.keyboard.type('CVE-2021-23337');
    await page.keyboard.press('Enter');
    await page.waitForURL(homeUrl('?cve=CVE-2021-23337'));
    await expect(listed(page, 'Graphs with CVE-2021-23337')).resolves.toEqual(['svc.billing']);
    // The search keeps focus in its field; the result is the next links along.
    await expect(page.locator(':focus').getAttribute('id')).resolves.toBe('find-input');
    await tabTo(page, `a[aria-label="${billing}"]`, 6);
    await page.keyboard.press('Enter');
    await page.waitForURL(graphUrlOf(billing, '?cve=CVE-2021-23337'));
    await page.locator('[data-verdict]').waitFor();
    // A new page moves focus to its heading.
    await expect(page.locator(':focus').getAttribute('id')).resolves.toBe('graph-heading');
    expect(errors).toEqual([]);
    await context.close();
  });
});
