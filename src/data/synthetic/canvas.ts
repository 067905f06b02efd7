/**
 * The software rasteriser behind {@link syntheticStreetScenes}: a pinhole
 * camera over a flat ground plane and three primitives drawn with a z-buffer
 * into typed arrays — the ground (per pixel), vertical walls (per column, exact
 * perspective) and camera-facing sprites (per pixel of their screen box).
 *
 * World frame: x to the right, y up (ground y = 0), z forward; the camera sits
 * at (0, camHeight, 0) looking along +z with focal length `f` pixels, principal
 * point (cx, horizon). Depth stored per pixel is the Euclidean distance to the
 * camera centre in metres (what Koschmieder's law needs).
 */
import { TRAIN_ID_TO_LABEL_ID } from '../cityscapes_labels.js';

/** The fragment a shader fills: colour (linear-ish [0,1]), trainId, instance id, emitted light. */
export interface Fragment {
  r: number;
  g: number;
  b: number;
  /** Cityscapes trainId */
  t: number;
  /** instance id (labelId·1000 + k) or 0 for stuff (the canvas then stores the labelId) */
  inst: number;
  /** emitted radiance (for night synthesis), 0 for most surfaces */
  er: number;
  eg: number;
  eb: number;
}

/** A shader: fills `frag` for local coordinates (metres) and returns false for a transparent texel. */
export type Shader = (x: number, y: number, frag: Fragment) => boolean;

/** Camera intrinsics and pose. */
export interface Camera {
  f: number;
  cx: number;
  horizon: number;
  height: number;
}

/** Distance stored for sky pixels (metres). */
export const SKY_DEPTH = 600;

/** Typed-array frame buffers plus the drawing primitives. */
export class SceneCanvas {
  readonly color: Float32Array;
  readonly labels: Uint8Array;
  readonly instances: Int32Array;
  readonly depth: Float32Array;
  readonly emission: Float32Array;
  /** per-pixel ray length factor sqrt(1 + a² + b²) (distance = z · factor) */
  private readonly rayScale: Float32Array;
  readonly frag: Fragment = { r: 0, g: 0, b: 0, t: 0, inst: 0, er: 0, eg: 0, eb: 0 };

  constructor(
    readonly height: number,
    readonly width: number,
    readonly cam: Camera,
  ) {
    const n = height * width;
    this.color = new Float32Array(n * 3);
    this.labels = new Uint8Array(n).fill(255);
    this.instances = new Int32Array(n);
    this.depth = new Float32Array(n).fill(Infinity);
    this.emission = new Float32Array(n * 3);
    this.rayScale = new Float32Array(n);
    const { f, cx, horizon } = cam;
    for (let v = 0; v < height; v++) {
      const b = (v + 0.5 - horizon) / f;
      for (let u = 0; u < width; u++) {
        const a = (u + 0.5 - cx) / f;
        this.rayScale[v * width + u] = Math.sqrt(1 + a * a + b * b);
      }
    }
  }

  /** Screen column of world (x, z). */
  u(x: number, z: number): number {
    return this.cam.cx + (this.cam.f * x) / z;
  }
  /** Screen row of world (y, z). */
  v(y: number, z: number): number {
    return this.cam.horizon - (this.cam.f * (y - this.cam.height)) / z;
  }

  private resetFrag(): Fragment {
    const fr = this.frag;
    fr.inst = 0;
    fr.er = 0;
    fr.eg = 0;
    fr.eb = 0;
    return fr;
  }

  /** Writes the current fragment at pixel i with planar depth z, if it is nearer than what is there. */
  private write(i: number, z: number): void {
    const d = z * this.rayScale[i]!;
    if (d >= this.depth[i]!) return;
    const fr = this.frag;
    this.depth[i] = d;
    this.color[i * 3] = fr.r;
    this.color[i * 3 + 1] = fr.g;
    this.color[i * 3 + 2] = fr.b;
    this.labels[i] = fr.t;
    this.instances[i] = fr.inst > 0 ? fr.inst : TRAIN_ID_TO_LABEL_ID[fr.t]!;
    this.emission[i * 3] = fr.er;
    this.emission[i * 3 + 1] = fr.eg;
    this.emission[i * 3 + 2] = fr.eb;
  }

  /** Fills the whole frame with a sky shader (called with (u, v) pixel coordinates) at SKY_DEPTH. */
  sky(shader: Shader): void {
    const { width, height } = this;
    for (let v = 0; v < height; v++) {
      for (let u = 0; u < width; u++) {
        const i = v * width + u;
        const fr = this.resetFrag();
        shader(u, v, fr);
        this.depth[i] = Infinity;
        this.write(i, SKY_DEPTH / this.rayScale[i]!);
      }
    }
  }

