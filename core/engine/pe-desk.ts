import { computePeScores } from '../clinic/pe-scores/index';
import type { PeItems } from '../clinic/pe-scores/items';
import type { ParsedRequestOf } from '../contract/channels';
import type { StoredPrediction } from '../contract/clinic-schemas';
import type { RecordSummary } from '../contract/schemas';
import { modelOutputSorts, type WorklistSort } from '../contract/worklist-schemas';
import { ecgHeartRate, noEcgHeartRateBecause } from '../contract/ecg-heart-rate';
import type { RecordMeasurements } from '../contract/viewer-schemas';
import type { PeAssessment, PeProbabilities } from '../contract/pe-schemas';
import type { PredictionStore } from '../db/predictions';
import { intendedInputOf, type ModelManifest } from '../train/package/manifest';
import type { ModelDirectory } from '../train/service/models';
import { doubtedDdimerReason, fusedProbabilities, type FusionModel } from '../train/pe/fusion';
import { withheldBecause, type AgeRange } from '../train/pe/intended-age';
import type { AppState } from '../db/app-state';
import type { AuditLog } from '../db/audit';
import type { Db } from '../db/database';
import { PeAssessmentStore, scoresInEntry } from '../db/pe-assessments';
import type { RecordStore } from '../db/records';
import { storedRowDigest } from '../db/row-digests';
import { EinthovenError } from '../errors';

const lastAssessorKey = 'pe.lastAssessor';

/** Only the items that were assessed: `undefined` keys (not assessed) are not stored. */
function assessedItems(items: PeItems): PeItems {
  return Object.fromEntries(Object.entries(items).filter(([, v]) => v !== undefined)) as PeItems;
}

/** A one-output model's prediction: the kind of model the PE panel shows beside the scores. */
function isOneOutput(p: Pick<StoredPrediction, 'classes'>): boolean {
  return p.classes.length === 1 && p.classes[0] !== undefined;
}

/** A one-output prediction with a probability: the kind the PE panel shows beside the scores. */
function isPeProbability(p: StoredPrediction): boolean {
  const cls = p.classes[0];
  return isOneOutput(p) && cls !== undefined && typeof p.probabilities?.[cls] === 'number';
}

type PeModel = { readonly id: string; readonly name: string; readonly weightsSha256: string };
/** What of a worklist request decides whether a PE probability is withheld from a row and from its rank. */
type WorklistRanking = { readonly flagged?: { readonly modelId: string } | undefined; readonly sort?: WorklistSort | undefined };

/** The ECG package's age range among the installed ones, or that of a package on the same weights where it is gone; null where neither is installed. */
function intendedAgesAmong(installed: readonly { readonly manifest: ModelManifest }[], model: PeModel): AgeRange | null {
  const manifest = (installed.find((e) => e.manifest.id === model.id) ?? installed.find((e) => e.manifest.weightsSha256 === model.weightsSha256))?.manifest;
  return manifest ? intendedInputOf(manifest).ageYears : null;
}

/**
 * Where the clinical pre-test scores for PE are entered on a record: computes every score
 * from the items, refuses a form that was opened on an entry that is no longer current (two
 * clinicians never silently overwrite each other), stores the entry and audits it, in one
 * transaction.
 */
export class PeDesk {
  readonly entries: PeAssessmentStore;
  readonly #db: Db;
  readonly #audit: AuditLog;
  readonly #records: RecordStore;
  readonly #state: AppState;
  readonly #predictions: PredictionStore;
  readonly #models: ModelDirectory;
  readonly #measure: (recordId: number) => Promise<RecordMeasurements>;

  /** `measure`: the record's measurements as records:measure gives them (under its current fiducial correction). */
  constructor(deps: { db: Db; audit: AuditLog; records: RecordStore; state: AppState; predictions: PredictionStore; models: ModelDirectory; measure: (recordId: number) => Promise<RecordMeasurements> }) {
    this.entries = new PeAssessmentStore(deps.db);
    this.#db = deps.db;
    this.#audit = deps.audit;
    this.#records = deps.records;
    this.#state = deps.state;
    this.#predictions = deps.predictions;
    this.#models = deps.models;
    this.#measure = deps.measure;
  }

