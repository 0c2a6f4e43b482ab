import { describe, expect, it } from 'vitest';
import { disagreementsWithStatements } from './statement-agreement';

const af = { code: 'AFIB', text: 'Atrial fibrillation or flutter suspected' };
const rbbb = { code: 'CRBBB', text: 'Complete right bundle branch block' };

describe("a model's flags against the record's rule-based statements", () => {
  it('names a class the statements say and the model does not flag (PTB-XL 00330: AF 3.1 % beside "Atrial fibrillation or flutter suspected")', () => {
    expect(disagreementsWithStatements({ AF: false, SNR: true, RBBB: false }, [af])).toEqual([{ className: 'AF', modelFlags: false, statementText: af.text }]);
  });

  it('names a class the model flags and no statement says', () => {
    expect(disagreementsWithStatements({ AF: false, RBBB: true }, [{ code: 'SR', text: 'Sinus rhythm' }])).toEqual([{ className: 'RBBB', modelFlags: true, statementText: null }]);
  });

  it('says nothing where they agree, for classes no rule speaks to, or when the statements were withheld', () => {
    expect(disagreementsWithStatements({ AF: true, RBBB: true, STD: true, SNR: false }, [af, rbbb])).toEqual([]);
    expect(disagreementsWithStatements({ NORM: false, MI: true }, [af])).toEqual([]);
    expect(disagreementsWithStatements({ AF: false }, [])).toEqual([]);
  });
});
