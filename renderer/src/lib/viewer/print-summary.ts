import type { StoredPrediction } from '../../../../core/contract/clinic-schemas';
import type { Overread } from '../../../../core/contract/overread-schemas';
import type { PeAssessment, PeProbabilities } from '../../../../core/contract/pe-schemas';
import type { Evaluated, SaliencyResult } from '../../../../core/contract/training-schemas';
import type { RecordDetail } from '../../../../core/contract/schemas';
import type { RecordMeasurements } from '../../../../core/contract/viewer-schemas';
import { isNeverFlagged, temperatureText, thresholdRuleShort } from '../../../../core/contract/training-schemas';
import { classOutcome, unvalidatedFlagText, unvalidatedReason, type ClassOutcome } from '../models/locked-test-support';
import { disagreementsWithStatements, disagreementWords } from '../models/statement-agreement';
import { isPulmonaryEmbolismModel, operatingPointLabel, peDecisionText, percent, predictionModelText, probabilityText } from '../models/format';
import { className, type ScpNames } from '../names/classes';
import { peEcgEvidence } from '../pe/pe-evidence';
import { peItemsText, peScoreSummary } from '../pe/pe-items-text';
import { correctionSummary, programAxisDetail, programDetail, programQtcDetail } from './fiducial-edit';
import { cautionTexts, measurementCautions, type MeasurementCautionKind } from './measurement-cautions';
import { qtcFlag, type Sex } from './qtc-limits';
import { dateTimeText } from '../dates';

/**
 * The lines printed under the tracing, so a whole ECG fits one landscape A4 page: the automatic
 * measurements, the AI output on screen and the physician reading, each said in one or two
 * lines, every figure with what produced it.
 */
const ms = (v: number | null) => (v === null ? '—' : `${Math.round(v)}`);
/** A value with its unit, or the dash alone: "PR — ms" reads as a unit without a value. */
const withUnit = (v: number | null, unit: string) => (v === null ? '—' : `${Math.round(v)} ${unit}`);
const deg = (v: number | null) => (v === null ? '—' : `${Math.round(v)}°`);

/**
 * Whether the printed line prints a caution of the measurements panel's, or says it another way.
 * Every kind is decided here, so a caution the panel is given reaches the page unless this says
 * where the page already has it (the page kept a list of its own, and went without the leads').
 */
const printedKinds: Readonly<Record<MeasurementCautionKind, boolean>> = {
  intervalsWithheld: false, // the line is then the withholding alone
  amplitudeImplausible: true,
  amplitudeNormalised: true,
  leadsUnrecognised: true,
  leadsLeftOut: true,
  samplesHeld: true,
  intervalsFromFlaggedLeads: true,
  paced: true,
  pacingUnassessed: true,
  qtcNotInterpretable: false, // beside the QTc figure, "not interpretable: …"
  stNotInterpretable: true,
  // Printed as well as the PR figure's "(beat by beat min–max ms, varies)", as the panel shows both:
  // the figure left out why PR was measured beat by beat (no P wave on the median beat, and why)
  // and over how many beats, which the panel says and the signed page went without.
  prFromBeats: true,
  correctionUnapplied: true,
};

/**
 * The measurements' cautions on paper, in the panel's words, each said once. The engine's ST
 * caution of doubtful or rescaled amplitudes is left out where the amplitudes' own caution is
 * printed: its reason is that caution, and LUDB's page said it twice.
 */
function measurementCautionsPrinted(m: RecordMeasurements): string[] {
  const cautions = measurementCautions(m).filter((c) => printedKinds[c.kind]);
  const scaled = cautions.some((c) => c.kind === 'amplitudeImplausible' || c.kind === 'amplitudeNormalised');
  return cautionTexts(cautions.filter((c) => !(scaled && c.kind === 'stNotInterpretable')));
}

