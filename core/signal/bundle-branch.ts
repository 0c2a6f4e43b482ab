import type { LeadQrs } from './morphology';
import { mv, round, type StatementEvidence } from './evidence';

/**
 * The lead-morphology criteria of complete and incomplete bundle branch block, [AHA-III]
 * (Surawicz et al., AHA/ACCF/HRS 2009 Part III, Circulation 119:e235): whether a record's QRS
 * shapes meet them, and the amplitudes a reader checks them by. QRS width is judged by
 * statements.ts.
 */
export interface BundleMorphology {
  readonly met: boolean;
  readonly evidence: StatementEvidence[];
}

/**
 * [AHA-III] RBBB: rsr′, rsR′ or rSR′ in V1 or V2 (a late R′, or a dominant wide R), and an S
 * wave wider than R or over 40 ms in I and V6 (terminal 40 ms negative).
 */
export function rightBundleMorphology(m: ReadonlyMap<string, LeadQrs>): BundleMorphology {
  const anterior = ['V1', 'V2'].map((name) => m.get(name)).filter((l): l is LeadQrs => l !== undefined);
  const lateral = ['I', 'V6', 'V5'].map((name) => m.get(name)).filter((l): l is LeadQrs => l !== undefined);
  if (anterior.length === 0 || lateral.length === 0) return { met: false, evidence: [] };
  // R′: a second positive peak, or an R that dominates the S, ending the QRS positive.
  const rPrime = anterior.some((l) => l.terminalMv > 0.05 && (l.rPeaks >= 2 || l.rMv >= l.sMv));
  // AHA words the S wave by its duration, not its height: a low-voltage record's slurred S counts.
  const terminalS = lateral.filter((l) => l.terminalMv < 0).length >= Math.min(2, lateral.length);
  const v1 = anterior[0] as LeadQrs;
  return {
    met: rPrime && terminalS,
    evidence: [
      { name: 'V1 R / S / terminal 40 ms', value: `${mv(v1.rMv)} / ${mv(v1.sMv)} / ${mv(v1.terminalMv)}`, unit: 'mV' },
      { name: 'I/V6 terminal 40 ms', value: lateral.map((l) => mv(l.terminalMv)).join(' / '), unit: 'mV' },
    ],
  };
}

/**
 * [AHA-III] LBBB: QS or rS in V1 (S dominant), broad R in I, aVL, V5, V6 (R dominant), no q in
 * I, V5, V6, R peak time over 60 ms in V5 and V6. Dominance rather than the terminal 40 ms is
 * used: the discordant ST segment of LBBB blurs the end of the QRS.
 */
export function leftBundleMorphology(m: ReadonlyMap<string, LeadQrs>): BundleMorphology {
  const v1 = m.get('V1') ?? m.get('V2');
  const lateral = ['I', 'V5', 'V6'].map((name) => m.get(name)).filter((l): l is LeadQrs => l !== undefined);
  const late = ['V5', 'V6'].map((name) => m.get(name)?.rPeakTimeMs ?? null).filter((v): v is number => v !== null);
  if (!v1 || lateral.length === 0 || late.length === 0) return { met: false, evidence: [] };
  const anteriorNegative = v1.sMv > 2 * v1.rMv;
  const noQ = lateral.every((l) => !l.q);
  const lateralPositive = lateral.filter((l) => l.rMv > l.sMv).length >= Math.min(2, lateral.length);
  const delayed = Math.max(...late) > 60;
  return {
    met: anteriorNegative && noQ && lateralPositive && delayed,
    evidence: [
      { name: 'V1 R / S', value: `${mv(v1.rMv)} / ${mv(v1.sMv)}`, unit: 'mV' },
      { name: 'q in I, V5, V6', value: noQ ? 'none' : 'present' },
      { name: 'R peak time V5/V6', value: round(Math.max(...late)), unit: 'ms' },
    ],
  };
}
