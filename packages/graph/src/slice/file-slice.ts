import { checkAssume } from '../guards/assume.js';
import type { Graph } from '../model/graph.js';
import { NO_STRING } from '../model/graph.js';
import { nodeAdmitted } from './admission.js';
import { checkKeys, checkObserved, checkText } from './check-query.js';
import { sliceFacts } from './derived.js';
import { fileGlob } from './file-glob.js';
import { resolveLimits, resolvePathPage } from './options.js';
import { pathsToTargets } from './paths-to-targets.js';
import { sliceResponse } from './response.js';
import { pathRestriction, selectAnswer } from './select.js';
import type { FileSliceQuery, SliceOptions, SliceResult } from './types.js';

/**
 * File slice (the impact of a changed file): the nodes whose `file` matches the glob, every node and
 * edge on an entrypoint→matched-node path, and up to `pathsPerPair` explained shortest paths per
 * (entrypoint, matched node) pair.
 */
export function fileSlice(g: Graph, query: FileSliceQuery, options?: SliceOptions): SliceResult {
  const q = checkKeys(query, ['file', 'observed', 'assume'], 'file');
  const file = checkText(q['file'], 'file');
  const observed = checkObserved(q['observed']);
  const assume = checkAssume(q['assume']);
  const limits = resolveLimits(options);
  const page = resolvePathPage(options);
  const matches = fileGlob(file);
  const facts = sliceFacts(g, observed, assume);
  const { admission } = facts;

  const verdicts = new Map<number, boolean>();
  const targets: number[] = [];
  for (let i = 0; i < g.nodeCount; i++) {
    if (!nodeAdmitted(admission, i)) continue;
    const f = g.nodes.file[i] as number;
    if (f === NO_STRING) continue;
    let hit = verdicts.get(f);
    if (hit === undefined) {
      hit = matches(g.strings.get(f));
      verdicts.set(f, hit);
    }
    if (hit) targets.push(i);
  }
  const found = pathsToTargets(g, facts, targets, limits);
  const member = found.onPath;
  for (const t of targets) member[t] = 1;

  const echo = {
    type: 'file' as const,
    file,
    ...(observed ? { observed } : {}),
    ...(assume ? { assume } : {}),
  };
  const restriction = page && pathRestriction(g, found, page.offset, page.limit);
  const selection = selectAnswer(g, member, found.fwd.dist, admission, limits.maxNodes, restriction);
  return sliceResponse(
    g,
    echo,
    selection,
    { matched: targets.length, paths: found.paths, pathsCut: found.pathsCut },
    limits,
  );
}
