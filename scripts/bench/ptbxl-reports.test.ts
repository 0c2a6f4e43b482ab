// Report texts are PTB-XL's own (Wagner et al., PhysioNet, CC BY 4.0), quoted from the records named.
import { describe, expect, it } from 'vitest';
import { originalReading, reportAgreement, reportFindings } from './ptbxl-reports';

const findings = (report: string) => [...reportFindings(report)].sort();

describe('reportFindings', () => {
  it.each([
    ['sinusrhythmus lagetyp normal av-block 1.grades pathologisch', ['1AVB']], // 00218
    ['sinusrytm a-v block i st-t sÄnkning, sÅsom vid    anterolateral ischemi eller vÄnster belastning', ['1AVB']], // 00102
    ['sinus rhythm. premature ventricular contraction(s). prolonged pr interval. non-specific intraventricular delay.', ['1AVB', 'PVC']], // 00413
    ['premature ventricular contraction(s). sinus rhythm. right bundle branch block.', ['CRBBB', 'PVC']], // 00287
    ['sinusrhythmus ueberdrehter linkstyp rechtsschenkelblock', ['CRBBB', 'LAD']], // 00195
    ['sinusrytm svÅrbestÄmmbar el-axel lÅga qrs amplituder i extremitetsavledningarna hÖgersidigt skÄnkelblock', ['CRBBB', 'LVOLT']], // 00172
    ['sinus rhythm. left axis deviation. left bundle branch block, this is most commonly due to    ischaemic heart disease.', ['CLBBB', 'LAD']], // 00286
    ['sinusrytm vÄnster el-axel vÄnstersidigt skÄnkelblock ÖvervÄg wpw syndrom typ b', ['CLBBB']], // 00461
    ['fÖrmaksflimmer med hÖg kammarfrekvens vÄnster el-axel vÄnster kammarhypertrofi', ['AFIB']], // 00386
    ['vorhof:hf  280 tachykardes vorhofflimmern ueberdrehter linkstyp', ['AFIB', 'LAD']], // 00017
    ['atrial fibrillation with rapid ventricular response. right superior axis deviation. left anterior fascicular block. right bundle branch block. bifascicular block.', ['AFIB', 'CRBBB', 'LAFB']], // 00428
    ['pacemaker ekg', ['PACE']], // 00143
    ['sinus rhythm. left axis deviation. left anterior fascicular block.', ['LAD', 'LAFB']], // 00285
    ['sinusrhythmus ueberdrehter linkstyp', ['LAD']], // 00238
    ['sinusrhythmus ueberdrehter linkstyp linksanteriorer hemiblock', ['LAD', 'LAFB']], // 00448
    ['sinusbradykardie                                        ueberdrehter linkstyp r-s #bergang in v ableitungen nach rechts verschoben lahb hohe, spitze t in v2-5', ['LAD', 'LAFB', 'SBRAD']], // 00235: LAHB, linksanteriorer Hemiblock
    ['sinusrytm extrem vÄnster el-axel sÅsom vid vÄnster frÄmre hemiblock ofÖrÄndrat jmf med ekg 910220', ['LAD', 'LAFB']], // 00157
    ['sinusbradykardi lÅga qrs amplituder i extremitetsavledningarna t-fÖrÄndring, sÅsom vid    anterior myokardaffektion', ['LVOLT', 'SBRAD']], // 00186
    ['sinustachykardi ospecifik t-fÖrÄndring', ['STACH']], // 00465
    ['sinus tachycardia. left atrial enlargement. non-specific st-t wave changes in inferolateral leads.', ['STACH']], // 00263
    ['sinus arrhythmie verdacht auf p-sinistrocardiale', ['SARRH']], // 00098
    ['sinus bradycardia with sinus arrhythmia. the cause of the bradycardia is not evident.', ['SARRH', 'SBRAD']], // 00284
    ['supraventrikulÄre extrasystole(n) sinusrhythmus sonst normales ekg', ['PAC']], // 00118
    ['sinusrytm supraventrikulÄra extraslag eljest normalt ekg', ['PAC']], // 00176
    ['premature atrial contraction(s). sinus rhythm. r-s transition zone in v leads displaced to the right. otherwise normal ecg.', ['PAC']], // 00427
    ['ventrikulÄre extrasystole(n), bigeminus sinusrhythmus', ['PVC']], // 00363
    ['supraventrikulÄre ersatzsystole(n) interponierte supraventrikulÄre extrasystole(n) supraventrikulÄre tachykardie linkstyp', ['PAC']], // 00020: no sinus tachycardia, no PVC, no LAD
    ['sinusrhythmus periphere niederspannung', ['LVOLT']], // 00044
    ['sinus rhythm. low limb lead voltage. no definite pathology.', ['LVOLT']], // 00407
    ['sinusrhythmus linkstyp qt-verlÄngerung', ['LNGQT']], // 00369
    ['sinusrytm ospecifik t-fÖrÄndring qt fÖrlÄngd', ['LNGQT']], // 00458
    ['premature atrial contraction(s). sinus arrhythmia. voltages are high in chest leads suggesting lvh. st segments are depressed in ii, iii, avf, v4,5,6. this may be due to lv strain or ischaemia. prolonged qt, this may be due to a drug effect or an    elect', ['LNGQT', 'PAC', 'SARRH']], // 00316
    ['sinus rhythm. short qt interval.', ['SQT']], // constructed, not quoted: no pool report states a short QT
    ['sinusrhythmus qt-verkÜrzung', ['SQT']], // constructed likewise, in German
    ['ventrikulÄr(a) extrasystoli(er) fÖrmaksflimmer/-fladder vÄnster el-axel ospecifikt inkomplett skÄnkelblock vÄnster kammarhypertrofi', ['AFIB', 'PVC']], // 00452
  ])('finds what "%s" states', (report, expected) => {
    expect(findings(report)).toEqual(expected);
  });

  it.each([
    ['sinus rhythm. left axis deviation. left anterior fascicular block. right bundle branch block. bifascicular block. pr interval is normal.', ['CRBBB', 'LAD', 'LAFB']], // 00424: PR normal
    ['sinusrytm p fÖrlÄngd vÄnster el-axel vÄnster kammarhypertrofi', []], // 00173: the P wave is long, not the PQ
    ['sinus rhythm. incomplete right bundle branch block, this is probably    a normal variant.', []], // 00291
    ['sinusrhythmus unvollstÄndiger rechtsschenkelblock', []], // 00077
    ['sinusrytm vÄnster el-axel inkomplett hÖgersidigt skÄnkelblock', []], // 00169
    ['sinusrhythmus verdacht auf p-sinistrocardiale linkstyp zweiter tag erfolgreiche cardioversion von vorhofflattern (novodigal 0,2 1x1)', []], // 00026: history
    ['sinusrhythmus a-v block ii', []], // second degree is not first degree
    ['sinusrhythmus linkstyp sonst normales ekg', []], // 00068: Lagetyp "Linkstyp" (+30° to −30°) is not deviation
    ['sinusrytm vÄnster el-axel inget sÄkert patologikst', []], // 00134
    ['sinus rhythm. voltages are high in chest leads suggesting lvh. st segments are depressed in ii, iii, avf, v4,5,6. this may be due to lv strain or ischaemia.', []], // 00313: high voltage is not low
    ['sinusbradykardi amplitudkriterier fÖr vÄnster kammarhypertrofi avvikande qrs(t) fÖrlopp    lateral myokardskada kan ej uteslutas', ['SBRAD']], // 00191: amplitude criteria of LVH
    ['sinus rhythm. premature ventricular contraction(s). prolonged pr interval. non-specific intraventricular delay. st segments are depressed in i, ii, v4,5,6. t waves are low or flat in limb leads and v5,6. findings are likely to be due to ischaemic heart   ', ['1AVB', 'PVC']], // 00413: low T waves are not low voltage
  ])('does not over-read "%s"', (report, expected) => {
    expect(findings(report)).toEqual(expected);
  });
});

