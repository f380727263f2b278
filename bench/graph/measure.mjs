// Timing helpers for the graph benchmark: wall-clock medians over repeated runs, and the process's
// CPU time (less sensitive to other processes on a shared machine than wall time).

/** A full garbage collection when node runs with --expose-gc, so earlier garbage is not timed. */
export function collect() {
  globalThis.gc?.();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs `fn` `reps` times after `warmup` runs; returns {median, min, cpu, value} in milliseconds
 * (`cpu`: median process CPU time, all threads). Garbage left by earlier measurements is collected
 * first; the runs themselves pay for their own garbage, as they would in a service.
 */
export function measure(fn, { reps = 5, warmup = 1 } = {}) {
  let value;
  collect();
  for (let i = 0; i < warmup; i++) value = fn();
  const times = [];
  const cpus = [];
  for (let i = 0; i < reps; i++) {
    value = undefined;
    const c = process.cpuUsage();
    const t = performance.now();
    value = fn();
    times.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpus.push((used.user + used.system) / 1000);
  }
  return { median: median(times), min: Math.min(...times), cpu: median(cpus), value };
}

/** The async twin of {@link measure}. */
export async function measureAsync(fn, { reps = 3, warmup = 1 } = {}) {
  let value;
  collect();
  for (let i = 0; i < warmup; i++) value = await fn();
  const times = [];
  for (let i = 0; i < reps; i++) {
    value = undefined;
    const t = performance.now();
    value = await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0], value };
}

/** `median (min …, cpu …)`: the wall-clock median, its minimum and the median CPU time. */
export function ms(m) {
  if (m === undefined) return '—';
  const f = (v) => (v < 100 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US'));
  const extra = [];
  if (m.min < m.median * 0.9) extra.push(`min ${f(m.min)}`);
  if (m.cpu !== undefined) extra.push(`cpu ${f(m.cpu)}`);
  return extra.length > 0 ? `${f(m.median)} (${extra.join(', ')})` : f(m.median);
}

/** A plain-text table with left-aligned columns. */
export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (r) =>
    r
      .map((c, i) => String(c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
