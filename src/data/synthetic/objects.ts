/**
 * Object drawers of the synthetic street scenes: each paints one object
 * (vehicle, person, rider on a bicycle, bicycle, pole, street lamp, traffic
 * light, traffic sign, tree, hedge, fence, wall, building block) into a
 * {@link SceneCanvas} with its Cityscapes trainId and instance id.
 */
import { hash01, valueNoise } from '../../ops/rng.js';
import type { SeededRandom } from '../../ops/rng.js';
import type { Fragment, SceneCanvas } from './canvas.js';

/** Cityscapes trainIds used by the generator. */
export const T = {
  road: 0,
  sidewalk: 1,
  building: 2,
  wall: 3,
  fence: 4,
  pole: 5,
  trafficLight: 6,
  trafficSign: 7,
  vegetation: 8,
  terrain: 9,
  sky: 10,
  person: 11,
  rider: 12,
  car: 13,
  truck: 14,
  bus: 15,
  train: 16,
  motorcycle: 17,
  bicycle: 18,
} as const;

/** Per-class instance counters: `next(labelId)` → `labelId·1000 + k`, k = 0, 1, … */
export class InstanceCounter {
  private readonly counts = new Map<number, number>();
  next(labelId: number): number {
    const k = this.counts.get(labelId) ?? 0;
    this.counts.set(labelId, k + 1);
    return labelId * 1000 + k;
  }
}

/** Global lighting of a scene. */
export interface Light {
  /** overall brightness */
  sun: number;
  /** shading factor of surfaces facing +x / −x / −z (towards the camera) */
  faceLeft: number;
  faceRight: number;
  faceFront: number;
  /** colour tint multiplied into every surface */
  tint: [number, number, number];
  seed: number;
}

/** Sets the fragment colour (times brightness k and the scene tint) and trainId. */
export function paint(fr: Fragment, light: Light, r: number, g: number, b: number, k: number, t: number): true {
  const s = k * light.sun;
  fr.r = Math.min(1, r * s * light.tint[0]);
  fr.g = Math.min(1, g * s * light.tint[1]);
  fr.b = Math.min(1, b * s * light.tint[2]);
  fr.t = t;
  return true;
}

type RGB = [number, number, number];
const CAR_COLORS: RGB[] = [
  [0.12, 0.12, 0.13], [0.85, 0.85, 0.86], [0.55, 0.56, 0.58], [0.62, 0.1, 0.1], [0.1, 0.18, 0.42],
  [0.92, 0.92, 0.9], [0.3, 0.32, 0.35], [0.75, 0.6, 0.2], [0.2, 0.35, 0.25], [0.45, 0.12, 0.3], [0.05, 0.05, 0.07],
];
const CLOTHES: RGB[] = [
  [0.1, 0.1, 0.12], [0.2, 0.22, 0.4], [0.55, 0.1, 0.1], [0.8, 0.78, 0.7], [0.25, 0.35, 0.2], [0.45, 0.3, 0.2],
  [0.6, 0.6, 0.62], [0.15, 0.25, 0.55], [0.85, 0.5, 0.15], [0.9, 0.9, 0.9], [0.3, 0.15, 0.35],
];
const SKIN: RGB[] = [[0.92, 0.75, 0.62], [0.78, 0.57, 0.42], [0.55, 0.38, 0.26], [0.35, 0.24, 0.17]];

/** Vehicle kinds. */
export type VehicleKind = 'car' | 'van' | 'truck' | 'bus' | 'tram';

/**
 * A vehicle as a box seen by the camera: the face towards the camera (rear
 * for traffic going away, front for oncoming) as a sprite and the visible
 * side as a wall, both carrying the same instance id.
 */
