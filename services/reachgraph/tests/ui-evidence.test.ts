import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type CallgraphRecord, type DsseEnvelope, validate } from '@stella-ops/core';
import { type EvidenceBundle, verifyEvidenceBundle } from '@stella-ops/graph';
import type { Express } from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { ARTIFACTS, launchBrowser } from './browser.js';
import { builtGraph, ordersApiInputs } from './fixtures.js';
import { createSuite, type Suite, token } from './helpers.js';

// The console's views of issue 11: conditional reachability (Assume), OpenVEX and its signed
// attestation, the evidence bundle, and the reachability diff — in Debian's Chromium against
// ReachGraph on real PostgreSQL, as in ui.test.ts.

const CVE = 'CVE-2021-23337';
const UNCALLED_CVE = 'CVE-2020-8203';
const GET_REPORT = 'app:src/routes/reports.js#getReport';
const TEMPLATE = 'lodash@4.17.20#template';
const ZIP = 'lodash@4.17.20#zipObjectDeep';

const pem = (k: KeyObject, type: 'pkcs8' | 'spki') => String(k.export({ type, format: 'pem' }));
const serviceKey = generateKeyPairSync('ed25519');
const KEY_ID = 'reachgraph-console-1';
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** The orders-api demo graph, with extra call-graph edges when given. */
function demoGraph(extra: CallgraphRecord[] = []) {
  const inputs = ordersApiInputs();
  const records = [...(inputs.callgraph.records ?? []), ...extra] as [CallgraphRecord, ...CallgraphRecord[]];
  return builtGraph({ ...inputs, callgraph: { records } });
}

const directCall = (from: string, to: string, loc: string): CallgraphRecord =>
  ({ type: 'edge', from, to, why: { type: 'DirectCall', loc } }) as CallgraphRecord;

/**
 * A change to the demo: getReport now calls zipObjectDeep (CVE-2020-8203 newly reachable) and
 * lodash.template without the feature flag (CVE-2021-23337 goes from gated to reachable).
 */
const CHANGE = [
  directCall(GET_REPORT, ZIP, 'src/routes/reports.js:30'),
  directCall(GET_REPORT, TEMPLATE, 'src/routes/reports.js:31'),
];

