/**
 * Names of the classes models output and of SCP-ECG statement codes, so no screen shows a bare
 * abbreviation ("NORM flagged", "STTC"). PTB-XL's diagnostic superclasses (Wagner et al. 2020),
 * CPSC 2018's nine classes and the PE model's class. SCP codes come from the engine's statement
 * library (PTB-XL's statement table), passed in as `scp` (code → text).
 */
export type ScpNames = ReadonlyMap<string, string>;

const classNames: Readonly<Record<string, string>> = {
  NORM: 'normal ECG',
  MI: 'myocardial infarction',
  STTC: 'ST/T change',
  CD: 'conduction disturbance',
  HYP: 'hypertrophy',
  PE: 'pulmonary embolism',
  Normal: 'normal ECG',
  AF: 'atrial fibrillation',
  'I-AVB': 'first-degree AV block',
  IAVB: 'first-degree AV block',
  LBBB: 'left bundle branch block',
  RBBB: 'right bundle branch block',
  PAC: 'premature atrial contraction',
  PVC: 'premature ventricular contraction',
  STD: 'ST-segment depression',
  STE: 'ST-segment elevation',
};

/** The full name of a class or SCP code, or undefined when we do not know it. */
export function classFullName(code: string, scp?: ScpNames): string | undefined {
  return classNames[code] ?? scp?.get(code);
}

/** "Myocardial infarction (MI)"; an unknown code stays as it is. */
export function className(code: string, scp?: ScpNames): string {
  const name = classFullName(code, scp);
  if (!name) return code;
  const capitalised = name.charAt(0).toUpperCase() + name.slice(1);
  return name.toLowerCase() === code.toLowerCase() ? capitalised : `${capitalised} (${code})`;
}
