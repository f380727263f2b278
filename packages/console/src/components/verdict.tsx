import { assumeText } from '../model/assume.js';
import type { SliceResponse } from '../model/types.js';
import { Assumed } from './hop-chip.js';

const TEXT = {
  reachable: { label: 'Reachable', cls: 'verdict-reachable' },
  gated: { label: 'Reachable only under conditions', cls: 'verdict-gated' },
  not_reachable: { label: 'Not reachable', cls: 'verdict-not-reachable' },
  unknown: { label: 'Unknown', cls: 'verdict-unknown' },
} as const;

/** "if A, or if B and C": the distinct guard sets the listed paths depend on. */
function conditionsOf(slice: SliceResponse): string {
  const sets = new Set(
    (slice.paths ?? []).map((p) => (p.openGuards ?? []).join(' and ')).filter((s) => s !== ''),
  );
  return sets.size > 0 ? [...sets].map((s) => `if ${s}`).join(', or ') : 'under conditions';
}

/** A CVE slice's verdict at a glance, with the numbers behind it. */
export function Verdict({ slice }: { slice: SliceResponse }) {
  const verdict = slice.verdict ?? 'unknown';
  const { label, cls } = TEXT[verdict];
  const reachable = slice.sinks?.reachable.length ?? 0;
  const gated = slice.sinks?.gated?.length ?? 0;
  const total = reachable + gated + (slice.sinks?.unreachable.length ?? 0);
  const paths = slice.counts.paths ?? slice.paths?.length ?? 0;
  const assumed = assumeText(slice.query.assume);
  let why: string;
  if (verdict === 'reachable') {
    why = `${reachable} of ${total} vulnerable ${total === 1 ? 'function is' : 'functions are'} reachable from an entrypoint, through ${paths} ${paths === 1 ? 'path' : 'paths'}.`;
  } else if (verdict === 'gated') {
    why = `${gated} of ${total} vulnerable ${total === 1 ? 'function is' : 'functions are'} reachable only ${conditionsOf(slice)}: every path depends on a condition.`;
  } else if (verdict === 'not_reachable') {
    why = `The graph has ${total} vulnerable ${total === 1 ? 'function' : 'functions'} for this CVE, and no entrypoint reaches ${total === 1 ? 'it' : 'any of them'}.`;
  } else {
    why = 'The graph has no vulnerable function for this CVE, so reachability cannot be told.';
  }
  return (
    <section class={`verdict ${cls}`} aria-labelledby="verdict-heading" data-verdict={verdict}>
      <h2 id="verdict-heading">
        <span class="visually-hidden">Verdict for {slice.query.cve}: </span>
        <span class="verdict-label">{label}</span>
      </h2>
      <p>
        <code>{slice.query.cve}</code> — {why}
      </p>
      <Assumed text={assumed} />
    </section>
  );
}