export function drawVehicle(
  cv: SceneCanvas,
  rng: SeededRandom,
  light: Light,
  ids: InstanceCounter,
  x: number,
  z: number,
  kind: VehicleKind,
  oncoming: boolean,
): void {
  const dims = {
    car: [rng.uniform(1.65, 1.9), rng.uniform(1.35, 1.55), rng.uniform(3.9, 4.7)],
    van: [rng.uniform(1.85, 2.05), rng.uniform(1.8, 2.2), rng.uniform(4.6, 5.4)],
    truck: [rng.uniform(2.3, 2.5), rng.uniform(3.0, 3.6), rng.uniform(7, 10)],
    bus: [2.5, rng.uniform(2.9, 3.2), rng.uniform(10, 12)],
    tram: [2.4, rng.uniform(3.3, 3.6), rng.uniform(22, 32)],
  }[kind] as RGB;
  const [w, h, len] = dims;
  const t = kind === 'truck' ? T.truck : kind === 'bus' ? T.bus : kind === 'tram' ? T.train : T.car;
  const labelId = kind === 'truck' ? 27 : kind === 'bus' ? 28 : kind === 'tram' ? 31 : 26;
  const inst = ids.next(labelId);
  const body: RGB = kind === 'tram' ? rng.pick<RGB>([[0.92, 0.92, 0.9], [0.8, 0.15, 0.12], [0.95, 0.8, 0.2]]) : kind === 'bus' ? rng.pick<RGB>([[0.85, 0.75, 0.1], [0.1, 0.3, 0.6], [0.8, 0.8, 0.82], [0.7, 0.1, 0.1]]) : rng.pick(CAR_COLORS);
  const cargo: RGB = [rng.uniform(0.6, 0.95), rng.uniform(0.6, 0.95), rng.uniform(0.6, 0.95)];
  const glass: RGB = [0.12, 0.15, 0.2];
  const boxy = kind !== 'car';
  const cabinFrom = boxy ? 0.35 : 0.58; // fraction of height where the glass starts
  const wheelR = kind === 'car' || kind === 'van' ? 0.32 : 0.5;
  const sd = light.seed + inst;
  // face towards the camera
  cv.sprite(x, z, w, h, 0, (lx, ly, fr) => {
    fr.inst = inst;
    const fx = lx / w;
    const fy = ly / h;
    if (fy < 0.18) {
      // wheels / underbody shadow
      if ((fx > 0.06 && fx < 0.24) || (fx > 0.76 && fx < 0.94)) return paint(fr, light, 0.05, 0.05, 0.05, 1, t);
      if (fy > 0.1) return paint(fr, light, 0.08, 0.08, 0.09, 1, t);
      return false;
    }
    if (!boxy && fy > cabinFrom) {
      const inset = 0.06 + ((fy - cabinFrom) / (1 - cabinFrom)) * 0.16;
      if (fx < inset || fx > 1 - inset) return false;
      if (fy < 0.96 && fx > inset + 0.04 && fx < 1 - inset - 0.04) {
        const refl = 0.06 * valueNoise(lx * 3, ly * 3, sd);
        return paint(fr, light, glass[0] + refl, glass[1] + refl, glass[2] + refl, 1, t);
      }
      return paint(fr, light, body[0], body[1], body[2], light.faceFront, t);
    }
    if (kind === 'truck' && fy > 0.3) return paint(fr, light, cargo[0], cargo[1], cargo[2], light.faceFront, t);
    if (boxy && fy > 0.62 && fy < 0.92 && fx > 0.08 && fx < 0.92 && (oncoming || kind === 'bus' || kind === 'tram')) {
      return paint(fr, light, glass[0], glass[1], glass[2], 1, t);
    }
    // lamps
    if (fy > 0.36 && fy < 0.5 && (fx < 0.14 || fx > 0.86)) {
      if (oncoming) {
        fr.er = 3.0; fr.eg = 2.8; fr.eb = 2.3;
        return paint(fr, light, 0.95, 0.95, 0.9, 1, t);
      }
      fr.er = 2.2; fr.eg = 0.15; fr.eb = 0.1;
      return paint(fr, light, 0.75, 0.05, 0.05, 1, t);
    }
    // number plate and grille / bumper
    if (fy > 0.24 && fy < 0.33 && fx > 0.38 && fx < 0.62) return paint(fr, light, 0.9, 0.9, 0.88, 1, t);
    if (fy < 0.26) return paint(fr, light, 0.1, 0.1, 0.11, 1, t);
    const n = 0.92 + 0.08 * hash01(lx * 20, ly * 20, sd);
    return paint(fr, light, body[0], body[1], body[2], light.faceFront * n, t);
  });
  // visible side (the camera sees the side facing x = 0)
  const sx = x > 0 ? x - w / 2 : x + w / 2;
  if (Math.abs(sx) < 0.3) return;
  const zFar = z + len;
  const face = x > 0 ? light.faceRight : light.faceLeft;
  const shade = (s: number, y: number, fr: Fragment): boolean => {
    fr.inst = inst;
    const fs = s / len;
    const fy = y / h;
    // wheels: discs at 0.18·len and 0.82·len
    for (const c of [len * 0.17, len * 0.83]) {
      const dx = s - c;
      const dy = y - wheelR;
      const r2 = dx * dx + dy * dy;
      if (r2 < wheelR * wheelR) return r2 < wheelR * wheelR * 0.3 ? paint(fr, light, 0.45, 0.45, 0.47, 1, t) : paint(fr, light, 0.04, 0.04, 0.04, 1, t);
    }
    if (fy < 0.17) return false;
    if (!boxy && fy > cabinFrom) {
      const slope = (fy - cabinFrom) / (1 - cabinFrom);
      if (fs < 0.12 + 0.15 * slope || fs > 0.85 - 0.25 * slope) return false;
      if (fy < 0.95 && fs > 0.16 + 0.15 * slope && fs < 0.81 - 0.25 * slope && Math.abs(fs - 0.5) > 0.012) {
        return paint(fr, light, glass[0], glass[1], glass[2], 1, t);
      }
      return paint(fr, light, body[0], body[1], body[2], face, t);
    }
    if (kind === 'truck' && fy > 0.3 && fs > 0.25) return paint(fr, light, cargo[0], cargo[1], cargo[2], face, t);
    if (boxy && fy > 0.6 && fy < 0.9 && (kind === 'bus' || kind === 'tram' || fs < 0.22) && (s % 1.6) > 0.15) return paint(fr, light, glass[0], glass[1], glass[2], 1, t);
    if (fy > 0.22 && fy < 0.24) return paint(fr, light, body[0] * 0.6, body[1] * 0.6, body[2] * 0.6, face, t);
    return paint(fr, light, body[0], body[1], body[2], face, t);
  };
  cv.wall(sx, z, sx, zFar, 0, h, shade);
}

