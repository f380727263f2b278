/** A view of the drawing: screen = world × k + (x, y). */
export interface Viewport {
  x: number;
  y: number;
  k: number;
}

export interface Size {
  width: number;
  height: number;
}

export const MIN_SCALE = 0.1;
export const MAX_SCALE = 4;

const clampScale = (k: number) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, k));

/** The view that shows the whole drawing inside the screen, centred, never enlarged past 1:1. */
export function fitView(drawing: Size, screen: Size, padding = 16): Viewport {
  const w = Math.max(1, drawing.width);
  const h = Math.max(1, drawing.height);
  const k = clampScale(Math.min(1, (screen.width - 2 * padding) / w, (screen.height - 2 * padding) / h));
  return { k, x: (screen.width - w * k) / 2, y: (screen.height - h * k) / 2 };
}

/** Zooms by `factor` keeping the world point under screen point (sx, sy) where it is. */
export function zoomAt(v: Viewport, factor: number, sx: number, sy: number): Viewport {
  const k = clampScale(v.k * factor);
  const wx = (sx - v.x) / v.k;
  const wy = (sy - v.y) / v.k;
  return { k, x: sx - wx * k, y: sy - wy * k };
}

/** Moves the view by (dx, dy) screen pixels. */
export function panBy(v: Viewport, dx: number, dy: number): Viewport {
  return { k: v.k, x: v.x + dx, y: v.y + dy };
}

/** The view at the same scale with world point (wx, wy) at the centre of the screen. */
export function centreOn(v: Viewport, wx: number, wy: number, screen: Size): Viewport {
  return { k: v.k, x: screen.width / 2 - wx * v.k, y: screen.height / 2 - wy * v.k };
}

/** The world point at screen point (sx, sy). */
export function toWorld(v: Viewport, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - v.x) / v.k, y: (sy - v.y) / v.k };
}