/** The axes the reader's boundaries moved, with the program's: "(corrected; program P 40°, T 61°)". */
function axesProgram(m: RecordMeasurements): string {
  const c = m.correction;
  if (!c?.applied) return '';
  const moved = (['p', 'qrs', 't'] as const).filter((axis) => programAxisDetail(m, axis) !== '').map((axis) => `${axis.toUpperCase()} ${deg(c.program.axisDeg[axis])}`);
  return moved.length === 0 ? '' : ` (corrected; program ${moved.join(', ')})`;
}

export function measurementsLine(measured: RecordMeasurements, qtcFormula: string, sex: Sex): string {
  const m = measured;
  const leadsOnly = m.quality.verdict === 'unusable' && m.quality.leadsMissingOnly === true;
  const reasons = m.quality.reasons.length ? ` (${m.quality.reasons.join('; ')})` : '';
  // Leads absent, not a bad signal: said as such, as on screen.
  const quality = leadsOnly ? `Leads missing: too few for the AI model${reasons}; measured on the leads present` : `Signal quality: ${m.quality.verdict}${reasons}`;
  // Intervals of an unusable tracing are not printed: they would be read as if they meant something.
  if (m.caveats.intervalsWithheld) return `${quality}. Intervals and axes withheld: ${m.caveats.intervalsWithheld}.`;
  // Unusable for lack of leads only, the engine measured on the leads present, as the screen shows.
  if (m.quality.verdict === 'unusable' && !leadsOnly) return `${quality}. Intervals and axes not shown: the signal is not usable for measurement.`;
  const qtc = m.qtc.find((q) => q.formula === qtcFormula) ?? m.qtc[0];
  const qtcName = qtc ? (qtc.text.split(':')[0] ?? qtc.formula) : '';
  const qtcText = !qtc
    ? '—'
    : m.caveats.qtcNotInterpretable
      ? `${ms(qtc.ms)} ms (${qtcName}; not interpretable: ${m.caveats.qtcNotInterpretable})`
      : `${ms(qtc.ms)} ms (${qtcName}${qtc.ms === null ? '' : `; ${qtcFlag(qtc.ms, sex, m.caveats.qtcWideQrs).text}`}${qtc.ms === null || !programQtcDetail(m, qtc.formula) ? '' : `; ${programQtcDetail(m, qtc.formula)}`})`;
  const cautions = measurementCautionsPrinted(m);
  // A corrected interval carries the program's figure: the page says whose boundaries it came from.
  const program = (field: 'prMs' | 'qrsMs' | 'qtMs') => {
    const detail = programDetail(m, field);
    return detail ? ` (${detail})` : '';
  };
  const corrected = correctionSummary(m);
  return [
    `HR ${withUnit(m.heartRateBpm, 'bpm')}`,
    `RR ${withUnit(m.rrMs.mean, 'ms')}`,
    `PR ${withUnit(m.prMs, 'ms')}${program('prMs')}${m.prBeats ? ` (beat by beat ${ms(m.prBeats.minMs)}–${ms(m.prBeats.maxMs)} ms${m.prBeats.varies ? ', varies' : ''})` : ''}`,
    `QRS ${withUnit(m.qrsMs, 'ms')}${program('qrsMs')}`,
    `QT ${withUnit(m.qtMs, 'ms')}${program('qtMs')}`,
    `QTc ${qtcText}`,
    `Axes P/QRS/T ${deg(m.axisDeg.p)} / ${deg(m.axisDeg.qrs)} / ${deg(m.axisDeg.t)}${axesProgram(m)}`,
    quality,
    ...(corrected ? [corrected] : []),
    ...cautions.map((c) => `Caution: ${c}`),
  ].join(' · ');
}

/** The computed statements as printed: the statements, and the cautions their numbers point to. */
export interface ComputedStatementsPrint {
  readonly statements: string;
  readonly cautions: string | null;
}

