import { mkdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Express } from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { ARTIFACTS, launchBrowser } from './browser.js';
import { builtGraph } from './fixtures.js';
import { createSuite, type Suite, token } from './helpers.js';

/** Debian's Chromium; `.ci/run` installs it. A missing browser fails these tests, it never skips them. */

const CVE = 'CVE-2021-23337';
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

  beforeAll(async () => {
    suite = await createSuite('ui');
    ({ app } = await suite.start());
    const writer = await token({ scopes: ['reachgraph:write', 'reachgraph:read'] });
    const put = await request(app).post('/v1/reachgraphs').set('Authorization', writer).send(builtGraph());
    expect(put.status).toBe(201);
    digest = put.body.digest;
    artifactDigest = put.body.artifact.digest;
    jwt = (await token({ scopes: ['reachgraph:read'] })).replace(/^Bearer /, '');
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

  const graphUrl = (query = '') => `${base}/ui/graphs/${digest}${query}`;

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
});
