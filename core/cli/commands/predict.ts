import { isNeverFlagged, operatingPointMethodText, temperatureText } from '../../contract/training-schemas';
import { EinthovenError } from '../../errors';
import { groupFiles } from '../../formats/index';
import { forEachFileResult, type FileResult } from '../../parallel/record-files';
import { resolveWorkers } from '../../parallel/worker-count';
import type { Prediction } from '../../train/predictor';
import { loadEachForDecoding } from '../../formats/load';
import { disposeModel, loadModel } from '../../train/ensemble/package';
import { intendedInputOf } from '../../train/package/manifest';
import { ensureBackend } from '../../train/setup';
import { parseCommandArgs } from '../args';
import type { CliCommand } from '../command';
import { csvFlagOptions, csvOptionsFromFlags } from './inspect';
import { resolveModel } from './model-path';
import { fusionModelOf, fusionPartLines, peItemsFrom, splitFusionPrediction } from './predict-fusion';
import { backendChoices, backendFrom, workersFrom } from './train-flags';
import { jsonLine, textColumn } from '../text-column';

/** A probability in words: never "100.0 %" or "0.0 %" (a model is never certain). */
export function probabilityText(p: number): string {
  if (p > 0.999) return '> 99.9 %';
  if (p < 0.001) return '< 0.1 %';
  return `${(p * 100).toFixed(1)} %`;
}

/**
 * One record's outputs in a line, each class with its threshold ('t 45.5 %'), which --json alone
 * gave. A class without a threshold (no discrimination on validation) is marked as such: printed
 * bare, it would read as below its threshold, a negative finding.
 */
export function predictionText(prediction: Prediction): string {
  const { thresholds } = prediction.operatingPoint;
  const undecided = (c: string) => isNeverFlagged(thresholds[c]);
  const thresholdOf = (c: string) => {
    const t = thresholds[c];
    if (undecided(c)) return ' (no threshold)';
    return t === undefined ? '' : ` (t ${probabilityText(t)})`;
  };
  const parts = Object.entries(prediction.probabilities ?? {}).map(([c, p]) => `${textColumn(c)} ${probabilityText(p)}${prediction.decisions?.[c] ? '*' : ''}${thresholdOf(c)}`);
  const legend = Object.keys(thresholds).some(undecided) ? '; no threshold = no discrimination on validation, never flagged' : '';
  return `${parts.join('  ')}   (${textColumn(prediction.model.id)}, ${operatingPointMethodText(prediction.operatingPoint)}, ${textColumn(temperatureText(prediction.operatingPoint, 'T'))}; t = threshold, * = above it${legend}; research use only)`;
}

/**
 * A text's first sentence, by Unicode's sentence rules (Intl.Segmenter), without its full stop.
 * Cutting at the first '.' would cut numbers ('sensitivity ≥ 0.95' read 'sensitivity ≥ 0').
 */
export function firstSentence(text: string): string {
  const [first] = new Intl.Segmenter('en', { granularity: 'sentence' }).segment(text.trim());
  return (first?.segment ?? '').trim().replace(/\.$/, '');
}

/** The stderr note for a demonstration model: its name and its description's first sentence, if any. */
export function demonstrationNote(manifest: { name: string; description: string }): string {
  const about = firstSentence(manifest.description);
  return `note: ${textColumn(manifest.name)} is a demonstration model${about ? ` (${textColumn(about)})` : ''}.`;
}