/**
 * The engine's rule-based statements, when it made any: printed apart from the AI output and the
 * reading, each with the caution the screen shows under it (exclude atrial flutter, a P wave the
 * beats do not confirm, a value within the measurement error of its limit). Signed from paper
 * without it, "First-degree AV block" would say more than the engine does when the engine asks
 * whether that PR is a flutter wave's. A caution several statements share is printed once, under
 * one number; a statement the screen does not offer for adoption carries its reason as one more.
 */
export function computedStatementsPrint(measured: RecordMeasurements): ComputedStatementsPrint | null {
  if (measured.statements.length === 0) return null;
  const cautions: string[] = [];
  const numberOf = (caution: string) => {
    const known = cautions.indexOf(caution);
    return known >= 0 ? known + 1 : cautions.push(caution);
  };
  const marked = measured.statements.map((s) => {
    // A statement the screen does not offer for adoption says why on paper too: signed from the
    // page, "Complete right bundle branch block" on possibly paced complexes read as a finding.
    const notes = [s.qualifier, s.unconfirmable && `not to be confirmed from this record: ${s.unconfirmable}`].filter((n): n is string => Boolean(n));
    return notes.length === 0 ? s.text : `${s.text} ${notes.map((n) => `[${numberOf(n)}]`).join('')}`;
  });
  return {
    statements: `Computed statements (rule-based${measured.correction?.applied ? ', from the reader’s corrected beats and boundaries' : ''}, to be confirmed by a physician): ${marked.join('; ')}.`,
    cautions: cautions.length === 0 ? null : cautions.map((c, i) => `[${i + 1}] ${c}.`).join(' '),
  };
}

/**
 * The record's current PE pre-test scores, as the PE panel shows them beside the ECG probability:
 * on paper too, the clinical scores stand next to a number the ECG alone cannot settle. The items
 * they were computed from follow, so a score can be checked from the page. `ecgRateNow`: the
 * record's measured rate as printed (null: none; undefined: not read), said beside a rate the
 * entry took from the ECG when a correction of the beats has changed it since.
 */
export function peScoresLine(assessment: PeAssessment | null, recordAgeYears: number | null = null, ecgRateNow?: number | null): string | null {
  if (!assessment || assessment.scores.length === 0) return null;
  const items = peItemsText(assessment.items, recordAgeYears, assessment.heartRateSource, ecgRateNow);
  return `PE pre-test scores (entered by ${assessment.assessor}, ${dateTimeText(assessment.enteredAt)}): ${assessment.scores.map((s) => peScoreSummary(s, assessment.items)).join('; ')}.${items ? ` ${items}` : ''}`;
}

type ShownPeProbability = NonNullable<PeProbabilities['pretest']>;

/** One probability as the PE panel's row gives it: the figure, its operating point and what it says there (the model when `named`). */
function pePart(label: string, p: ShownPeProbability, named: boolean): string {
  const model = named ? `${p.modelName}, ` : '';
  const temperature = temperatureText(p, 'T =');
  if (isNeverFlagged(p.threshold)) return `${label} ${probabilityText(p.probability)} (${model}no threshold: no discrimination on validation, ${temperature}): no decision`;
  return `${label} ${probabilityText(p.probability)} (${model}p > ${percent(p.threshold)}, ${thresholdRuleShort(p)}, ${temperature}): ${peDecisionText(p.decision, p.threshold)}`;
}

/**
 * The site's score-based pre-test and fused probabilities the PE panel shows beside the ECG
 * probability, each with the model and operating point that produced it: a page signed from
 * paper would otherwise keep only the ECG-only figure, the weakest of the three. One fusion
 * package gives both, so its name is said once (the line must leave the page one sheet).
 *
 * A fusion package that gave neither says why, as the panel does (no entry, items missing, or the
 * entry's D-dimer not to be relied on): without it a page where the figures were withheld reads
 * like one from a site that has no fusion model. Null where none is installed: the site has no such
 * figure for any record, the screen's remark is advice on building one, and the page's lines are
 * counted (the PE caveat already says the ECG alone settles nothing).
 */