/** A pedestrian (sprite): head, torso with arms, legs in a walking or standing pose. */
export function drawPerson(cv: SceneCanvas, rng: SeededRandom, light: Light, ids: InstanceCounter, x: number, z: number): void {
  const h = rng.uniform(1.5, 1.92);
  const w = h * 0.3;
  const inst = ids.next(24);
  const skin = rng.pick(SKIN);
  const top = rng.pick(CLOTHES);
  const trousers = rng.pick(CLOTHES);
  const hair: RGB = rng.pick<RGB>([[0.08, 0.06, 0.05], [0.3, 0.2, 0.1], [0.6, 0.5, 0.3], [0.5, 0.5, 0.5]]);
  const stride = rng.uniform(0, 0.09) * h;
  const bag = rng.chance(0.3);
  cv.sprite(x, z, w, h, 0, (lx, ly, fr) => drawHuman(fr, light, lx - w / 2, ly, h, stride, skin, top, trousers, hair, bag, inst, T.person));
}

function drawHuman(
  fr: Fragment, light: Light, cx: number, y: number, h: number, stride: number,
  skin: RGB, top: RGB, trousers: RGB, hair: RGB, bag: boolean, inst: number, t: number,
): boolean {
  fr.inst = inst;
  const headR = h * 0.065;
  const headY = h - headR;
  const dy = y - headY;
  if (cx * cx + dy * dy * 0.8 < headR * headR) return dy > headR * 0.35 ? paint(fr, light, hair[0], hair[1], hair[2], 1, t) : paint(fr, light, skin[0], skin[1], skin[2], 1, t);
  if (y > h * 0.86 && y < h * 0.885 && Math.abs(cx) < h * 0.03) return paint(fr, light, skin[0], skin[1], skin[2], 0.9, t);
  const shoulder = h * 0.13;
  if (y > h * 0.5 && y <= h * 0.865) {
    const halfW = shoulder * (y > h * 0.8 ? 1 - (y - h * 0.8) / (h * 0.13) : 0.85 + 0.15 * ((y - h * 0.5) / (h * 0.3)));
    if (Math.abs(cx) < halfW) return paint(fr, light, top[0], top[1], top[2], 1, t);
    // arms
    if (Math.abs(cx) < shoulder + h * 0.045 && Math.abs(cx) > shoulder * 0.8 && y > h * 0.47 + Math.abs(cx) * 0.0) return paint(fr, light, top[0] * 0.85, top[1] * 0.85, top[2] * 0.85, 1, t);
    if (bag && cx > shoulder && cx < shoulder + h * 0.1 && y < h * 0.62) return paint(fr, light, 0.25, 0.15, 0.1, 1, t);
  }
  if (y > h * 0.44 && y <= h * 0.5 && Math.abs(cx) < shoulder + h * 0.045 && Math.abs(cx) > shoulder * 0.8) return paint(fr, light, skin[0], skin[1], skin[2], 1, t);
  if (y <= h * 0.52) {
    const spread = stride * (1 - y / (h * 0.52));
    const legW = h * 0.045;
    const l = Math.abs(cx + h * 0.045 + spread) < legW;
    const r = Math.abs(cx - h * 0.045 - spread) < legW;
    if (l || r) return y < h * 0.03 ? paint(fr, light, 0.08, 0.08, 0.08, 1, t) : paint(fr, light, trousers[0], trousers[1], trousers[2], 1, t);
    if (y > h * 0.45 && Math.abs(cx) < shoulder * 0.85) return paint(fr, light, trousers[0], trousers[1], trousers[2], 1, t);
  }
  return false;
}