  /**
   * The PE panel of a stored prediction: its ECG probability, and — from the newest installed
   * fusion package built on the same ECG weights (verified on load) and the record's current
   * score entry — the site's score-based pre-test probability and the fused probability.
   */
  async probabilities(recordId: number, predictionId: number): Promise<PeProbabilities> {
    this.#requireRecord(recordId);
    const prediction = this.#predictions.get(predictionId);
    if (prediction?.recordId !== recordId) throw new EinthovenError('E_VALIDATION', `prediction ${predictionId} is not a prediction of record ${recordId}`);
    const cls = prediction.classes[0];
    const probability = cls === undefined ? undefined : prediction.probabilities?.[cls];
    if (!isPeProbability(prediction) || cls === undefined || probability === undefined || probability === null) throw new EinthovenError('E_VALIDATION', `prediction ${predictionId} is not a one-output (PE) prediction with a probability`);
    const op = prediction.operatingPoint;
    const threshold = op.thresholds[cls] ?? 0.5;
    const ecg = { probability, modelId: prediction.model.id, modelName: prediction.model.name, threshold, method: op.method, ...(op.target === undefined ? {} : { target: op.target }), temperature: op.temperature, ...(op.calibrationNote ? { calibrationNote: op.calibrationNote } : {}), decision: probability > threshold };
    const assessment = this.entries.current(recordId) ?? null;
    const none = { recordId, predictionId, ecg, assessmentId: assessment?.id ?? null, fusionModel: null, pretest: null, fused: null };
    const fusion = await this.#fusionFor(prediction.model.weightsSha256);
    const outside = assessment ? await this.#outsideIntendedUse(prediction.model, assessment.items.ageYears) : null;
    if (outside) return { ...none, fusionModel: fusion ? { id: fusion.id, name: fusion.name } : null, fusionUnavailable: outside, notice: fusion?.block.notice ?? null, outsideIntendedUse: outside };
    if (!fusion) return { ...none, fusionUnavailable: `no fusion model is installed for ${prediction.model.name} (ecg pe-fuse builds one)`, notice: null };
    const base = { ...none, fusionModel: { id: fusion.id, name: fusion.name } };
    if (!assessment) return { ...base, fusionUnavailable: 'no PE score items entered for this record', notice: fusion.block.notice };
    // A flagged D-dimer (stored before the entry checks) read by the fusion gives no number, rather than one with no caveat beside it.
    const doubted = doubtedDdimerReason(fusion, assessment.items);
    if (doubted) return { ...base, fusionUnavailable: doubted, notice: fusion.block.notice };
    const outcome = fusedProbabilities(fusion, probability, assessment.items);
    if (!outcome.ok) return { ...base, fusionUnavailable: outcome.reason, notice: fusion.block.notice };
    const result = { ...base, pretest: outcome.pretest, fused: outcome.fused, fusionUnavailable: null, notice: fusion.block.notice };
    this.#audit.append('user', 'pe.fused', `record:${recordId}`, { prediction: predictionId, assessment: assessment.id, model: fusion.id, pretest: outcome.pretest.probability, fused: outcome.fused.probability });
    return result;
  }

  /**
   * A record's stored predictions as every screen shows them: a one-output (PE) prediction with a
   * probability, whose model's age range the current score entry's age lies outside, carries why
   * (`outsideIntendedUse`), the very decision probabilities() takes for the PE panel and the
   * printed page, so the predictions panel does not show the number those withhold.
   */
  async asShown(recordId: number, predictions: readonly StoredPrediction[]): Promise<StoredPrediction[]> {
    const ageYears = this.entries.current(recordId)?.items.ageYears;
    if (ageYears === undefined || !predictions.some(isPeProbability)) return [...predictions];
    // The installed packages read once for the whole history, not once per prediction.
    const installed = (await this.#models.list()).entries;
    return predictions.map((p) => {
      const range = isPeProbability(p) ? intendedAgesAmong(installed, p.model) : null;
      const outside = range ? withheldBecause(p.model, ageYears, range) : null;
      return outside ? { ...p, outsideIntendedUse: outside } : p;
    });
  }

  /**
   * Why the age the score entry gives lies outside the ECG model's intended use, or null. The model
   * checked only the age its file stated when it predicted; a file that states none let a child's
   * ECG through, and its probability, and the fused one, would be
   * shown as if the model were for them. The range is the ECG package's, or, where it is no longer
   * installed, that of a package on the same weights (a fusion package keeps its base's).
   */
  async #outsideIntendedUse(model: PeModel, ageYears: number | undefined): Promise<string | null> {
    if (ageYears === undefined) return null;
    const range = await this.#intendedAges(model);
    return range ? withheldBecause(model, ageYears, range) : null;
  }