describe('originalReading', () => {
  it('drops PTB-XL edit notes and reports without a reading', () => {
    expect(originalReading('sinus rhythm. no definite pathology. Edit: NORM 100, ')).toBe('sinus rhythm. no definite pathology.');
    expect(originalReading('trace only requested.')).toBeUndefined();
    expect(originalReading('   ')).toBeUndefined();
  });
});

describe('reportAgreement', () => {
  it('scores every record with a reading, ours and the labels, and lists the disagreements', () => {
    const record = (id: string, report: string, codes: string[], stated: string[], heartAxis = '') => ({ id, report, codes: new Set(codes), stated: new Set(stated), heartAxis });
    const lines: string[] = [];
    const out = reportAgreement(
      [
        record('00287', 'premature ventricular contraction(s). sinus rhythm. right bundle branch block.', ['CLBBB', 'SR'], ['SR', 'CRBBB']),
        record('00195', 'sinusrhythmus ueberdrehter linkstyp rechtsschenkelblock', ['CRBBB'], ['SR'], 'ALAD'),
        record('00059', 'sinusrhythmus normales ekg', ['NORM'], ['SR', 'CRBBB']),
        record('00423', 'trace only requested.', ['ILBBB'], ['AFIB']),
        record('00285', 'sinus rhythm. left axis deviation. left anterior fascicular block.', ['LAFB', 'SR'], ['SR', 'LAD'], 'LAD'),
        record('00068', 'sinusrhythmus linkstyp sonst normales ekg', ['NORM', 'SR'], ['SR', 'LAD'], 'LAD'),
      ],
      (line) => lines.push(line),
    ) as Record<string, { reportSays: number; stated: number; both: number; sensitivity: number; ppv: number; labelled: number; labelledAndReported: number; disagreements: string[] }>;
    expect(out.CRBBB).toMatchObject({ reportSays: 2, stated: 2, both: 1, sensitivity: 0.5, ppv: 0.5, labelled: 1, labelledAndReported: 1, disagreements: ['−00195 L', '+00059'] });
    expect(out.CLBBB).toMatchObject({ reportSays: 0, stated: 0, labelled: 1, labelledAndReported: 0 });
    // 00423 has no reading: its AF statement is not scored.
    expect(out.AFIB).toMatchObject({ reportSays: 0, stated: 0 });
    // heart_axis LAD is an English deviation on 00285 and a German normal-range Linkstyp on 00068: the report tells them apart.
    expect(out.LAD).toMatchObject({ reportSays: 2, stated: 2, both: 1, labelled: 1, labelledAndReported: 1, disagreements: ['−00195 L', '+00068'] });
    expect(lines[0]).toContain('5 of 6 records have one');
  });
});
