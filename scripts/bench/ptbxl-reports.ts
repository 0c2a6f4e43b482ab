/**
 * A second reference for the interpretive statements: PTB-XL's `report` column, the original
 * report text (the reading cardiologist's words or the cart's printed interpretation, in German,
 * Swedish or English) from which PTB-XL's labels were derived and then reviewed (Wagner et al.,
 * Sci Data 2020). Labels and reports disagree on some records (00287: labelled CLBBB, report
 * "right bundle branch block"; 00181: report "förmaksflimmer", no AFIB label); scoring against
 * both, on every record with a reading, shows how much of a shortfall against the labels is the
 * reference's own noise. It is symmetric (every record is read by the same phrase rules, not only
 * those where we disagree with the labels), and it is not the measure, which stays the
 * labels.
 *
 * Left axis deviation is scored here too because its label, the `heart_axis` column, means
 * different things by the report's language: German records follow the Lagetyp categories
 * ("Linkstyp" → LAD, an axis of +30° to −30°, which is not deviation; "überdrehter Linkstyp" →
 * ALAD, beyond −30°), while English ones put "left axis deviation" (beyond −30°) under LAD as
 * well (00266, 00285, 00331, 00350: left anterior fascicular block, whose axis lies beyond −45°),
 * and Swedish ones have none. Scored against ALAD alone, every English deviation counts against us.
 */
import { rateWithCi } from './rates';

/**
 * The statements scored against the reports: the five the issue sets a goal for, left axis
 * deviation (above), left anterior fascicular block ("LAHB" and "hemiblock" in German and
 * Swedish), and the sinus rate and rhythm statements, premature beats, low voltage and
 * long or short QT, which PTB-XL's labels often leave out where the report states them (00186
 * "sinusbradykardi", 00465 "sinustachykardi", 00118 "supraventrikuläre Extrasystole(n)", 00485
 * "ventrikuläre Extrasystole(n)", 00044 "periphere Niederspannung", 00369 "QT-Verlängerung").
 */
export const reportScoredCodes = ['AFIB', '1AVB', 'CLBBB', 'CRBBB', 'LAFB', 'PACE', 'LAD', 'SBRAD', 'STACH', 'SARRH', 'PAC', 'PVC', 'LVOLT', 'LNGQT', 'SQT'] as const;
export type ReportScoredCode = (typeof reportScoredCodes)[number];

/**
 * Phrases that state each finding, in the reports' three languages. PTB-XL writes umlauts in
 * upper case inside lower-case words ("fÖrmaksflimmer"), so matching ignores case. "Incomplete"
 * bundle branch blocks ("unvollständiger", "inkomplett") are not complete ones; a
 * cardioversion "of" AF is the history, not the rhythm on the tracing (00026). Left axis
 * deviation is "left axis deviation", "überdrehter Linkstyp" (not "Linkstyp") and "extrem vänster
 * el-axel" (not "vänster el-axel", read by analogy with the German pair: PTB-XL gives the
 * Swedish records no `heart_axis` to check it by). Every low-voltage report in the pool is about
 * the limb leads ("periphere Niederspannung", "låga QRS-amplituder i extremitetsavledningarna",
 * "low limb lead voltage"); high voltage ("voltages are high in chest leads") is not low.
 */
const phrases: Readonly<Record<ReportScoredCode, readonly RegExp[]>> = {
  AFIB: [/(?<!(?:cardio|kardio)version (?:von|of) )(?:atrial (?:fibrillation|flutter)|vorhof(?:flimmern|flattern)|f[öo]rmaks(?:flimmer|fladder))/iu],
  '1AVB': [/a-?v[- ]?block (?:i|1)(?![iv\d])/iu, /(?:first|1st)[- ]degree (?:av|a-v|atrioventricular)/iu, /prolonged pr interval/iu, /pq[- ]?(?:zeit |intervall )?verl[äa]nger/iu, /pq[- ]?(?:tid |intervall )?f[öo]rl[äa]ngd/iu],
  CLBBB: [/(?<!incomplete )left bundle branch block/iu, /(?<!unvollst[äa]ndiger |inkompletter )linksschenkelblock/iu, /(?<!inkomplett )v[äa]nstersidigt sk[äa]nkelblock/iu],
  CRBBB: [/(?<!incomplete )right bundle branch block/iu, /(?<!unvollst[äa]ndiger |inkompletter )rechtsschenkelblock/iu, /(?<!inkomplett )h[öo]gersidigt sk[äa]nkelblock/iu],
  LAFB: [/left anterior (?:fascicular block|hemiblock)/iu, /links-?anteriorer hemiblock|\blahb\b/iu, /v[äa]nster (?:fr[äa]mre|anteriort?) hemiblock/iu],
  PACE: [/pacemaker|schrittmacher|paced rhythm/iu],
  LAD: [/left axis deviation/iu, /(?:ü|ue)berdrehter linkstyp/iu, /extrem v[äa]nster el-?axel/iu],
  SBRAD: [/sinus ?brad[yi]kardi|sinus bradycardia/iu],
  STACH: [/sinus ?ta(?:ch|k)[yi]kardi|sinus tachycardia/iu],
  SARRH: [/sinus ?arrhythmi|sinus ?arytmi/iu],
  PAC: [/premature atrial contraction/iu, /supraventrikul\S* extra(?:systol|slag)/iu],
  PVC: [/premature ventricular contraction/iu, /(?<!supra)ventrikul\S* extra(?:systol|slag)/iu],
  LVOLT: [/niederspannung|niedervoltage/iu, /low (?:limb lead |chest lead |qrs )?voltage/iu, /l[åa]ga qrs[- ]?amplituder/iu],
  LNGQT: [/qt[- ]?verl[äa]ngerung/iu, /prolonged qt|qt prolongation|long qt/iu, /qt[- ]?(?:tid )?f[öo]rl[äa]ngd/iu],
  SQT: [/qt[- ]?verk[üu]rzung|kurze[sr]? qt/iu, /short(?:ened)? qt/iu, /qt[- ]?(?:tid )?f[öo]rkortad/iu],
};