/** A bicycle seen from the side (sprite), optionally with a rider (rider label). */
export function drawBicycle(cv: SceneCanvas, rng: SeededRandom, light: Light, ids: InstanceCounter, x: number, z: number, withRider: boolean): void {
  const len = 1.7;
  const r = 0.34;
  const bikeInst = ids.next(33);
  const frame: RGB = rng.pick<RGB>([[0.1, 0.1, 0.1], [0.7, 0.1, 0.1], [0.1, 0.3, 0.6], [0.8, 0.8, 0.8], [0.2, 0.5, 0.3]]);
  const facing = rng.chance(0.5) ? 1 : -1;
  const wheel = (lx: number, ly: number, c: number): number => Math.hypot(lx - c, ly - r);
  const seg = (px: number, py: number, ax: number, ay: number, bx: number, by: number): number => {
    const vx = bx - ax, vy = by - ay;
    const t = Math.max(0, Math.min(1, ((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy)));
    return Math.hypot(px - ax - t * vx, py - ay - t * vy);
  };
  const bike: import('./canvas.js').Shader = (lx0, ly, fr) => {
    const lx = facing > 0 ? lx0 : len - lx0;
    fr.inst = bikeInst;
    const d1 = wheel(lx, ly, r);
    const d2 = wheel(lx, ly, len - r);
    if (Math.abs(d1 - r + 0.02) < 0.035 || Math.abs(d2 - r + 0.02) < 0.035) return paint(fr, light, 0.05, 0.05, 0.05, 1, T.bicycle);
    const th = 0.03;
    const pedal: [number, number] = [len * 0.45, r];
    const seatP: [number, number] = [len * 0.38, 0.95];
    const headP: [number, number] = [len - r - 0.08, 0.98];
    if (
      seg(lx, ly, r, r, pedal[0], pedal[1]) < th ||
      seg(lx, ly, pedal[0], pedal[1], seatP[0], seatP[1]) < th ||
      seg(lx, ly, seatP[0], seatP[1] - 0.1, headP[0], headP[1] - 0.08) < th ||
      seg(lx, ly, pedal[0], pedal[1], headP[0], headP[1] - 0.1) < th ||
      seg(lx, ly, len - r, r, headP[0], headP[1]) < th ||
      seg(lx, ly, r, r, seatP[0], seatP[1] - 0.1) < th
    ) {
      return paint(fr, light, frame[0], frame[1], frame[2], 1, T.bicycle);
    }
    if (Math.abs(ly - 0.97) < 0.03 && Math.abs(lx - seatP[0]) < 0.1) return paint(fr, light, 0.05, 0.05, 0.05, 1, T.bicycle);
    if (Math.abs(ly - 1.02) < 0.025 && Math.abs(lx - headP[0]) < 0.12) return paint(fr, light, 0.1, 0.1, 0.1, 1, T.bicycle);
    return false;
  };
  cv.sprite(x, z, len, 1.1, 0, bike);
  if (withRider) drawRider(cv, rng, light, ids, x, z, len, facing, 1.0, len - r - 0.1, [len * 0.47, 0.3]);
}

function segDist(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const vx = bx - ax, vy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy)));
  return Math.hypot(px - ax - t * vx, py - ay - t * vy);
}

