import type { DemoResult } from './demo.js';
import type { StackSettings } from './settings.js';
import type { RunningStack } from './stack.js';

/** Prints where everything is, how to talk to it, and the demo's answer. */
export function printBanner(
  stack: RunningStack,
  settings: StackSettings,
  demo: DemoResult | undefined,
  say: (line: string) => void,
): void {
  const rg = stack.reachgraphUrl;
  say('');
  say('Stella Reach is running (embedded defaults: PostgreSQL, filesystem blobs, in-process cache)');
  say('');
  say(`  Signals      ${stack.signalsUrl}/signals        (health: /healthz /readyz, metrics: /metrics)`);
  say(`  ReachGraph   ${rg}/v1/reachgraphs  (API docs: ${rg}/docs, OpenAPI: ${rg}/openapi.json)`);
  say(`  Web console  ${rg}/ui/`);
  say(`  Data         ${settings.dataDir}  (logs in ${settings.dataDir}/logs)`);
  say('');
  say(
    `Tokens (tenant "${settings.tenant}", valid 7 days; all of them are in ${settings.dataDir}/tokens.env):`,
  );
  say(`  export STELLA_TOKEN=${stack.tokens.operator}`);
  say(`  export STELLA_SIGNALS_URL=${stack.signalsUrl} STELLA_REACHGRAPH_URL=${rg}`);
  if (demo) {
    say('');
    say(`Demo: examples/orders-api — call graph ${demo.callgraphId}, runtime facts ${demo.batchId}`);
    say(`      graph ${demo.graphDigest}`);
    say('');
    say(`Why is ${demo.cve} reachable?`);
    say('');
    for (const line of demo.explanation) say(line ? `  ${line}` : '');
    say('');
    say('Try it yourself:');
    say(
      `  curl -s -H "Authorization: Bearer $STELLA_TOKEN" '${rg}/v1/reachgraphs/${demo.graphDigest}/slice?cve=${demo.cve}'`,
    );
    say(`  node packages/cli/dist/bin.js reachgraph slice ${demo.graphDigest} --cve ${demo.cve}`);
    say(`  open ${rg}/ui/graphs/${demo.graphDigest}?cve=${demo.cve}`);
  }
  say('');
  say('Press Ctrl-C to stop everything.');
}
