import type { Prng } from './prng.js';

const LAYERS = 6;
const MODULE_SIZE = 8;
const pad = (v: number, width: number) => String(v).padStart(width, '0');

/**
 * How generated nodes are spread over packages: package 0 is the application (a fifth of the
 * nodes), dependencies get Zipf-like sizes and sit in layers; a package calls only packages in
 * deeper layers, so cross-package calls form a DAG and cycles stay inside packages. Inside a
 * package, functions call helpers later in their module (8 functions), shared utilities (the last
 * tenth), other modules' first functions, and sometimes back up the module (cycles); calls into a
 * dependency pick popular packages and popular API functions far more often.
 */
export interface PackageLayout {
  readonly count: number;
  start(p: number): number;
  size(p: number): number;
  /** The first nodes of a package, which other packages call (its API). */
  apiSize(p: number): number;
  localIndex(i: number): number;
  nodeId(i: number): string;
  purlOf(i: number): string;
  fileOf(i: number): string;
  /** A callee for node `u`. */
  pickTarget(rng: Prng, u: number): number;
}

/** Lays out `n` nodes over `packages` packages. */
export function layoutPackages(rng: Prng, n: number, packages: number): PackageLayout {
  const count = Math.max(2, Math.min(packages, Math.floor(n / 2)));
  const sizes = new Array<number>(count).fill(1);
  sizes[0] = Math.max(1, Math.floor(n * 0.2));
  const spare = n - count + 1 - (sizes[0] as number);
  const weights = Array.from({ length: count - 1 }, (_, k) => 1 / (k + 1) ** 0.8);
  const total = weights.reduce((a, b) => a + b, 0);
  let left = spare;
  for (let k = 1; k < count; k++) {
    const extra = Math.min(left, Math.floor((spare * (weights[k - 1] as number)) / total));
    sizes[k] = (sizes[k] as number) + extra;
    left -= extra;
  }
  sizes[1] = (sizes[1] as number) + left;
  // Shuffle dependency sizes so that large packages are not all in the first layer.
  for (let k = count - 1; k > 1; k--) {
    const j = 1 + rng.int(k);
    [sizes[k], sizes[j]] = [sizes[j] as number, sizes[k] as number];
  }
  const starts = new Uint32Array(count + 1);
  for (let p = 0; p < count; p++) starts[p + 1] = (starts[p] as number) + (sizes[p] as number);
  const pkgOf = new Uint16Array(n);
  for (let p = 0; p < count; p++) pkgOf.fill(p, starts[p], starts[p + 1]);
  const layerStart = (layer: number) => 1 + Math.ceil(((layer - 1) * (count - 1)) / LAYERS);
  const layerOf = (p: number) =>
    p === 0 ? 0 : Math.min(LAYERS, 1 + Math.floor(((p - 1) * LAYERS) / (count - 1)));
  const purls = Array.from({ length: count }, (_, p) =>
    p === 0 ? 'pkg:npm/%40acme/app@1.0.0' : `pkg:npm/dep-${pad(p, 4)}@${1 + (p % 4)}.${p % 10}.${p % 7}`,
  );

  const start = (p: number) => starts[p] as number;
  const size = (p: number) => sizes[p] as number;
  const apiSize = (p: number) => Math.max(1, Math.ceil(size(p) * 0.3));
  const localIndex = (i: number) => i - start(pkgOf[i] as number);
  const fileOf = (i: number) =>
    `${pkgOf[i] === 0 ? 'src' : 'lib'}/m${pad(Math.floor(localIndex(i) / MODULE_SIZE), 5)}.js`;
  return {
    count,
    start,
    size,
    apiSize,
    localIndex,
    nodeId: (i) => `p${pad(pkgOf[i] as number, 4)}:${fileOf(i)}#f${pad(localIndex(i), 7)}`,
    purlOf: (i) => purls[pkgOf[i] as number] as string,
    fileOf,
    pickTarget(rng, u) {
      const p = pkgOf[u] as number;
      const lo = start(p);
      const n = size(p);
      const j = u - lo;
      const r = rng.next();
      if (r < 0.005) return u; // recursion
      const deeper = layerOf(p) < LAYERS ? layerStart(layerOf(p) + 1) : count;
      const external = p === 0 ? 0.45 : 0.3;
      if (r >= 1 - external && deeper < count) {
        // a dependency's API function; popular packages and functions are called far more often
        const q = deeper + Math.floor((count - deeper) * rng.next() ** 2);
        return start(q) + Math.floor(apiSize(q) * rng.next() ** 2.5);
      }
      const moduleStart = j - (j % MODULE_SIZE);
      const moduleEnd = Math.min(n, moduleStart + MODULE_SIZE);
      const utils = Math.max(1, Math.ceil(n * 0.1));
      const s = rng.next();
      if (s < 0.06 && j > moduleStart) return lo + moduleStart + rng.int(j - moduleStart); // back up: a cycle
      if (s < 0.7 && j + 1 < moduleEnd) return lo + j + 1 + rng.int(moduleEnd - j - 1); // a helper in the module
      if (s < 0.9) return lo + n - utils + Math.floor(utils * rng.next() ** 2); // a shared utility
      return lo + ((MODULE_SIZE * rng.int(Math.ceil(n / MODULE_SIZE))) % n); // another module
    },
  };
}