/** Which labels count as the same finding (as the statements table scores them: left axis deviation by `heart_axis` ALAD). */
const hasLabel = (...codes: string[]) => (r: ReportScoredRecord) => codes.some((c) => r.codes.has(c));
const labelled: Readonly<Record<ReportScoredCode, (r: ReportScoredRecord) => boolean>> = {
  AFIB: hasLabel('AFIB', 'AFLT'),
  '1AVB': hasLabel('1AVB', 'LPR'),
  CLBBB: hasLabel('CLBBB'),
  CRBBB: hasLabel('CRBBB'),
  LAFB: hasLabel('LAFB'),
  PACE: hasLabel('PACE'),
  LAD: (r) => r.heartAxis === 'ALAD',
  SBRAD: hasLabel('SBRAD'),
  STACH: hasLabel('STACH'),
  SARRH: hasLabel('SARRH'),
  PAC: hasLabel('PAC'),
  PVC: hasLabel('PVC'),
  LVOLT: hasLabel('LVOLT'),
  LNGQT: hasLabel('LNGQT'),
  // PTB-XL's SCP statements have no code for a short QT.
  SQT: () => false,
};

/**
 * The original reading of a report: the text before PTB-XL's own "Edit:" notes (those are the
 * relabelling, already in the labels); undefined when there is none (empty, or "trace only
 * requested": 13 of the pool's 456 records).
 */
export function originalReading(report: string): string | undefined {
  const reading = (report.split(/\bEdit:/u)[0] ?? '').trim();
  if (reading === '' || /^trace only requested\.?$/iu.test(reading)) return undefined;
  return reading;
}

/** The scored findings a report states. */
export function reportFindings(reading: string): Set<ReportScoredCode> {
  return new Set(reportScoredCodes.filter((code) => phrases[code].some((p) => p.test(reading))));
}

export interface ReportScoredRecord {
  readonly id: string;
  readonly report: string;
  /** PTB-XL's SCP codes. */
  readonly codes: ReadonlySet<string>;
  /** Our statements' codes. */
  readonly stated: ReadonlySet<string>;
  /** PTB-XL's `heart_axis` ('' where it has none). */
  readonly heartAxis: string;
}

interface Agreement {
  readonly reportSays: number;
  readonly stated: number;
  readonly both: number;
  readonly sensitivity: number;
  readonly ppv: number;
  /** PTB-XL's labels against the same reports: how often the first reference agrees with the second. */
  readonly labelled: number;
  readonly labelledAndReported: number;
  /** Records where our statement and the report differ: `+` we state it, `−` we do not; `L` labelled. */
  readonly disagreements: string[];
}

/** Our statements and PTB-XL's labels scored against the original reports, on every record that has one. */
export function reportAgreement(records: readonly ReportScoredRecord[], log: (line: string) => void): Record<string, unknown> {
  const read = records.flatMap((r) => {
    const reading = originalReading(r.report);
    return reading === undefined ? [] : [{ ...r, findings: reportFindings(reading) }];
  });
  log(`#### The same statements against PTB-XL's original reports (${read.length} of ${records.length} records have one)`);
  log('');
  log('| our statement | report says | stated | both | sensitivity (95 % CI) | PPV (95 % CI) | PTB-XL labels (of them, reported) | disagreements (+ we state, − we do not; L labelled) |');
  log('| --- | ---: | ---: | ---: | --- | --- | ---: | --- |');
  const out: Record<string, Agreement> = {};
  for (const code of reportScoredCodes) {
    const reported = (r: (typeof read)[number]) => r.findings.has(code);
    const ours = (r: (typeof read)[number]) => r.stated.has(code);
    const isLabelled = labelled[code];
    const reportSays = read.filter(reported).length;
    const stated = read.filter(ours).length;
    const both = read.filter((r) => reported(r) && ours(r)).length;
    const disagreements = read.filter((r) => reported(r) !== ours(r)).map((r) => `${ours(r) ? '+' : '−'}${r.id}${isLabelled(r) ? ' L' : ''}`);
    const a: Agreement = {
      reportSays,
      stated,
      both,
      sensitivity: both / reportSays,
      ppv: both / stated,
      labelled: read.filter(isLabelled).length,
      labelledAndReported: read.filter((r) => isLabelled(r) && reported(r)).length,
      disagreements,
    };
    out[code] = a;
    log(`| ${code} | ${reportSays} | ${stated} | ${both} | ${rateWithCi(both, reportSays)} | ${rateWithCi(both, stated)} | ${a.labelled} (${a.labelledAndReported}) | ${disagreements.join(', ') || '—'} |`);
  }
  log('');
  return out;
}