  /**
   * Shades every pixel below the horizon as ground: the shader gets the world
   * (x, z) of the ground point the pixel sees, nearer than `maxZ`.
   */
  ground(shader: Shader, maxZ = 400): void {
    const { width, height } = this;
    const { f, cx, horizon, height: camH } = this.cam;
    const v0 = Math.max(0, Math.floor(horizon));
    for (let v = v0; v < height; v++) {
      const dv = v + 0.5 - horizon;
      if (dv <= 0) continue;
      const z = (camH * f) / dv;
      if (z > maxZ) continue;
      for (let u = 0; u < width; u++) {
        const x = ((u + 0.5 - cx) * z) / f;
        const fr = this.resetFrag();
        if (shader(x, z, fr)) this.write(v * width + u, z);
      }
    }
  }

  /**
   * Draws a vertical wall standing on the segment (x0,z0)→(x1,z1) between
   * heights y0 and y1 (metres). The shader gets (s, y): metres along the
   * segment from its start (plus `s0`) and the height.
   */
  wall(x0: number, z0: number, x1: number, z1: number, y0: number, y1: number, shader: Shader, s0 = 0): void {
    const near = 0.3;
    // clip the segment to z >= near
    if (z0 < near && z1 < near) return;
    let sOff = 0;
    const len = Math.hypot(x1 - x0, z1 - z0);
    if (z0 < near) {
      const t = (near - z0) / (z1 - z0);
      sOff = t * len;
      x0 += t * (x1 - x0);
      z0 = near;
    } else if (z1 < near) {
      const t = (near - z1) / (z0 - z1);
      x1 += t * (x0 - x1);
      z1 = near;
    }
    const { width, height } = this;
    const { f, cx, horizon, height: camH } = this.cam;
    const ua = this.u(x0, z0);
    const ub = this.u(x1, z1);
    const uMin = Math.max(0, Math.floor(Math.min(ua, ub)));
    const uMax = Math.min(width - 1, Math.ceil(Math.max(ua, ub)));
    const dx = x1 - x0;
    const dz = z1 - z0;
    const segLen = Math.hypot(dx, dz);
    for (let u = uMin; u <= uMax; u++) {
      const a = (u + 0.5 - cx) / f;
      const den = dx - a * dz;
      if (Math.abs(den) < 1e-9) continue;
      const t = (a * z0 - x0) / den;
      if (t < 0 || t > 1) continue;
      const z = z0 + t * dz;
      if (z < near) continue;
      const s = s0 + sOff + t * segLen;
      const vTop = horizon - (f * (y1 - camH)) / z;
      const vBot = horizon - (f * (y0 - camH)) / z;
      const rTop = Math.max(0, Math.ceil(vTop - 0.5));
      const rBot = Math.min(height - 1, Math.floor(vBot - 0.5));
      for (let v = rTop; v <= rBot; v++) {
        const y = camH - ((v + 0.5 - horizon) * z) / f;
        const fr = this.resetFrag();
        if (shader(s, y, fr)) this.write(v * width + u, z);
      }
    }
  }

  /**
   * Draws a camera-facing sprite: a `w × h` metre rectangle centred at x,
   * standing at height y0, at depth z. The shader gets (x, y) in metres from
   * the sprite's bottom-left corner. Sprites narrower than a pixel still
   * cover one column, so thin poles never vanish.
   */
  sprite(x: number, z: number, w: number, h: number, y0: number, shader: Shader): void {
    if (z < 0.5) return;
    const { width, height } = this;
    const { f } = this.cam;
    const uL = this.u(x - w / 2, z);
    const uR = this.u(x + w / 2, z);
    const vT = this.v(y0 + h, z);
    const vB = this.v(y0, z);
    let c0 = Math.round(uL);
    let c1 = Math.round(uR) - 1;
    if (c1 < c0) c1 = c0 = Math.floor((uL + uR) / 2);
    let r0 = Math.round(vT);
    let r1 = Math.round(vB) - 1;
    if (r1 < r0) r1 = r0 = Math.floor((vT + vB) / 2);
    if (c1 < 0 || c0 >= width || r1 < 0 || r0 >= height) return;
    const mpp = z / f; // metres per pixel
    const thin = uR - uL < 1;
    for (let v = Math.max(0, r0); v <= Math.min(height - 1, r1); v++) {
      const ly = y0 + h - (v + 0.5 - vT) * mpp - y0;
      for (let u = Math.max(0, c0); u <= Math.min(width - 1, c1); u++) {
        const lx = thin ? w / 2 : (u + 0.5 - uL) * mpp;
        const fr = this.resetFrag();
        if (shader(lx, ly, fr)) this.write(v * width + u, z);
      }
    }
  }
}