/** A rider (rider label) seated at height `hipY` on a two-wheeler of length `len`, hands at `handX`, foot at `foot`. */
function drawRider(
  cv: SceneCanvas, rng: SeededRandom, light: Light, ids: InstanceCounter, x: number, z: number,
  len: number, facing: number, hipY: number, handX: number, foot: [number, number],
): void {
  const riderInst = ids.next(25);
  const top = rng.pick(CLOTHES);
  const trousers = rng.pick(CLOTHES);
  const skin = rng.pick(SKIN);
  const helmet = rng.chance(0.6);
  const hh = rng.uniform(1.6, 1.85);
  // torso leaning forward from the seat, head above, legs down to the pedal / footrest
  cv.sprite(x, z - 0.05, len, hipY + hh * 0.3 + 0.35, 0, (lx0, ly, fr) => {
    const lx = facing > 0 ? lx0 : len - lx0;
    fr.inst = riderInst;
    const hip: [number, number] = [len * 0.38, hipY];
    const shoulder: [number, number] = [len * 0.55, hipY + hh * 0.3];
    const headC: [number, number] = [len * 0.6, hipY + hh * 0.3 + 0.16];
    const dh = Math.hypot(lx - headC[0], ly - headC[1]);
    if (dh < 0.12) return helmet && ly > headC[1] ? paint(fr, light, 0.9, 0.2, 0.1, 1, T.rider) : paint(fr, light, skin[0], skin[1], skin[2], 1, T.rider);
    if (segDist(lx, ly, hip[0], hip[1], shoulder[0], shoulder[1]) < 0.14) return paint(fr, light, top[0], top[1], top[2], 1, T.rider);
    if (segDist(lx, ly, shoulder[0], shoulder[1], handX, hipY) < 0.045) return paint(fr, light, top[0] * 0.8, top[1] * 0.8, top[2] * 0.8, 1, T.rider);
    const knee: [number, number] = [len * 0.55, hipY - 0.28];
    if (segDist(lx, ly, hip[0], hip[1], knee[0], knee[1]) < 0.07 || segDist(lx, ly, knee[0], knee[1], foot[0], foot[1]) < 0.055) {
      return paint(fr, light, trousers[0], trousers[1], trousers[2], 1, T.rider);
    }
    return false;
  });
}

/** A motorcycle seen from the side (sprite) with its rider (rider label); headlight and tail light emit. */
export function drawMotorcycle(cv: SceneCanvas, rng: SeededRandom, light: Light, ids: InstanceCounter, x: number, z: number): void {
  const len = rng.uniform(1.9, 2.2);
  const r = 0.31;
  const inst = ids.next(32);
  const body: RGB = rng.pick<RGB>([[0.1, 0.1, 0.1], [0.75, 0.1, 0.08], [0.1, 0.2, 0.55], [0.85, 0.85, 0.85], [0.9, 0.6, 0.1]]);
  const facing = rng.chance(0.5) ? 1 : -1;
  cv.sprite(x, z, len, 1.15, 0, (lx0, ly, fr) => {
    const lx = facing > 0 ? lx0 : len - lx0;
    fr.inst = inst;
    for (const c of [r, len - r]) {
      const d = Math.hypot(lx - c, ly - r);
      if (d < r) return d > r * 0.7 ? paint(fr, light, 0.04, 0.04, 0.04, 1, T.motorcycle) : paint(fr, light, 0.55, 0.55, 0.57, 1, T.motorcycle);
    }
    // tank and engine block, seat, fork, lamps
    const ex = (lx - len * 0.5) / (len * 0.3);
    const ey = (ly - 0.62) / 0.24;
    if (ex * ex + ey * ey < 1) return ly < 0.5 ? paint(fr, light, 0.3, 0.3, 0.32, 1, T.motorcycle) : paint(fr, light, body[0], body[1], body[2], 1, T.motorcycle);
    if (ly > 0.78 && ly < 0.88 && lx > len * 0.22 && lx < len * 0.5) return paint(fr, light, 0.06, 0.06, 0.06, 1, T.motorcycle);
    if (segDist(lx, ly, len - r, r, len - r - 0.15, 1.05) < 0.04) return paint(fr, light, 0.5, 0.5, 0.5, 1, T.motorcycle);
    if (Math.hypot(lx - (len - r - 0.05), ly - 0.92) < 0.08) {
      fr.er = 3; fr.eg = 2.8; fr.eb = 2.3;
      return paint(fr, light, 0.95, 0.95, 0.9, 1, T.motorcycle);
    }
    if (Math.hypot(lx - 0.12, ly - 0.75) < 0.06) {
      fr.er = 2; fr.eg = 0.15; fr.eb = 0.1;
      return paint(fr, light, 0.8, 0.05, 0.05, 1, T.motorcycle);
    }
    return false;
  });
  drawRider(cv, rng, light, ids, x, z, len, facing, 0.88, len - r - 0.15, [len * 0.5, 0.35]);
}

