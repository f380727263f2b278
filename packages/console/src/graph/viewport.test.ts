import fc from 'fast-check';
import { centreOn, fitView, MAX_SCALE, MIN_SCALE, panBy, toWorld, zoomAt } from './viewport.js';

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-6);
const view = fc.record({
  x: fc.double({ min: -5000, max: 5000, noNaN: true }),
  y: fc.double({ min: -5000, max: 5000, noNaN: true }),
  k: fc.double({ min: MIN_SCALE, max: MAX_SCALE, noNaN: true }),
});
const screen = fc.integer({ min: -2000, max: 2000 });

describe('graph viewport', () => {
  it('fits a drawing inside the screen, centred, never enlarged past 1:1', () => {
    expect(fitView({ width: 200, height: 100 }, { width: 1000, height: 500 })).toEqual({
      k: 1,
      x: 400,
      y: 200,
    });
    const v = fitView({ width: 2000, height: 400 }, { width: 1032, height: 500 });
    expect(v.k).toBeCloseTo(0.5);
    expect(v.x).toBeCloseTo(16);
  });

  it('keeps the world point under the pointer where it is while zooming (property)', () => {
    fc.assert(
      fc.property(view, fc.double({ min: 0.2, max: 5, noNaN: true }), screen, screen, (v, f, sx, sy) => {
        const z = zoomAt(v, f, sx, sy);
        expect(z.k).toBeGreaterThanOrEqual(MIN_SCALE);
        expect(z.k).toBeLessThanOrEqual(MAX_SCALE);
        const before = toWorld(v, sx, sy);
        const after = toWorld(z, sx, sy);
        close(after.x, before.x);
        close(after.y, before.y);
      }),
    );
  });

  it('clamps the scale', () => {
    expect(zoomAt({ x: 0, y: 0, k: 3 }, 10, 0, 0).k).toBe(MAX_SCALE);
    expect(zoomAt({ x: 0, y: 0, k: 0.2 }, 0.01, 0, 0).k).toBe(MIN_SCALE);
  });

  it('centres a world point at the same scale, and pans by screen pixels', () => {
    const c = centreOn({ x: 3, y: 4, k: 2 }, 100, 50, { width: 800, height: 600 });
    expect(c).toEqual({ k: 2, x: 200, y: 200 });
    expect(toWorld(c, 400, 300)).toEqual({ x: 100, y: 50 });
    expect(panBy(c, -10, 5)).toEqual({ k: 2, x: 190, y: 205 });
  });
});
