/**
 * Lays out one random street scene (camera, road with curvature and lanes,
 * sidewalks, building blocks or open verges, far skyline, street furniture,
 * traffic and pedestrians) and rasterises it into a {@link SceneCanvas}.
 */
import { hash01, valueNoise } from '../../ops/rng.js';
import type { SeededRandom } from '../../ops/rng.js';
import { SceneCanvas } from './canvas.js';
import type { Camera } from './canvas.js';
import {
  InstanceCounter,
  T,
  drawBicycle,
  drawFenceOrWall,
  drawHedge,
  drawMotorcycle,
  drawPerson,
  drawPole,
  drawTrafficLight,
  drawTrafficSign,
  drawTree,
  drawVehicle,
  facadeShader,
  paint,
  randomFacade,
} from './objects.js';
import type { Light, VehicleKind } from './objects.js';

interface SideLayout {
  sign: -1 | 1;
  sidewalk: number;
  setback: number;
  setbackKind: 'terrain' | 'sidewalk';
  kind: 'buildings' | 'open';
  treeline: number;
}

/** Renders one scene of `height × width` pixels from `rng`. */
export function renderStreetScene(rng: SeededRandom, height: number, width: number): SceneCanvas {
  const cam: Camera = {
    f: width * rng.uniform(0.5, 0.78),
    cx: width * (0.5 + rng.uniform(-0.03, 0.03)),
    horizon: height * rng.uniform(0.34, 0.5),
    height: rng.uniform(1.2, 1.75),
  };
  const cv = new SceneCanvas(height, width, cam);
  const sunSide = rng.chance(0.5) ? 1 : -1;
  const light: Light = {
    sun: rng.uniform(0.75, 1.15),
    faceLeft: sunSide > 0 ? 1.05 : 0.72,
    faceRight: sunSide > 0 ? 0.72 : 1.05,
    faceFront: rng.uniform(0.8, 0.95),
    tint: [rng.uniform(0.92, 1.06), rng.uniform(0.95, 1.03), rng.uniform(0.92, 1.08)],
    seed: rng.intBetween(0, 1 << 30),
  };
  const ids = new InstanceCounter();

  // --- road geometry
  const lanes = rng.pick([1, 2, 2, 2, 3, 4, 4]);
  const laneW = rng.uniform(2.9, 3.6);
  const hw = (lanes * laneW) / 2;
  const camLane = lanes === 1 ? 0 : rng.intBetween(Math.floor(lanes / 2), lanes - 1);
  const xOff = -(-hw + (camLane + 0.5) * laneW) + rng.uniform(-0.4, 0.4);
  const curv = Math.pow(rng.uniform(-1, 1), 3) * 0.004;
  const xc = (z: number): number => xOff + curv * z * z;
  const inter = rng.chance(0.35) ? { z0: rng.uniform(16, 60), z1: 0 } : null;
  if (inter) inter.z1 = inter.z0 + rng.uniform(9, 15);
  const inIntersection = (z0: number, z1: number): boolean => inter !== null && z1 > inter.z0 - 0.5 && z0 < inter.z1 + 0.5;
  const crossZ = inter && rng.chance(0.7) ? inter.z0 - 4 : rng.chance(0.5) ? rng.uniform(9, 35) : -100;
  const edgeLines = rng.chance(0.6);
  const asphalt = rng.uniform(0.28, 0.42);
  const mkSide = (sign: -1 | 1): SideLayout => ({
    sign,
    sidewalk: rng.chance(0.9) ? rng.uniform(1.5, 5) : 0.3,
    setback: rng.chance(0.5) ? 0 : rng.uniform(0.5, 6),
    setbackKind: rng.chance(0.5) ? 'terrain' : 'sidewalk',
    kind: rng.chance(0.72) ? 'buildings' : 'open',
    treeline: rng.uniform(4, 40),
  });
  const left = mkSide(-1);
  const right = mkSide(1);
  const sideOf = (d: number): SideLayout => (d < 0 ? left : right);
  const swTone = rng.uniform(0.55, 0.72);
  const swTint: [number, number, number] = rng.pick([[1, 1, 1], [1.05, 0.95, 0.92], [0.97, 0.97, 1.02]]);
  const grass: [number, number, number] = rng.pick([[0.35, 0.48, 0.2], [0.45, 0.5, 0.25], [0.5, 0.45, 0.3], [0.3, 0.42, 0.18]]);
  const sd = light.seed;
  // building shadow on the ground: a band on the side away from the sun (sunny scenes with buildings there)
  const shadowSide = sunSide > 0 ? left : right;
  const shadowEdge = rng.uniform(-hw, hw + 3);
  const shadows = shadowSide.kind === 'buildings' && rng.chance(0.6);

  // --- sky
  const overcast = rng.chance(0.35);
  const skyTop: [number, number, number] = overcast ? [0.62, 0.65, 0.7] : [rng.uniform(0.25, 0.4), rng.uniform(0.45, 0.6), rng.uniform(0.8, 0.95)];
  const skyHor: [number, number, number] = overcast ? [0.82, 0.84, 0.86] : [0.78, 0.84, 0.92];
  const cloudAmt = overcast ? 0.3 : rng.uniform(0, 0.8);
  const hz = Math.max(1, cam.horizon);
  cv.sky((u, v, fr) => {
    const t = Math.min(1, Math.max(0, v / hz));
    let r = skyTop[0] + (skyHor[0] - skyTop[0]) * t;
    let g = skyTop[1] + (skyHor[1] - skyTop[1]) * t;
    let b = skyTop[2] + (skyHor[2] - skyTop[2]) * t;
    if (v > hz + 2) {
      // below the horizon only the far end of the ground plane can show sky: no clouds needed
      fr.r = r;
      fr.g = g;
      fr.b = b;
      fr.t = T.sky;
      return true;
    }
    const c = valueNoise(u / 40, v / 18, sd) * 0.65 + valueNoise(u / 12, v / 6, sd + 1) * 0.35;
    const cl = Math.max(0, c - (1 - cloudAmt * 0.6)) * 2.5 * cloudAmt;
    r += (0.95 - r) * cl;
    g += (0.95 - g) * cl;
    b += (0.96 - b) * cl;
    fr.r = r;
    fr.g = g;
    fr.b = b;
    fr.t = T.sky;
    return true;
  });

  // --- ground
  cv.ground((x, z, fr) => {
    const d = x - xc(z);
    const ad = Math.abs(d);
    const side = sideOf(d);
    const shade = shadows && !overcast && d * shadowSide.sign > shadowEdge ? 0.6 : 1;
    if (inter && z > inter.z0 && z < inter.z1 && ad >= hw) {
      const k = asphalt * (0.85 + 0.3 * valueNoise(x * 0.15, z * 0.4, sd + 2)) * (0.92 + 0.16 * hash01(Math.floor(x * 12), Math.floor(z * 12), sd));
      return paint(fr, light, k, k, k * 1.03, shade, T.road);
    }
    if (ad < hw) {
      let k = asphalt * (0.85 + 0.3 * valueNoise(x * 0.4, z * 0.15, sd + 2)) * (0.92 + 0.16 * hash01(Math.floor(x * 12), Math.floor(z * 12), sd));
      const dl = d + hw;
      let mark = false;
      for (let i = 1; i < lanes; i++) if (Math.abs(dl - i * laneW) < 0.07 && z % 9 < 3.5) mark = true;
      if (edgeLines && Math.abs(ad - (hw - 0.3)) < 0.07) mark = true;
      if (z > crossZ && z < crossZ + 3.5 && ((d + 100) % 1.1) < 0.55) mark = true;
      if (mark) k = 0.8;
      return paint(fr, light, k, k, k * 1.03, shade, T.road);
    }
    if (ad < hw + 0.18) return paint(fr, light, 0.7, 0.7, 0.68, shade, T.sidewalk);
    if (ad < hw + side.sidewalk || (side.setbackKind === 'sidewalk' && ad < hw + side.sidewalk + side.setback + 0.5)) {
      const tile = (Math.abs(d) % 0.9 < 0.03 || z % 0.9 < 0.03) ? 0.85 : 1;
      const k = swTone * tile * (0.9 + 0.12 * hash01(Math.floor(x * 10), Math.floor(z * 10), sd + 4));
      return paint(fr, light, k * swTint[0], k * swTint[1], k * swTint[2], shade, T.sidewalk);
    }
    const k = 0.7 + 0.5 * valueNoise(x * 0.7, z * 0.7, sd + 5) * (0.8 + 0.4 * hash01(Math.floor(x * 8), Math.floor(z * 8), sd + 6));
    return paint(fr, light, grass[0], grass[1], grass[2], k * shade, T.terrain);
  }, 450);

  // --- far skyline across the road's end
  if (rng.chance(0.75)) {
    const zF = rng.uniform(140, 320);
    let x = -zF * 1.5;
    while (x < zF * 1.5) {
      const wseg = rng.uniform(10, 40);
      const veg = rng.chance(0.4);
      const hSeg = veg ? rng.uniform(6, 18) : rng.uniform(8, 45);
      const base: [number, number, number] = [rng.uniform(0.45, 0.7), rng.uniform(0.45, 0.68), rng.uniform(0.45, 0.7)];
      const seedS = rng.intBetween(0, 1 << 30);
      if (veg) drawHedge(cv, light, x, zF, x + wseg, zF, hSeg, seedS);
      else cv.wall(x, zF, x + wseg, zF, 0, hSeg, (s, y, fr) => {
        if (y > hSeg) return false;
        const win = (s % 3 < 1.4 && y % 3.2 > 1.2) ? 0.8 : 1;
        return paint(fr, light, base[0], base[1], base[2], win * 0.95, T.building);
      });
      x += wseg;
    }
  }

  // --- sides: building blocks or open verges with tree lines
  for (const side of [left, right]) {
    const off = hw + side.sidewalk + side.setback;
    const s = side.sign;
    if (side.kind === 'buildings') {
      let z = rng.uniform(-8, 6);
      while (z < 170) {
        if (rng.chance(0.25)) z += rng.uniform(2, 9); // alley
        let len = rng.uniform(8, 32);
        if (inter && inIntersection(z, z + len)) {
          if (z < inter.z0 - 4) len = inter.z0 - 0.5 - z; // stop at the corner
          else {
            z = inter.z1 + 0.5; // resume after the cross street
            continue;
          }
        }
        const fc = randomFacade(rng);
        const face = s < 0 ? light.faceLeft : light.faceRight;
        const shader = facadeShader(light, fc, face);
        let acc = 0;
        for (let z0 = z; z0 < z + len; z0 += 6) {
          const z1 = Math.min(z + len, z0 + 6);
          cv.wall(xc(z0) + s * off, z0, xc(z1) + s * off, z1, 0, fc.height, shader, acc);
          acc += z1 - z0;
        }
        const front = facadeShader(light, fc, light.faceFront);
        cv.wall(xc(z) + s * off, z, xc(z) + s * (off + 14), z, 0, fc.height, front);
        z += len;
      }
      // a back row seen through alleys
      const backOff = off + rng.uniform(14, 25);
      const fb = randomFacade(rng);
      fb.height = Math.max(fb.height, 12);
      for (let z0 = 0; z0 < 170; z0 += 6) if (!inIntersection(z0, z0 + 6)) cv.wall(xc(z0) + s * backOff, z0, xc(z0 + 6) + s * backOff, z0 + 6, 0, fb.height, facadeShader(light, fb, 0.85), z0);
    } else {
      const tl = hw + side.sidewalk + side.treeline;
      if (rng.chance(0.8)) {
        const h = rng.uniform(3, 14);
        const seedH = rng.intBetween(0, 1 << 30);
        for (let z0 = -5; z0 < 250; z0 += 8) if (!inIntersection(z0, z0 + 8)) drawHedge(cv, light, xc(z0) + s * tl, z0, xc(z0 + 8) + s * tl, z0 + 8, h, seedH);
      }
      const nTrees = rng.intBetween(0, 6);
      for (let i = 0; i < nTrees; i++) {
        const z = rng.uniform(6, 80);
        drawTree(cv, rng, light, xc(z) + s * rng.uniform(hw + side.sidewalk + 1, tl), z);
      }
    }
    // fence or wall along the sidewalk's outer edge
    if (rng.chance(0.35)) {
      const z0 = rng.uniform(2, 30);
      const z1 = z0 + rng.uniform(8, 40);
      const kind = rng.chance(0.55) ? 'fence' : 'wall';
      const e = hw + side.sidewalk + 0.05;
      for (let za = z0; za < z1; za += 5) if (!inIntersection(za, za + 5)) drawFenceOrWall(cv, rng, light, xc(za) + s * e, za, xc(za + 5) + s * e, za + 5, kind);
    }
    // street lamps
    if (rng.chance(0.75)) {
      const spacing = rng.uniform(18, 35);
      const h = rng.uniform(6, 9);
      for (let z = rng.uniform(4, 15); z < 130; z += spacing) drawPole(cv, light, xc(z) + s * (hw + 0.45), z, h, 0.2, -s, rng.uniform(1.2, 2.5));
    }
    // plain poles / bollards
    for (let i = rng.intBetween(0, 3); i > 0; i--) {
      const z = rng.uniform(4, 60);
      drawPole(cv, light, xc(z) + s * (hw + rng.uniform(0.3, Math.max(0.4, side.sidewalk - 0.2))), z, rng.uniform(2.5, 4.5), rng.uniform(0.08, 0.16));
    }
    // trees on the sidewalk
    if (side.sidewalk > 2.2 && rng.chance(0.55)) {
      const spacing = rng.uniform(8, 16);
      for (let z = rng.uniform(3, 12); z < 90; z += spacing) drawTree(cv, rng, light, xc(z) + s * (hw + side.sidewalk - 0.9), z);
    }
    // traffic signs
    for (let i = rng.intBetween(0, 3); i > 0; i--) {
      const z = rng.uniform(5, 50);
      drawTrafficSign(cv, rng, light, xc(z) + s * (hw + 0.35), z);
    }
  }
  // traffic lights near the crossing (or somewhere ahead)
  if (rng.chance(0.7)) {
    const z = crossZ > 0 ? crossZ - 0.8 : rng.uniform(12, 45);
    const h = rng.uniform(3.2, 4.5);
    if (rng.chance(0.8)) drawTrafficLight(cv, rng, light, xc(z) + hw + 0.5, z, h);
    if (rng.chance(0.7)) drawTrafficLight(cv, rng, light, xc(z) - hw - 0.5, z, h);
    if (rng.chance(0.3)) drawTrafficLight(cv, rng, light, xc(z + 20) + hw + 0.5, z + 20, h);
  }

  // --- traffic
  const parkedSide = lanes >= 2 && rng.chance(0.45) ? (rng.chance(0.5) ? 1 : -1) : 0;
  for (let i = 0; i < lanes; i++) {
    const dLane = -hw + (i + 0.5) * laneW;
    const oncoming = lanes >= 2 && dLane + xOff - xOff < 0 && i < lanes / 2;
    const parked = (parkedSide < 0 && i === 0) || (parkedSide > 0 && i === lanes - 1);
    let z = i === camLane ? rng.uniform(7, 20) : rng.uniform(3, 15);
    const density = parked ? 0.85 : rng.uniform(0.2, 0.7);
    while (z < 110) {
      let kind: VehicleKind = rng.chance(0.82) ? 'car' : rng.pick<VehicleKind>(['van', 'van', 'van', 'truck', 'truck', 'bus', 'bus', 'tram']);
      if (parked && kind === 'tram') kind = 'van';
      if (rng.chance(density)) {
        const x = xc(z) + dLane + (parked ? Math.sign(dLane) * 0.6 : rng.uniform(-0.3, 0.3));
        drawVehicle(cv, rng, light, ids, x, z, kind, oncoming && !parked);
      }
      z += parked ? rng.uniform(5, 7) : rng.uniform(8, 25) * (kind === 'tram' ? 3 : kind === 'bus' || kind === 'truck' ? 1.6 : 1);
    }
  }
  // riders and bicycles
  for (let i = rng.intBetween(0, 3); i > 0; i--) {
    const z = rng.uniform(5, 40);
    const s = rng.chance(0.5) ? 1 : -1;
    const xr = xc(z) + s * (hw - rng.uniform(0.6, 1.2));
    if (rng.chance(0.25)) drawMotorcycle(cv, rng, light, ids, xr, z);
    else drawBicycle(cv, rng, light, ids, xr, z, true);
  }
  for (let i = rng.intBetween(0, 2); i > 0; i--) {
    const z = rng.uniform(4, 30);
    const side = rng.chance(0.5) ? left : right;
    drawBicycle(cv, rng, light, ids, xc(z) + side.sign * (hw + rng.uniform(0.5, Math.max(0.6, side.sidewalk - 0.5))), z, false);
  }
  // pedestrians on sidewalks and crossing
  for (let i = rng.intBetween(1, 12); i > 0; i--) {
    const z = rng.uniform(3.5, 55);
    const side = rng.chance(0.5) ? left : right;
    drawPerson(cv, rng, light, ids, xc(z) + side.sign * (hw + rng.uniform(0.4, Math.max(0.5, side.sidewalk - 0.3))), z);
  }
  if (crossZ > 0) for (let i = rng.intBetween(0, 4); i > 0; i--) drawPerson(cv, rng, light, ids, xc(crossZ) + rng.uniform(-hw, hw), crossZ + rng.uniform(0.5, 3));
  return cv;
}