/** A plain pole (sprite), optionally with a lamp arm; returns the pole top height. */
export function drawPole(cv: SceneCanvas, light: Light, x: number, z: number, h: number, width: number, armDir = 0, armLen = 0): void {
  const grey = 0.5;
  cv.sprite(x, z, width, h, 0, (_lx, ly, fr) => paint(fr, light, grey, grey, grey * 1.02, ly > h * 0.97 ? 0.8 : 1, T.pole));
  if (armDir !== 0 && armLen > 0) {
    const ax = x + (armDir * armLen) / 2;
    cv.sprite(ax, z, armLen, 0.1, h - 0.3, (_lx, _ly, fr) => paint(fr, light, grey, grey, grey, 0.95, T.pole));
    const hx = x + armDir * (armLen - 0.25);
    cv.sprite(hx, z, 0.6, 0.2, h - 0.45, (_lx, ly, fr) => {
      if (ly < 0.08) {
        fr.er = 4.0; fr.eg = 3.2; fr.eb = 1.8;
        return paint(fr, light, 0.9, 0.88, 0.8, 1, T.pole);
      }
      return paint(fr, light, 0.35, 0.35, 0.36, 1, T.pole);
    });
  }
}

/** A traffic light: pole plus a three-lamp box (traffic light label) with one lamp lit. */
export function drawTrafficLight(cv: SceneCanvas, rng: SeededRandom, light: Light, x: number, z: number, h: number): void {
  drawPole(cv, light, x, z, h, 0.14);
  const bw = 0.32;
  const bh = 0.9;
  const lit = rng.intBetween(0, 2);
  const colors: RGB[] = [[1, 0.15, 0.1], [1, 0.7, 0.1], [0.1, 1, 0.4]];
  cv.sprite(x, z - 0.1, bw, bh, h - bh, (lx, ly, fr) => {
    const k = Math.min(2, Math.max(0, 2 - Math.floor((ly / bh) * 3)));
    const cy = bh - (k + 0.5) * (bh / 3);
    const d = Math.hypot(lx - bw / 2, ly - cy);
    if (d < bw * 0.32) {
      const c = colors[k]!;
      if (k === lit) {
        fr.er = c[0] * 4; fr.eg = c[1] * 4; fr.eb = c[2] * 4;
        return paint(fr, light, c[0], c[1], c[2], 1.2, T.trafficLight);
      }
      return paint(fr, light, c[0] * 0.2, c[1] * 0.2, c[2] * 0.2, 1, T.trafficLight);
    }
    return paint(fr, light, 0.1, 0.1, 0.1, 1, T.trafficLight);
  });
}

/** A traffic sign on a pole: round, triangular or rectangular plate (traffic sign label). */
export function drawTrafficSign(cv: SceneCanvas, rng: SeededRandom, light: Light, x: number, z: number): void {
  const plateY = rng.uniform(2.0, 2.8);
  const s = rng.uniform(0.55, 0.8);
  drawPole(cv, light, x, z, plateY + s * 0.5, 0.08);
  const kind = rng.intBetween(0, 3);
  cv.sprite(x, z - 0.05, s, s, plateY, (lx, ly, fr) => {
    const px = lx / s - 0.5;
    const py = ly / s - 0.5;
    if (kind === 0 || kind === 1) {
      const d = Math.hypot(px, py);
      if (d > 0.5) return false;
      if (kind === 0) return d > 0.38 ? paint(fr, light, 0.8, 0.08, 0.08, 1, T.trafficSign) : paint(fr, light, 0.95, 0.95, 0.95, 1, T.trafficSign);
      return Math.abs(px) < 0.3 && Math.abs(py) < 0.06 ? paint(fr, light, 0.95, 0.95, 0.95, 1, T.trafficSign) : paint(fr, light, 0.1, 0.3, 0.75, 1, T.trafficSign);
    }
    if (kind === 2) {
      // triangle pointing up
      const yy = py + 0.5;
      if (Math.abs(px) > 0.5 * (1 - yy)) return false;
      const inner = Math.abs(px) < 0.5 * (1 - yy) - 0.12 && yy > 0.1;
      return inner ? paint(fr, light, 0.95, 0.95, 0.92, 1, T.trafficSign) : paint(fr, light, 0.8, 0.1, 0.1, 1, T.trafficSign);
    }
    if (Math.abs(py) > 0.35) return false;
    return Math.abs(px) > 0.45 || Math.abs(py) > 0.3 ? paint(fr, light, 0.95, 0.95, 0.95, 1, T.trafficSign) : paint(fr, light, 0.05, 0.3, 0.6, 1, T.trafficSign);
  });
}

