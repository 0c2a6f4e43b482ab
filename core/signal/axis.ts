/**
 * Frontal-plane electrical axis from the limb leads (hexaxial reference system).
 *
 * Each limb lead measures the projection of the frontal heart vector on its direction, with
 * Goldberger's augmented leads (aVR, aVL, aVF) seeing √3/2 of it: I = E·cos θ, II = E·cos(θ − 60°),
 * aVF = (√3/2)·E·sin θ, … . The vector is the least-squares fit to the net wave areas of
 * whichever limb leads are present, so a missing lead costs precision, not the axis.
 * Angles are degrees, positive towards the feet (clinical convention), in (−180, 180].
 */
const half3 = Math.sqrt(3) / 2;
const limbDirections: Record<string, { angleDeg: number; gain: number }> = {
  I: { angleDeg: 0, gain: 1 },
  II: { angleDeg: 60, gain: 1 },
  III: { angleDeg: 120, gain: 1 },
  aVR: { angleDeg: -150, gain: half3 },
  aVL: { angleDeg: -30, gain: half3 },
  aVF: { angleDeg: 90, gain: half3 },
};

export const limbLeads = Object.keys(limbDirections);

/**
 * Axis in degrees from per-lead net areas (any unit, same for every lead), keyed by lead
 * name. Undefined when fewer than two independent limb leads are available or the vector is
 * too small to have a direction (`minMagnitude`, same unit as the areas).
 */
export function frontalAxis(netArea: ReadonlyMap<string, number>, minMagnitude = 0): number | undefined {
  // Normal equations of the 2-parameter least-squares fit a_k ≈ g_k·(cos φ_k·x + sin φ_k·y).
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let bx = 0;
  let by = 0;
  const angles = new Set<number>();
  for (const [lead, area] of netArea) {
    const dir = limbDirections[lead];
    if (!dir || !Number.isFinite(area)) continue;
    const rad = (dir.angleDeg * Math.PI) / 180;
    const ux = dir.gain * Math.cos(rad);
    const uy = dir.gain * Math.sin(rad);
    sxx += ux * ux;
    sxy += ux * uy;
    syy += uy * uy;
    bx += ux * area;
    by += uy * area;
    angles.add(((dir.angleDeg % 180) + 180) % 180);
  }
  const det = sxx * syy - sxy * sxy;
  if (angles.size < 2 || det <= 1e-12) return undefined;
  const x = (syy * bx - sxy * by) / det;
  const y = (sxx * by - sxy * bx) / det;
  if (!(Math.hypot(x, y) > minMagnitude)) return undefined;
  const deg = (Math.atan2(y, x) * 180) / Math.PI;
  return deg === -180 ? 180 : deg;
}
