/**
 * SCP-ECG lead identifiers (EN 1064 table 14), also used by DICOM's SCPECG coding scheme
 * ("5.6.3-9-<id>"). Ids without a name here are kept as "lead <id>".
 */
const scpLeadNames: Readonly<Record<number, string>> = {
  1: 'I', 2: 'II', 3: 'V1', 4: 'V2', 5: 'V3', 6: 'V4', 7: 'V5', 8: 'V6', 9: 'V7',
  10: 'V2R', 11: 'V3R', 12: 'V4R', 13: 'V5R', 14: 'V6R', 15: 'V7R', 16: 'X', 17: 'Y', 18: 'Z',
  19: 'CC5', 20: 'CM5', 21: 'LA', 22: 'RA', 23: 'LL',
  61: 'III', 62: 'aVR', 63: 'aVL', 64: 'aVF', 65: '-aVR', 66: 'V8', 67: 'V9', 68: 'V8R', 69: 'V9R',
  70: 'D', 71: 'A', 72: 'J', 75: 'A1', 76: 'A2', 77: 'A3', 78: 'A4',
};

export function scpLeadName(id: number): string {
  return scpLeadNames[id] ?? `lead ${id}`;
}