/** A tree (sprite): trunk and a noisy canopy of overlapping blobs (vegetation). */
export function drawTree(cv: SceneCanvas, rng: SeededRandom, light: Light, x: number, z: number): void {
  const h = rng.uniform(4, 11);
  const cw = h * rng.uniform(0.45, 0.75);
  const trunkH = h * rng.uniform(0.25, 0.45);
  const blobs: [number, number, number][] = [];
  const nb = rng.intBetween(3, 6);
  for (let i = 0; i < nb; i++) {
    const r = cw * rng.uniform(0.22, 0.35);
    blobs.push([rng.uniform(r, cw - r), rng.uniform(trunkH + r * 0.6, h - r), r]);
  }
  const green: RGB = rng.pick<RGB>([[0.2, 0.36, 0.12], [0.25, 0.4, 0.15], [0.16, 0.3, 0.14], [0.32, 0.4, 0.16], [0.35, 0.33, 0.12]]);
  const sd = rng.intBetween(0, 1 << 30);
  cv.sprite(x, z, cw, h, 0, (lx, ly, fr) => {
    let inside = 0;
    for (const [bx, by, r] of blobs) {
      const d = Math.hypot(lx - bx, ly - by) / r;
      if (d < 1) inside = Math.max(inside, 1 - d);
    }
    const n = valueNoise(lx * 3, ly * 3, sd);
    if (inside > 0 && inside + 0.35 * (n - 0.5) > 0.08) {
      const k = 0.65 + 0.5 * valueNoise(lx * 6, ly * 6, sd + 1) + 0.15 * (ly / h);
      return paint(fr, light, green[0], green[1], green[2], k, T.vegetation);
    }
    if (ly < trunkH + cw * 0.1 && Math.abs(lx - cw / 2) < 0.08 + h * 0.012) return paint(fr, light, 0.25, 0.18, 0.12, 1, T.vegetation);
    return false;
  });
}

/** A hedge / tree line: a wall segment with a noisy top edge (vegetation). */
export function drawHedge(cv: SceneCanvas, light: Light, x0: number, z0: number, x1: number, z1: number, h: number, seed: number): void {
  const green: RGB = [0.2 + 0.1 * hash01(seed, 1, 7), 0.35 + 0.08 * hash01(seed, 2, 7), 0.14];
  cv.wall(x0, z0, x1, z1, 0, h * 1.3, (s, y, fr) => {
    const top = h * (0.8 + 0.4 * valueNoise(s * 0.8, 0, seed));
    if (y > top) return false;
    const k = 0.6 + 0.5 * valueNoise(s * 4, y * 4, seed + 3);
    return paint(fr, light, green[0], green[1], green[2], k, T.vegetation);
  });
}

/** A fence (lattice, transparent gaps) or a solid low wall along a segment. */
export function drawFenceOrWall(cv: SceneCanvas, rng: SeededRandom, light: Light, x0: number, z0: number, x1: number, z1: number, kind: 'fence' | 'wall'): void {
  const h = kind === 'fence' ? rng.uniform(1.0, 2.0) : rng.uniform(0.8, 2.4);
  if (kind === 'fence') {
    const c: RGB = rng.pick<RGB>([[0.35, 0.35, 0.37], [0.45, 0.35, 0.25], [0.6, 0.62, 0.6]]);
    const gap = rng.uniform(0.12, 0.3);
    cv.wall(x0, z0, x1, z1, 0, h, (s, y, fr) => {
      const post = s % 2.5 < 0.08;
      const rail = y > h - 0.08 || Math.abs(y - h * 0.3) < 0.04;
      const bar = s % gap < 0.035;
      if (!(post || rail || bar)) return false;
      return paint(fr, light, c[0], c[1], c[2], 1, T.fence);
    });
  } else {
    const c: RGB = rng.pick<RGB>([[0.6, 0.58, 0.55], [0.5, 0.4, 0.35], [0.7, 0.68, 0.6]]);
    const sd = rng.intBetween(0, 1 << 30);
    cv.wall(x0, z0, x1, z1, 0, h, (s, y, fr) => {
      const k = 0.85 + 0.15 * hash01(s * 10, y * 10, sd) - (y > h - 0.1 ? 0.15 : 0);
      return paint(fr, light, c[0], c[1], c[2], k, T.wall);
    });
  }
}

