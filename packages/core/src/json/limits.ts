/**
 * The deepest nesting of arrays and objects canonicalization accepts. A fixed limit makes the
 * outcome depend on the document only: without it, how deep recursion can go depends on the stack
 * in use and on what the JIT has optimized (JSON.stringify itself fails somewhere past ~3,000 levels
 * on Node 20). Real documents nest a handful of levels.
 */
export const MAX_NESTING_DEPTH = 1000;