describe('the console’s evidence, conditions and diff views in headless Chromium', () => {
  let suite: Suite;
  let servers: ReturnType<Express['listen']>[] = [];
  let base: string;
  /** The same service without a signing key. */
  let unsignedBase: string;
  let browser: Browser;
  let jwt: string;
  let digest: string;
  let changed: string;

  async function listen(app: Express): Promise<string> {
    const server = app.listen(0, '127.0.0.1');
    servers.push(server);
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    suite = await createSuite('ui_evidence');
    const { app } = await suite.start((cfg) => {
      cfg.signing.keyPem = pem(serviceKey.privateKey, 'pkcs8');
      cfg.signing.keyId = KEY_ID;
      cfg.signing.signGraphs = true;
    });
    const writer = await token({ scopes: ['reachgraph:write', 'reachgraph:read'] });
    const store = async (graph: ReturnType<typeof demoGraph>) => {
      const res = await request(app).post('/v1/reachgraphs').set('Authorization', writer).send(graph);
      expect(res.status).toBe(201);
      return res.body.digest as string;
    };
    digest = await store(demoGraph());
    changed = await store(demoGraph(CHANGE));
    jwt = (await token({ scopes: ['reachgraph:read'] })).replace(/^Bearer /, '');
    base = await listen(app);
    unsignedBase = await listen((await suite.start()).app);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    servers = [];
    await suite?.close();
  });

  /** A fresh browser session (its own sessionStorage) whose page reports script errors. */
  async function session(origin = base): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({
      viewport: { width: 1360, height: 900 },
      acceptDownloads: true,
    });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
        errors.push(msg.text());
    });
    await page.goto(`${origin}/ui/`);
    await page.getByLabel('Bearer token').fill(jwt);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.getByText('Token set for this session').waitFor();
    return { context, page, errors };
  }

  /** Interactive elements of the accessibility tree (as Chromium computes it) that have no name. */
  async function unnamedControls(page: Page): Promise<string[]> {
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    await cdp.detach();
    const roles = new Set(['button', 'link', 'textbox', 'combobox', 'radio', 'tab', 'checkbox']);
    return nodes
      .filter((n) => !n.ignored && roles.has(String(n.role?.value)) && !String(n.name?.value ?? '').trim())
      .map((n) => `${String(n.role?.value)} #${n.backendDOMNodeId ?? '?'}`);
  }

  const graphUrl = (query = '', origin = base, of = digest) => `${origin}/ui/graphs/${of}${query}`;

  async function assume(page: Page, text: string): Promise<void> {
    await page.getByLabel('Assume', { exact: true }).fill(text);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
  }

  it('re-queries a CVE under assumptions: gated → reachable → not reachable, each a permalink; bad assumptions are form errors', async () => {
    const { context, page, errors } = await session();
    await page.goto(graphUrl(`?cve=${CVE}`));
    await page.locator('[data-verdict="gated"]').waitFor();
    await expect(page.locator('[data-verdict] p').first().textContent()).resolves.toContain(
      'reachable only if CUSTOM_REPORTS=enabled',
    );
    const sinks = page.getByRole('region', { name: 'Sinks' });
    await expect(sinks.getByRole('heading', { level: 3 }).allTextContents()).resolves.toEqual([
      'Reachable only under conditions (1)',
    ]);
    await expect(sinks.locator('.node-name').allTextContents()).resolves.toEqual(['template']);
    const paths = page.getByRole('list', { name: 'Paths' }).locator(':scope > li');
    const flagPath = paths.filter({ hasText: 'renderCustomTemplate' });
    await expect(flagPath.locator('.only-if').textContent()).resolves.toBe(
      'Reachable only if CUSTOM_REPORTS=enabled',
    );
    await expect(
      paths.filter({ hasText: 'exportPdf' }).locator('[data-open-guard]').first().textContent(),
    ).resolves.toBe('PDF_EXPORT=enabled');

    // Assuming the flag is on settles its guard: the path is unconditional, the CVE reachable.
    await assume(page, ' CUSTOM_REPORTS = enabled ');
    await page.waitForURL(graphUrl(`?cve=${CVE}&assume=CUSTOM_REPORTS%3Denabled`));
    await page.locator('[data-verdict="reachable"]').waitFor();
    await expect(page.locator('[data-assume]').getAttribute('data-assume')).resolves.toBe(
      'CUSTOM_REPORTS=enabled',
    );
    await expect(sinks.getByRole('heading', { level: 3 }).allTextContents()).resolves.toEqual([
      'Reachable (1)',
    ]);
    await expect(flagPath.locator('.only-if').count()).resolves.toBe(0);
    await expect(flagPath.locator('.guards .guard').allTextContents()).resolves.toEqual([
      'CUSTOM_REPORTS=enabled',
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'console-cve-assume.png'), fullPage: true });
    await expect(unnamedControls(page)).resolves.toEqual([]);

    // Both flags off: every path is pruned. The permalink carries the assumptions, sorted by key.
    await assume(page, 'PDF_EXPORT=disabled, CUSTOM_REPORTS=disabled');
    const off = graphUrl(`?cve=${CVE}&assume=CUSTOM_REPORTS%3Ddisabled%2CPDF_EXPORT%3Ddisabled`);
    await page.waitForURL(off);
    await page.locator('[data-verdict="not_reachable"]').waitFor();
    await expect(sinks.getByRole('heading', { level: 3 }).allTextContents()).resolves.toEqual([
      'Not reachable (1)',
    ]);
    await page.reload();
    await page.locator('[data-verdict="not_reachable"]').waitFor();
    await expect(page.getByLabel('Assume', { exact: true }).inputValue()).resolves.toBe(
      'CUSTOM_REPORTS=disabled,PDF_EXPORT=disabled',
    );
    // Back goes to the previous assumptions.
    await page.goBack();
    await page.locator('[data-verdict="reachable"]').waitFor();

    // Malformed assumptions are refused at the field, before any request.
    await assume(page, 'CUSTOM_REPORTS');
    const fieldError = page.locator('#search-assume-error');
    await expect(fieldError.textContent()).resolves.toBe('“CUSTOM_REPORTS” is not KEY=VALUE.');
    await expect(page.getByLabel('Assume', { exact: true }).getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );
    expect(page.url()).toBe(graphUrl(`?cve=${CVE}&assume=CUSTOM_REPORTS%3Denabled`));

    // What the service refuses (a permalink typed by hand) shows at the field with its code.
    await page.goto(graphUrl(`?cve=${CVE}&assume=${encodeURIComponent('os=linux,os=darwin')}`));
    await expect(fieldError.locator('code').textContent()).resolves.toBe('ASSUME_INVALID');
    await expect(fieldError.textContent()).resolves.toContain('os is assumed twice');
    await expect(page.locator('[data-verdict]').count()).resolves.toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the OpenVEX statement of a CVE, downloads the exact document and its signed attestation', async () => {
    const { context, page, errors } = await session();
    await page.goto(graphUrl(`?cve=${CVE}`));
    await page.getByRole('tab', { name: 'OpenVEX' }).click();
    await page.waitForURL(graphUrl(`?cve=${CVE}&view=vex`));
    const status = page.locator('[data-vex-status]');
    await expect(status.getAttribute('data-vex-status')).resolves.toBe('affected');
    await expect(status.textContent()).resolves.toBe('Affected');
    await expect(page.locator('.vex-impact').textContent()).resolves.toContain(CVE);
    await expect(page.locator('.vex-impact').textContent()).resolves.toContain('CUSTOM_REPORTS=enabled');

    const api = await request(base)
      .get(`/v1/reachgraphs/${digest}/slice?cve=${CVE}&format=openvex`)
      .set('Authorization', `Bearer ${jwt}`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    const etag = String(api.headers['etag'])
      .replace(/"/g, '')
      .replace(/^sha256:/, '');
    await expect(page.locator('[data-vex-sha256]').getAttribute('data-vex-sha256')).resolves.toBe(etag);
    const [vexFile] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download OpenVEX' }).click(),
    ]);
    expect(vexFile.suggestedFilename()).toBe(`openvex-${digest.slice(7, 19)}-${CVE}.json`);
    const vexBytes = await readFile(await vexFile.path());
    // Byte for byte what the service hashed: the attestation's openvex.json subject.
    expect(vexBytes.equals(api.body as Buffer)).toBe(true);
    expect(sha256(vexBytes)).toBe(etag);

    const [attestation] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download signed attestation (DSSE)' }).click(),
    ]);
    const envelope = JSON.parse(await readFile(await attestation.path(), 'utf8')) as DsseEnvelope;
    expect(envelope.payloadType).toBe('application/vnd.in-toto+json');
    expect(envelope.signatures.map((s) => s.keyid)).toEqual([KEY_ID]);
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
    expect(statement.predicateType).toBe('https://stella-ops.org/attestations/reachability-slice/v1');
    expect(statement.subject).toContainEqual({ name: 'openvex.json', digest: { sha256: etag } });
    await page.getByRole('status').filter({ hasText: 'signed' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'console-vex.png'), fullPage: true });
    await expect(unnamedControls(page)).resolves.toEqual([]);

    // Under assumptions that prune every path the statement is not_affected, with its justification.
    await page.goto(
      graphUrl(`?cve=${CVE}&assume=CUSTOM_REPORTS%3Ddisabled%2CPDF_EXPORT%3Ddisabled&view=vex`),
    );
    await page.locator('[data-vex-status="not_affected"]').waitFor();
    await expect(
      page.locator('[data-vex-justification]').getAttribute('data-vex-justification'),
    ).resolves.toBe('vulnerable_code_not_in_execute_path');
    // A CVE the graph has no sink for: under investigation.
    await page.goto(graphUrl('?cve=CVE-2099-0001&view=vex'));
    await page.locator('[data-vex-status="under_investigation"]').waitFor();
    // The OpenVEX view is for CVE slices: a package search's permalink with view=vex shows its nodes.
    await page.goto(graphUrl(`?q=${encodeURIComponent('pkg:npm/lodash@*')}&view=vex`));
    await page.getByRole('table', { name: /Nodes of this slice/ }).waitFor();
    await expect(page.getByRole('tab', { name: 'OpenVEX' }).count()).resolves.toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says so when the service has no signing key: the VEX document is there, the attestation is a 409', async () => {
    const { context, page, errors } = await session(unsignedBase);
    await page.goto(graphUrl(`?cve=${CVE}&view=vex`, unsignedBase));
    await page.locator('[data-vex-status="affected"]').waitFor();
    await page.getByRole('button', { name: 'Download signed attestation (DSSE)' }).click();
    const alert = page.getByRole('alert');
    await expect(alert.locator('.problem-code code').textContent()).resolves.toBe(
      'SIGNING_KEY_NOT_CONFIGURED',
    );
    await expect(alert.textContent()).resolves.toContain('HTTP 409');
    await expect(alert.locator('.problem-hint').textContent()).resolves.toContain('no signing key');
    await expect(page.getByRole('button', { name: 'Download OpenVEX' }).isEnabled()).resolves.toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('downloads the evidence bundle (with the graph) that verifies offline, and shows the command to verify it', async () => {
    const { context, page, errors } = await session();
    await page.goto(graphUrl(`?cve=${CVE}&assume=CUSTOM_REPORTS%3Denabled`));
    await page.getByRole('tab', { name: 'Evidence' }).click();
    await page.waitForURL(graphUrl(`?cve=${CVE}&assume=CUSTOM_REPORTS%3Denabled&view=evidence`));
    await page.getByRole('checkbox', { name: /Include the graph/ }).check();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download evidence bundle' }).click(),
    ]);
    const name = download.suggestedFilename();
    expect(name).toMatch(/\.bundle\.json$/);
    const bundle = JSON.parse(await readFile(await download.path(), 'utf8')) as EvidenceBundle;
    validate('evidence-bundle@v1', bundle);
    expect(bundle.schemaVersion).toBe('reachgraph.bundle@v1');
    expect(bundle.graphDigest).toBe(digest);
    expect(bundle.graph.document).toBeDefined();
    expect(bundle.slice.query).toEqual({ type: 'cve', cve: CVE, assume: { CUSTOM_REPORTS: 'enabled' } });
    expect(bundle.slice.verdict).toBe('reachable');
    const trusted = [{ keyId: KEY_ID, publicKeyPem: pem(serviceKey.publicKey, 'spki') }];
    const verification = await verifyEvidenceBundle(bundle, { trustedKeys: trusted });
    expect(verification.checks.filter((c) => c.status === 'failed')).toEqual([]);
    await expect(page.locator('[data-command="verify"]').textContent()).resolves.toBe(
      `stella verify ${name} --offline --key signing-key.pub.pem`,
    );
    await page
      .getByRole('status')
      .filter({ hasText: `Saved ${name}` })
      .waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'console-evidence.png'), fullPage: true });
    await expect(unnamedControls(page)).resolves.toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('compares a graph with a base graph: a newly reachable sink, its added path, gated → reachable, and errors', async () => {
    const { context, page, errors } = await session();
    await page.goto(graphUrl(`?cve=${UNCALLED_CVE}`, base, changed));
    await page.locator('[data-verdict="reachable"]').waitFor();
    await page.getByRole('link', { name: 'Compare with a base graph' }).click();
    await page.waitForURL(`${base}/ui/graphs/${changed}/diff?cve=${UNCALLED_CVE}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(
      'Reachability diff',
    );
    await page.getByRole('textbox', { name: 'Base graph' }).fill(digest);
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await page.waitForURL(`${base}/ui/graphs/${changed}/diff/${digest}?cve=${UNCALLED_CVE}`);

    const verdict = page.locator('[data-verdict-head]');
    // Until the new answer arrives the previous one stays on screen: wait for what this one shows.
    await page.locator('[data-verdict-base="not_reachable"][data-verdict-head="reachable"]').waitFor();
    await expect(verdict.getAttribute('data-verdict-base')).resolves.toBe('not_reachable');
    await expect(verdict.getAttribute('data-verdict-head')).resolves.toBe('reachable');
    await expect(verdict.locator('.verdict-before').textContent()).resolves.toBe('Not reachable');
    await expect(verdict.locator('.verdict-after').textContent()).resolves.toBe('Reachable');
    const newly = page.getByRole('list', { name: 'Newly reachable' });
    await expect(
      newly.locator('[data-node-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id'))),
    ).resolves.toEqual([ZIP]);
    await expect(newly.locator('.sink-change').textContent()).resolves.toContain('not reachable → reachable');
    const added = page.getByRole('list', { name: 'Paths added' }).locator(':scope > li');
    await expect(added.count()).resolves.toBe(1);
    await expect(added.locator('.chain-text').textContent()).resolves.toBe(
      'main → app.listen → app.handle → Router.handle → Layer.handle_request → getReport → zipObjectDeep',
    );
    const hops = added.getByRole('list', { name: /^Hops of added path/ }).locator('li[data-hop]');
    await expect(
      hops.locator('[data-edge-type]').evaluateAll((els) => els.map((e) => e.getAttribute('data-edge-type'))),
    ).resolves.toEqual(['DirectCall', 'DirectCall', 'DirectCall', 'DirectCall', 'Reflection', 'DirectCall']);
    await expect(hops.last().locator('.loc').textContent()).resolves.toBe('src/routes/reports.js:30');
    await expect(page.getByRole('region', { name: 'Paths removed' }).textContent()).resolves.toContain(
      'None.',
    );
    await page.screenshot({ path: join(ARTIFACTS, 'console-diff.png'), fullPage: true });
    await expect(unnamedControls(page)).resolves.toEqual([]);

    // lodash.template was reachable only behind a feature flag; now it is called directly.
    await page.getByLabel('Vulnerability id').fill(CVE);
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await page.waitForURL(`${base}/ui/graphs/${changed}/diff/${digest}?cve=${CVE}`);
    await page.locator('[data-verdict-base="gated"][data-verdict-head="reachable"]').waitFor();
    await expect(verdict.getAttribute('data-verdict-base')).resolves.toBe('gated');
    await expect(verdict.getAttribute('data-verdict-head')).resolves.toBe('reachable');
    await expect(
      page
        .getByRole('list', { name: 'No longer reachable only under conditions' })
        .locator('.node-name')
        .allTextContents(),
    ).resolves.toEqual(['template']);
    await expect(
      page.getByRole('list', { name: 'Newly reachable' }).locator('.sink-change').textContent(),
    ).resolves.toContain('only under conditions → reachable');
    // The same diff under the flag being on: the sink was already reachable, nothing is newly reachable.
    await page.getByLabel('Assume', { exact: true }).fill('CUSTOM_REPORTS=enabled');
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await page.waitForURL(/[?&]assume=CUSTOM_REPORTS%3Denabled/);
    await page.locator('[data-verdict-base="reachable"][data-verdict-head="reachable"]').waitFor();
    await expect(verdict.getAttribute('data-verdict-base')).resolves.toBe('reachable');
    await expect(page.getByRole('list', { name: 'Newly reachable' }).count()).resolves.toBe(0);
    await expect(
      page.getByRole('list', { name: 'Still reachable' }).locator('.node-name').allTextContents(),
    ).resolves.toEqual(['template']);

    // The permalink of a diff against a graph that does not exist shows the service's problem.
    await page.goto(`${base}/ui/graphs/${changed}/diff/blake3:${'0'.repeat(64)}?cve=${CVE}`);
    await expect(page.getByRole('alert').locator('.problem-code code').textContent()).resolves.toBe(
      'GRAPH_NOT_FOUND',
    );
    // A malformed base digest is refused by the form.
    await page.getByRole('textbox', { name: 'Base graph' }).fill('sha256:00');
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'base graph’s digest' }).count()).resolves.toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});
