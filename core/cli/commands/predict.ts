import { EinthovenError } from '../../errors';
import { decodeFiles } from '../../formats/index';
import { loadFilesForDecoding } from '../../formats/load';
import { disposeModel, loadModel } from '../../train/ensemble/package';
import { predictModel } from '../../train/ensemble/score';
import { ensureBackend } from '../../train/setup';
import { parseCommandArgs } from '../args';
import type { CliCommand } from '../command';
import { csvFlagOptions, csvOptionsFromFlags } from './inspect';
import { resolveModel } from './model-path';
import { backendFrom, jsonLine } from './train-flags';

export const predictCommand: CliCommand = {
  name: 'predict',
  summary: 'Predict ECG files with a model package (research use only)',
  usage: `Usage: ecg predict --model M FILE… [--json] [--backend B] [--fs HZ --units … --leads …]

Reads each file (any supported format; a WFDB .hea brings its signal files), checks its signal
quality, and runs the model with its own preprocessing, temperature and per-class thresholds.
The model abstains — no probabilities, no decisions — when core/signal's quality verdict is
'unusable' (too many leads missing or flat, no beats, widespread noise) or the record is shorter
than the model's input window. Research use only: not a medical device.

  --model M     model package (folder, .ecgmodel file or bundled model name)
  --json        one JSON object per record:
                {"file","probabilities":{class:p}|null,"decisions":{class:bool}|null,"abstained",
                 "reason","model":{"id","name","demonstration"},"operatingPoint":{"method",
                 "temperature","thresholds":{class:t}},"quality":{"verdict","reasons",…},"researchUseOnly":true}
                or {"file","error":{"code","message"}} for a file that cannot be read (exit code 1)
  --backend B   tensorflow | wasm | cpu
  --fs, --units, --leads   what a CSV file cannot tell by itself (see ecg inspect --help)`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { model: { type: 'string' }, json: { type: 'boolean' }, backend: { type: 'string' }, ...csvFlagOptions });
    if (!values.model) throw new EinthovenError('E_VALIDATION', '--model M is required');
    if (positionals.length === 0) throw new EinthovenError('E_VALIDATION', 'no FILE given (see ecg predict --help)');
    const backend = backendFrom(values.backend);
    await ensureBackend(backend);
    const loaded = await loadModel(resolveModel(values.model));
    try {
      const outcomes = decodeFiles(loadFilesForDecoding(positionals), { csv: csvOptionsFromFlags(values) });
      if (!values.json && loaded.manifest.demonstration) io.stderr(`note: ${loaded.manifest.name} is a demonstration model (${loaded.manifest.description.split('.')[0]}).`);
      for (const outcome of outcomes) {
        const file = outcome.files[0] ?? '?';
        if (!outcome.ok) {
          io.stdout(values.json ? jsonLine({ file, error: outcome.error }) : `${file}: ${outcome.error.code}: ${outcome.error.message}`);
          continue;
        }
        const prediction = predictModel(loaded, outcome.record);
        const { probabilities, decisions, abstained, reason, ...about } = prediction;
        if (values.json) io.stdout(jsonLine({ file, probabilities, decisions, abstained, reason, ...about }));
        else if (prediction.abstained) io.stdout(`${file}: abstained: ${prediction.reason}`);
        else {
          const parts = Object.entries(prediction.probabilities ?? {}).map(([c, p]) => `${c} ${p.toFixed(2)}${prediction.decisions?.[c] ? '*' : ''}`);
          io.stdout(`${file}: ${parts.join('  ')}   (${prediction.model.id}, ${prediction.operatingPoint.method} thresholds, T ${prediction.operatingPoint.temperature.toFixed(2)}; * = above threshold; research use only)`);
        }
      }
      return outcomes.every((o) => o.ok) ? 0 : 1;
    } finally {
      disposeModel(loaded);
    }
  },
};