export function peProbabilitiesLine(shown: PeProbabilities | null): string | null {
  if (!shown) return null;
  const { pretest, fused, fusionModel } = shown;
  if (!pretest && !fused) return fusionModel ? `PE probabilities beside the ECG's (${fusionModel.name}, research use only): no score-based pre-test or fused probability: ${shown.fusionUnavailable ?? 'no reason given'}.` : null;
  const oneModel = pretest && fused && pretest.modelName === fused.modelName ? pretest.modelName : null;
  const parts = [pretest ? pePart('score-based pre-test (this site)', pretest, !oneModel) : null, fused ? pePart('fused ECG + score items', fused, !oneModel) : `fused: ${shown.fusionUnavailable ?? 'none'}`];
  return `PE probabilities beside the ECG's (${oneModel ? `${oneModel}, ` : ''}research use only): ${parts.filter((x) => x !== null).join('; ')}.`;
}

/**
 * The AI output on paper: each class with its probability and the threshold it was compared with
 * (a bare "5.5 %" flagged beside "6.6 %" not flagged reads as nonsense), grouped by outcome as the
 * screen's table shows them. `lockedTest`: the model's locked-test figures, when it is installed;
 * a flag its locked test never backed is printed apart (locked-test-support.ts says which).
 * `withheld`: why the PE panel gives this prediction no number (PeProbabilities.outsideIntendedUse).
 */
export function predictionLine(p: StoredPrediction, scp?: ScpNames, lockedTest?: Evaluated | null, withheld?: string): string {
  const source = `AI output, research use only, not a diagnosis — ${predictionModelText(p)}, ${operatingPointLabel(p.operatingPoint)}, ${dateTimeText(p.createdAt)}`;
  // The PE panel found the patient outside the model's intended use (pe-desk.ts): the page prints no number either.
  if (withheld) return `${source}: no probability — ${withheld}.`;
  if (p.abstained || !p.probabilities || !p.decisions) return `${source}: abstained — ${p.reason ?? 'no reason given'}.`;
  const { probabilities, decisions } = p;
  const threshold = (c: string) => p.operatingPoint.thresholds[c];
  const unvalidated = (c: string) => (decisions[c] === true ? unvalidatedReason(lockedTest, c) : null);
  // A class without a threshold decided nothing: listing it as "not flagged" would print a negative finding.
  const outcome = (c: string) => classOutcome(p, c, lockedTest);
  const figure = (c: string) => {
    const why = unvalidated(c);
    const decided = isNeverFlagged(threshold(c)) ? '' : `threshold ${probabilityText(threshold(c))}`;
    const detail = [decided, why].filter((d) => d).join('; ');
    return `${className(c, scp)} ${probabilityText(probabilities[c])}${detail ? ` (${detail})` : ''}`;
  };
  const part = (wanted: ClassOutcome) =>
    p.classes
      .filter((c) => outcome(c) === wanted)
      .map(figure)
      .join(', ');
  const [flagged, doubtful, rest, undecided] = [part('flagged'), part('unvalidated'), part('not'), part('none')];
  const parts = [
    flagged || !doubtful ? `flagged ${flagged || 'nothing'}` : '',
    doubtful ? `${unvalidatedFlagText} ${doubtful}` : '',
    rest ? `not flagged ${rest}` : '',
    undecided ? `no decision (no discrimination on validation) ${undecided}` : '',
  ];
  return `${source}: ${parts.filter((x) => x).join('; ')}.`;
}

/**
 * The paper is the copy that is kept: where the model and the computed statements disagree on a
 * class, a line under the AI output says so, as the screen does (its own line, so the AI line's
 * clamp never cuts a class off). Null when they agree, or for an abstention.
 */