export const predictCommand: CliCommand = {
  name: 'predict',
  summary: 'Predict ECG files with a model package (research use only)',
  usage: `Usage: ecg predict --model M FILE… [--json] [--backend B] [--fs HZ --units … --leads …]
       ecg predict --model FUSION FILE --pe-items JSON   (a PE fusion package, ecg pe-fuse)

Reads each file (any supported format; a WFDB .hea brings its signal files), checks its signal
quality, and runs the model with its own preprocessing, temperature and per-class thresholds.
The model abstains — no probabilities, no decisions — when the record is outside the model's
intended input (its manifest's intendedInput: pacemaker spikes, or below 250 Hz, where spikes
cannot be seen, a QRS over 160 ms as a ventricular-paced one has; a patient younger than the model
is for when the file states the age, non-ECG channels, a missing lead, too short, a sampling rate
below the model's), or when core/signal's quality verdict is 'unusable' (too many leads missing
or flat, no beats, widespread noise); "scope" says which. A class whose validation scores showed
no discrimination has threshold 1 and is never flagged ("no threshold" in the text output).
A PE fusion package (ecg pe-fuse) prints its ECG network's part under that network's own id
(its base model's, with the base's threshold and temperature), and the fused probability, at the
fusion's own operating point, only from the patient's clinical score items (--pe-items), as the
app's PE panel does; without them it says that no fused number can be given. Items whose ageYears
lies outside the model's intended ages give no ECG, pre-test or fused probability: the reason is
printed in their place ("outsideIntendedUse" in --json), as the app withholds them.
Research use only: not a medical device.

  --model M     a package folder or .ecgmodel file, a bundled model's folder name (starter,
                starter-cpsc), or an installed model's id or name: bundled, or in the
                default data folder's models/ (as the app lists them; looked for last)
  --json        one JSON object per record:
                {"file","probabilities":{class:p}|null,"decisions":{class:bool}|null,"abstained",
                 "reason","model":{"id","name","demonstration"},"operatingPoint":{"method"[,"target"],
                 "temperature","thresholds":{class:t}},"quality":{"verdict","reasons",…},"scope":{"reasons","notes"},"researchUseOnly":true}
                or {"file","error":{"code","message"}} for a file that cannot be read (exit code 1)
                fusion package: "model" is its base ECG model; "fusion":{"model":{"id","name"},
                 "fused":{"probability","modelId","modelName","threshold","method","temperature","decision"}|null,
                 "pretest":{…}|null,"unavailable","notice"}
  --pe-items J  fusion package, one FILE: the patient's score items as JSON, as the app's PE form
                takes them ({"dvtSigns":bool,"peMostLikely":bool,"heartRateBpm":n,
                "immobilisationOrSurgery4w":bool,"previousVte":bool,"haemoptysis":bool,"activeCancer":bool[,"dDimerNgMlFeu":n]});
                a D-dimer of 20–100 ng/mL FEU, which may be mg/L FEU given as ng/mL (24 for
                24 mg/L FEU), is refused unless "dDimerUnitConfirmed":true says it is in ng/mL
  --backend B   ${backendChoices}
  --workers N   worker threads when there are many files (default: cores − 1); output keeps the files' order
  --fs, --units, --leads   what a CSV file cannot tell by itself (see ecg inspect --help)`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { model: { type: 'string' }, json: { type: 'boolean' }, backend: { type: 'string' }, workers: { type: 'string' }, 'pe-items': { type: 'string' }, ...csvFlagOptions });
    if (!values.model) throw new EinthovenError('E_VALIDATION', '--model M is required');
    if (positionals.length === 0) throw new EinthovenError('E_VALIDATION', 'no FILE given (see ecg predict --help)');
    const items = peItemsFrom(values['pe-items']);
    // One patient's items: given for several files they would be fused with other patients' ECGs.
    if (items && positionals.length > 1) throw new EinthovenError('E_VALIDATION', '--pe-items are one patient\'s score items: give one FILE with them');
    const backend = backendFrom(values.backend);
    const workers = resolveWorkers(workersFrom(values.workers).workers);
    await ensureBackend(backend);
    const model = await resolveModel(values.model);
    const loaded = await loadModel(model);
    const fusion = fusionModelOf(loaded.manifest);
    try {
      if (items && !fusion) throw new EinthovenError('E_VALIDATION', `--pe-items applies to a PE fusion package (ecg pe-fuse); ${loaded.manifest.name} is not one`);
      const { sources, unreadable } = loadEachForDecoding(positionals);
      if (!values.json && loaded.manifest.demonstration) io.stderr(demonstrationNote(loaded.manifest));
      let allRead = true;
      const print = (result: FileResult) => {
        const { file } = result;
        if (!result.ok) {
          allRead = false;
          // Errors on stderr in text mode, so stdout holds only predictions; --json keeps one object a line on stdout.
          if (values.json) io.stdout(jsonLine({ file, error: result.error }));
          else io.stderr(`${textColumn(file)}: ${result.error.code}: ${textColumn(result.error.message)}`);
          return;
        }
        const raw = result.value as Prediction;
        const split = fusion ? splitFusionPrediction(raw, fusion, items, intendedInputOf(loaded.manifest).ageYears) : undefined;
        const prediction = split?.ecg ?? raw;
        const { probabilities, decisions, abstained, reason, ...about } = prediction;
        const withheld = split?.outsideIntendedUse;
        if (values.json) io.stdout(jsonLine({ file, probabilities, decisions, abstained, reason, ...about, ...(withheld ? { outsideIntendedUse: withheld } : {}), ...(split ? { fusion: split.fusion } : {}) }));
        else if (prediction.abstained) io.stdout(`${textColumn(file)}: abstained: ${textColumn(prediction.reason ?? '')}`);
        // As the app's PE panel and ecg list --flagged say it: no number, the reason in its place.
        else if (withheld) io.stdout(`${textColumn(file)}: no probability (${textColumn(withheld)}; ${textColumn(prediction.model.id)}, research use only)`);
        else {
          io.stdout(`${textColumn(file)}: ${split && fusion ? `ECG part (${textColumn(prediction.model.name)}, the network of ${textColumn(fusion.name)}): ` : ''}${predictionText(prediction)}`);
          if (split) fusionPartLines(split.fusion, probabilityText).forEach((line) => io.stdout(line));
          for (const note of prediction.scope.notes) io.stdout(`  note: ${textColumn(note)}`);
        }
      };
      // A path that cannot be read (missing, a folder) is one failed file, not the end of the run.
      for (const { file, error } of unreadable) print({ file, ok: false, error });
      await forEachFileResult(groupFiles(sources), { csv: csvOptionsFromFlags(values) }, { kind: 'predict', model }, workers, print, () => Promise.resolve(loaded));
      return allRead ? 0 : 1;
    } finally {
      disposeModel(loaded);
    }
  },
};
