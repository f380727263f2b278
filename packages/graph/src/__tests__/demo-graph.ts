import type { ReachGraphNode } from '@stella-ops/core';
import type { Graph } from '../model/graph.js';
import { edge, fn, graph, sha } from './fixtures.js';

const app = 'pkg:npm/%40acme/orders-api@1.4.2';
const observed = (hitCount: number) => ({ hitCount, batches: [sha('a')] });

/**
 * A hand-made service graph in the spirit of examples/orders-api: two entrypoints, a dispatch
 * cycle and a recursive call, every edge type, guards, runtime observations, a sink reachable by
 * two paths, a sink reachable only from the CLI, and an unreachable sink.
 */
export const DEMO_NODES: ReachGraphNode[] = [
  fn('app:main', {
    purl: app,
    symbol: 'main',
    file: 'src/server.js',
    isEntrypoint: true,
    observed: observed(1),
  }),
  fn('app:cli', { purl: app, symbol: 'main', file: 'src/cli.js', isEntrypoint: true }),
  fn('app:parseOptions', { purl: app, symbol: 'parseOptions', file: 'src/cli.js' }),
  fn('app:dumpState', { purl: app, symbol: 'dumpState', file: 'src/debug.js' }),
  fn('app:getReport', {
    purl: app,
    symbol: 'getReport',
    file: 'src/routes/reports.js',
    observed: observed(1231),
  }),
  fn('app:renderTpl', {
    purl: app,
    symbol: 'renderCustomTemplate',
    file: 'src/routes/reports.js',
    observed: observed(212),
  }),
  fn('app:exportPdf', { purl: app, symbol: 'exportPdf', file: 'src/routes/reports.js' }),
  fn('app:loadRenderer', { purl: app, symbol: 'loadRenderer', file: 'src/lib/pdf.js' }),
  fn('app:renderLinux', { purl: app, symbol: 'renderLinux', file: 'src/lib/pdf.js' }),
  fn('express:listen', { purl: 'pkg:npm/express@4.17.1', symbol: 'app.listen' }),
  fn('express:handle', { purl: 'pkg:npm/express@4.17.1', symbol: 'app.handle' }),
  fn('express:route', {
    purl: 'pkg:npm/express@4.17.1',
    symbol: 'Layer.handle_request',
    observed: observed(48210),
  }),
  fn('lodash:template', {
    purl: 'pkg:npm/lodash@4.17.20',
    symbol: 'template',
    isSink: true,
    cves: ['CVE-2021-23337'],
    observed: observed(212),
  }),
  fn('lodash:debounce', { purl: 'pkg:npm/lodash@4.17.20', symbol: 'debounce' }),
  fn('lodash:zipObjectDeep', {
    purl: 'pkg:npm/lodash@4.17.20',
    symbol: 'zipObjectDeep',
    isSink: true,
    cves: ['CVE-2020-8203'],
  }),
  fn('minimist:minimist', { purl: 'pkg:npm/minimist@1.2.5', symbol: 'minimist' }),
  fn('minimist:setKey', {
    purl: 'pkg:npm/minimist@1.2.5',
    symbol: 'setKey',
    isSink: true,
    cves: ['CVE-2021-44906'],
  }),
  fn('native:dlopen', { kind: 'binary', symbol: 'dlopen' }),
];

export const DEMO_EDGES = [
  edge('app:main', 'express:listen', { loc: 'src/server.js:15' }),
  edge('app:main', 'app:dumpState', { type: 'EnvGuard', guard: 'DEBUG=true', loc: 'src/server.js:27' }),
  edge('app:dumpState', 'lodash:debounce'),
  edge('express:listen', 'express:handle'),
  edge('express:handle', 'express:route'),
  edge('express:route', 'express:handle'), // next(): a cycle
  edge('express:route', 'express:route'), // recursion: a self-loop
  edge(
    'express:route',
    'app:getReport',
    { type: 'Reflection', loc: 'layer.js:95', confidence: 0.9 },
    { observed: { hitCount: 1231, batches: [sha('a')] } },
  ),
  edge(
    'app:getReport',
    'app:renderTpl',
    { type: 'FeatureFlag', guard: 'CUSTOM_REPORTS=enabled' },
    { observed: { hitCount: 212, batches: [sha('a')] } },
  ),
  edge('app:getReport', 'app:exportPdf', { type: 'FeatureFlag', guard: 'PDF_EXPORT=enabled' }),
  edge('app:renderTpl', 'lodash:template', {}, { observed: { hitCount: 212, batches: [sha('a')] } }),
  edge('app:exportPdf', 'app:loadRenderer'),
  edge('app:loadRenderer', 'app:renderLinux', { type: 'PlatformArch', guard: 'os=linux' }),
  edge('app:loadRenderer', 'native:dlopen', { type: 'LoaderRule', guard: 'RTLD_LAZY' }),
  edge('app:renderLinux', 'lodash:template', { type: 'DynamicLoad', confidence: 0.5 }),
  edge('app:cli', 'app:parseOptions'),
  edge('app:parseOptions', 'minimist:minimist', { type: 'Import', loc: 'src/cli.js:1' }),
  edge('minimist:minimist', 'minimist:setKey'),
];

/** The demo graph. */
export function demoGraph(): Graph {
  return graph(DEMO_NODES, DEMO_EDGES);
}