export function predictionDisagreementLine(p: StoredPrediction, statements: readonly { code: string; text: string }[], scp?: ScpNames): string | null {
  if (!p.decisions || !p.probabilities) return null;
  const { probabilities } = p;
  const words = disagreementsWithStatements(p.decisions, statements).map((d) => disagreementWords(d, className(d.className, scp), probabilityText(probabilities[d.className])));
  return words.length === 0 ? null : `The AI output differs from the computed statements: ${words.join('; ')}. Look at the tracing.`;
}

/**
 * The screen's PE caveat (PeCaveat.svelte) in the words a printed line has room for, under a PE
 * model's output: a PE probability signed from paper without it would stand as evidence the ECG
 * alone cannot give. Null for other models.
 */
export function predictionCaveat(p: StoredPrediction): string | null {
  if (!isPulmonaryEmbolismModel(p.classes)) return null;
  const [low, high] = peEcgEvidence.ecgOnly;
  return `Pulmonary embolism: the ECG alone is weak evidence (published ECG-only AUROCs about ${low.auroc}–${high.auroc}, ${peEcgEvidence.withClinicalData.auroc} with clinical data); this probability neither confirms nor excludes PE: follow the pre-test score, D-dimer and CT pulmonary angiography.`;
}

/** Who a printed sheet belongs to: it leaves the app, so every sheet carries the identifiers the file has. */
/** Sex and age as the file states them ("female, 81 y"), or '' where it states neither: the QTc limits and the reader's norms depend on them. */
export function patientDemographics(patient: RecordDetail['patient']): string {
  const sex = patient.sex === 'M' ? 'male' : patient.sex === 'F' ? 'female' : null;
  const age = patient.ageYears !== undefined ? `${patient.ageYears} y` : null;
  return [sex, age].filter((p) => p !== null).join(', ');
}

export function patientIdentifiers(patient: RecordDetail['patient']): string {
  const parts = [patient.name, patient.id ? `ID ${patient.id}` : null, patient.birthDate ? `born ${patient.birthDate}` : null];
  return parts.filter((p) => p).join(' · ') || 'no patient identifiers in the file';
}

const statementsText = (reading: Overread) => reading.statements.map((s) => (s.code ? `${s.text} (${s.code})` : s.text)).join('; ');

/**
 * The current reading as signed. An amendment says so where the line starts, with whose reading of
 * when it supersedes, and ends with the superseded statements: the printed copy is the one filed,
 * and a reading that silently replaced another would read as the only one. `superseded`: the
 * reading it amends (from the record's readings), when it is one.
 */
export function readingLine(reading: Overread | null, superseded?: Overread): string {
  if (!reading) return 'Unconfirmed — no physician has read this ECG yet. Automatic measurements and AI output are unreviewed.';
  const note = reading.note.trim() ? ` Note: ${reading.note.trim()}` : '';
  const when = dateTimeText(reading.confirmedAt);
  if (reading.supersedes === null) return `Physician reading — ${reading.reader}, ${when}: ${statementsText(reading)}.${note}`;
  const earlier = superseded ? `the reading by ${superseded.reader} of ${dateTimeText(superseded.confirmedAt)}` : `reading #${reading.supersedes}`;
  const was = superseded ? ` Superseded reading: ${statementsText(superseded)}.` : '';
  return `Physician reading — ${reading.reader}, amended ${when}; supersedes ${earlier}: ${statementsText(reading)}.${note}${was}`;
}

/** A shown saliency map on paper: the class it explains, its method, and the leads with the largest share. */
export function saliencyLine(saliency: SaliencyResult, scp?: ScpNames, top = 4): string {
  const leads = saliency.leads
    .map((lead, l) => ({ lead, share: saliency.perLead[l] ?? 0 }))
    .sort((a, b) => b.share - a.share)
    .slice(0, top)
    .map((l) => `${l.lead} ${Math.round(l.share * 100)} %`);
  return `Where the model looked for ${className(saliency.className, scp)} (integrated gradients, ${saliency.steps} steps from a flat baseline; an explanation of the model, not of the patient): ${leads.join(', ')} of the attribution.`;
}
