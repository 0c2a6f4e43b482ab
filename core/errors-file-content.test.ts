import { describe, expect, it } from 'vitest';
import { withoutFileContent } from './errors';

describe('withoutFileContent: the error of a path-taking channel keeps no quoted excerpt of a file', () => {
  it('removes single-, double- and backtick-quoted excerpts', () => {
    expect(withoutFileContent("labels.csv line 3: 'PATIENT-0042,Doe,1950' is not a row")).toBe('labels.csv line 3: (…) is not a row');
    expect(withoutFileContent('bad header "secret text" in x.hea')).toBe('bad header (…) in x.hea');
    expect(withoutFileContent('unexpected `token` at 4')).toBe('unexpected (…) at 4');
  });

  it("still removes an excerpt after an apostrophe in a word (it paired the two and left the excerpt: \"can't read (…)secret'\")", () => {
    expect(withoutFileContent("can't read line 'secret'")).toBe("can't read line (…)");
    expect(withoutFileContent("the model's labels: 'Doe, Jane'")).toBe("the model's labels: (…)");
  });

  it('removes an excerpt whose own text holds an apostrophe whole', () => {
    expect(withoutFileContent("line 2: 'it's Jane Doe's record' unreadable")).toBe('line 2: (…) unreadable');
  });

  it("keeps advice whose words hold apostrophes (it cut everything between \"record's\" and \"card's\")", () => {
    const advice = "the fused probability is in a record's PE panel once its score items are entered (its Models card's comparison)";
    expect(withoutFileContent(advice)).toBe(advice);
  });

  it('is bounded in length', () => {
    expect(withoutFileContent('x'.repeat(2000))).toHaveLength(500);
  });
});