/** Building façade parameters. */
export interface Facade {
  color: RGB;
  height: number;
  floorH: number;
  winW: number;
  winSpacing: number;
  groundFloorH: number;
  shopFront: boolean;
  litProb: number;
  seed: number;
}

/** A random façade style. */
export function randomFacade(rng: SeededRandom): Facade {
  const color: RGB = rng.pick<RGB>([
    [0.72, 0.66, 0.55], [0.6, 0.35, 0.28], [0.55, 0.55, 0.56], [0.85, 0.82, 0.75], [0.45, 0.42, 0.4],
    [0.78, 0.7, 0.5], [0.5, 0.3, 0.25], [0.65, 0.68, 0.7], [0.82, 0.75, 0.7],
  ]);
  const floorH = rng.uniform(2.9, 3.6);
  return {
    color,
    height: floorH * rng.intBetween(2, 9) + rng.uniform(0.3, 1.5),
    floorH,
    winW: rng.uniform(0.9, 1.6),
    winSpacing: rng.uniform(2.2, 4),
    groundFloorH: rng.uniform(3.2, 4.5),
    shopFront: rng.chance(0.5),
    litProb: rng.uniform(0.1, 0.45),
    seed: rng.intBetween(0, 1 << 30),
  };
}

/** The shader of a façade: wall texture, window grid, ground-floor shop fronts and doors. */
export function facadeShader(light: Light, fc: Facade, k: number) {
  const [cr, cg, cb] = fc.color;
  return (s: number, y: number, fr: Fragment): boolean => {
    if (y > fc.height) return false;
    if (y > fc.height - 0.35) return paint(fr, light, cr * 0.7, cg * 0.7, cb * 0.7, k, T.building);
    const tex = 0.9 + 0.1 * hash01(Math.floor(s * 5), Math.floor(y * 10), fc.seed);
    if (y < fc.groundFloorH) {
      const bay = s % (fc.winSpacing * 2);
      if (fc.shopFront && y > 0.4 && y < fc.groundFloorH - 0.6 && bay > 0.4 && bay < fc.winSpacing * 2 - 0.4) {
        return paint(fr, light, 0.15, 0.17, 0.2, 1 + 0.3 * (y / fc.groundFloorH), T.building);
      }
      if (!fc.shopFront && bay > 0.6 && bay < 1.7 && y < 2.3) return paint(fr, light, 0.3, 0.2, 0.15, 1, T.building);
      return paint(fr, light, cr * 0.85, cg * 0.85, cb * 0.85, k * tex, T.building);
    }
    const fy = (y - fc.groundFloorH) % fc.floorH;
    const col = Math.floor(s / fc.winSpacing);
    const fs = s - col * fc.winSpacing;
    const inWin = fy > fc.floorH * 0.3 && fy < fc.floorH * 0.85 && fs > (fc.winSpacing - fc.winW) / 2 && fs < (fc.winSpacing + fc.winW) / 2;
    if (inWin) {
      const floor = Math.floor((y - fc.groundFloorH) / fc.floorH);
      if (hash01(col, floor, fc.seed + 5) < fc.litProb) {
        fr.er = 1.2; fr.eg = 0.95; fr.eb = 0.55;
      }
      const refl = 0.12 * (fy / fc.floorH) + 0.08 * hash01(col, floor, fc.seed);
      return paint(fr, light, 0.16 + refl, 0.2 + refl, 0.26 + refl, 1, T.building);
    }
    const sill = fy > fc.floorH * 0.26 && fy < fc.floorH * 0.3 && fs > (fc.winSpacing - fc.winW) / 2 - 0.1 && fs < (fc.winSpacing + fc.winW) / 2 + 0.1;
    return paint(fr, light, cr, cg, cb, k * tex * (sill ? 1.15 : 1), T.building);
  };
}