  /** The ECG package's age range, or that of a package on the same weights where it is gone; null where neither is installed. */
  async #intendedAges(model: PeModel): Promise<AgeRange | null> {
    return intendedAgesAmong((await this.#models.list()).entries, model);
  }

  /**
   * A worklist page under a "flagged by" filter as every screen shows it: where the filter's model is
   * a one-output (PE) model and a record's current score entry gives an age outside its intended use,
   * the record's flaggedBy carries why (`outsideIntendedUse`, #outsideIntendedUse's words) and no probability (null), so the list
   * does not show the probability the PE panel, the predictions panel and the page withhold; nor, under
   * a sort by that model's output, is the record ranked by it (`read` is given the ages to withhold,
   * RecordStore.list's withheldAges). Read once per page: the model and its package's range once, every
   * listed record's current age in one query.
   */
  async listedAsShown<T extends { readonly items: readonly RecordSummary[] }>(request: WorklistRanking, read: (withheldAges: readonly number[]) => T): Promise<T> {
    const flagged = this.#flaggedPeModel(request.flagged);
    if (!flagged) return read([]);
    const page = read(await this.#withheldAges(request, flagged));
    const ids = page.items.flatMap((r) => (r.flaggedBy ? [r.id] : []));
    const ages = this.entries.currentAges(ids);
    if (ages.size === 0) return page;
    const range = await flagged.range();
    if (!range) return page;
    const items = page.items.map((r) => {
      const age = ages.get(r.id);
      const outside = r.flaggedBy && age !== undefined ? withheldBecause(flagged.model, age, range) : null;
      // The number itself is not sent: what no screen shows, none can show by mistake.
      return outside && r.flaggedBy ? { ...r, flaggedBy: { ...r.flaggedBy, probability: null, outsideIntendedUse: outside } } : r;
    });
    return { ...page, items };
  }

  /** Every id the filter selects in the order listedAsShown lists them (records:ids: batches, the viewer's next and previous). */
  async idsAsListed(request: WorklistRanking, read: (withheldAges: readonly number[]) => number[]): Promise<number[]> {
    const flagged = this.#flaggedPeModel(request.flagged);
    return read(flagged ? await this.#withheldAges(request, flagged) : []);
  }

  /** The filter's model where it is a one-output (PE) model, with its package's age range read at most once (on first asking). */
  #flaggedPeModel(flagged: WorklistRanking['flagged']): { readonly model: PeModel; readonly range: () => Promise<AgeRange | null> } | null {
    const newest = flagged ? this.#predictions.newestOfModel(flagged.modelId) : undefined;
    if (!newest || !isOneOutput(newest)) return null;
    let range: Promise<AgeRange | null> | undefined;
    return { model: newest.model, range: () => (range ??= this.#intendedAges(newest.model)) };
  }

  /**
   * Under a sort by the model's output, the current entries' ages for which its probability is withheld (the same
   * decision, withheldBecause, age by age): those records are not ranked by the number their rows do not show.
   */
  async #withheldAges(request: WorklistRanking, flagged: { readonly model: PeModel; readonly range: () => Promise<AgeRange | null> }): Promise<number[]> {
    if (!modelOutputSorts.includes(request.sort ?? 'imported')) return [];
    const ages = this.entries.distinctCurrentAges();
    const range = ages.length > 0 ? await flagged.range() : null;
    return range ? ages.filter((age) => withheldBecause(flagged.model, age, range) !== null) : [];
  }

  async #fusionFor(weightsSha256: string): Promise<FusionModel | undefined> {
    const candidates = (await this.#models.list()).entries
      .filter((e) => e.manifest.fusion?.baseModel.weightsSha256 === weightsSha256)
      .sort((a, b) => b.manifest.createdAt.localeCompare(a.manifest.createdAt));
    const newest = candidates[0];
    if (!newest) return undefined;
    // Loading verifies the package's hashes: a fused probability never comes from an altered package.
    const loaded = await this.#models.load(newest.manifest.id);
    const block = loaded.manifest.fusion;
    return block ? { id: loaded.manifest.id, name: loaded.manifest.name, block } : undefined;
  }

  preview(items: PeItems) {
    return { scores: computePeScores(assessedItems(items)) };
  }

  list(recordId: number): { items: PeAssessment[]; lastAssessor: string | null } {
    this.#requireRecord(recordId);
    return { items: this.entries.listForRecord(recordId), lastAssessor: this.#state.get(lastAssessorKey) ?? null };
  }

  async assess(request: ParsedRequestOf<'pe:assess'>): Promise<PeAssessment> {
    const items = assessedItems(request.items);
    if (Object.keys(items).length === 0) throw new EinthovenError('E_VALIDATION', 'no item was assessed: enter at least one score item');
    const scores = computePeScores(items);
    if (request.heartRateSource === 'ecg') await this.#requireEcgRate(request.recordId, items.heartRateBpm);
    return this.#db.transaction(() => {
      this.#requireRecord(request.recordId);
      this.#requireCurrent(request.recordId, request.supersedes);
      const heartRateSource = request.heartRateSource ?? null;
      const entry = this.entries.insert({ recordId: request.recordId, items, scores, assessor: request.assessor, note: request.note.trim(), supersedes: request.supersedes ?? null, heartRateSource });
      this.#state.set(lastAssessorKey, entry.assessor);
      this.#audit.append(entry.assessor, entry.supersedes ? 'pe.scores.corrected' : 'pe.scores.entered', `record:${entry.recordId}`, {
        assessment: entry.id,
        items,
        scores: scoresInEntry(scores),
        supersedes: entry.supersedes,
        // In clear, not in the digest: the digest's columns predate it, and old entries must still verify.
        heartRateSource,
        storedSha256: storedRowDigest(this.#db, 'pe_assessments', entry.id),
      });
      return entry;
    })();
  }

  /**
   * A heart rate saved as the ECG's must be the record's measured rate as the form offers it
   * (ecgHeartRate: same measurements, same rounding). The source is the renderer's claim, and the
   * entry, its print-out and its audit line repeat it as 'from the ECG'; a typed rate, or one taken
   * before a fiducial correction changed the rate, is refused rather than stored under that name.
   * The refusal carries its reason ('heart-rate-not-ecg'), by which the PE form knows it (its
   * measurements read again, the clinician told what changed) whatever this message says.
   */
  async #requireEcgRate(recordId: number, heartRateBpm: number | undefined): Promise<void> {
    const measured = await this.#measure(recordId);
    const rate = ecgHeartRate(measured);
    const claim = `heartRateSource 'ecg' says the heart rate ${heartRateBpm ?? '(none)'}/min is the ECG's`;
    const notEcg = { reason: 'heart-rate-not-ecg' } as const;
    if (rate === null) throw new EinthovenError('E_VALIDATION', `${claim}, but record ${recordId} has no measured rate (${noEcgHeartRateBecause(measured)}); send heartRateSource 'entered' for a rate typed by the clinician`, notEcg);
    if (heartRateBpm !== rate) throw new EinthovenError('E_VALIDATION', `${claim}, but record ${recordId}'s measured rate is ${rate}/min; take the ECG's rate as it is now, or send heartRateSource 'entered' for a rate typed by the clinician`, notEcg);
  }

  #requireRecord(recordId: number): void {
    if (!this.#records.exists(recordId)) throw new EinthovenError('E_NOT_FOUND', `record ${recordId} does not exist`);
  }

  #requireCurrent(recordId: number, supersedes: number | undefined): void {
    const current = this.entries.current(recordId);
    if ((current?.id ?? undefined) === supersedes) return;
    if (!current) throw new EinthovenError('E_VALIDATION', `record ${recordId} has no PE score entry to correct (entry ${supersedes} is not its current one)`);
    throw new EinthovenError('E_CONFLICT', `the PE scores of record ${recordId} were entered by ${current.assessor} at ${current.enteredAt} (entry ${current.id}); open that entry before correcting it`);
  }
}
