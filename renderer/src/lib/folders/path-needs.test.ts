import { describe, expect, it } from 'vitest';
import { folderToAllow } from './path-needs';

describe('folderToAllow', () => {
  it('asks for a folder as typed and for the folder that holds a file', () => {
    expect(folderToAllow({ path: ' /data/ecg/ ', kind: 'folder' })).toBe('/data/ecg');
    expect(folderToAllow({ path: '/data/ecg/labels.csv', kind: 'file' })).toBe('/data/ecg');
    expect(folderToAllow({ path: 'C:\\ECG\\site\\labels.csv', kind: 'file' })).toBe('C:\\ECG\\site');
  });
});
