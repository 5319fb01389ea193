// The fuzz harness (bench/fuzz) inside the test suite: 2,000 fixed-seed hostile inputs over
// text, HTML, DOCX, PDF and random bytes, each parsed in a child process with a 5 s deadline.
// None may crash, hang or escape the library as anything but a clear InputError. The longer
// run is `npm run fuzz` (20,000 inputs; figures in the README).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSummary, runFuzz } from '../bench/fuzz/harness.js';

test('fuzz: 2,000 hostile inputs, no crash, no hang, no internal error', async (t) => {
  const summary = await runFuzz({ seed: 1, n: 2000, parallel: 2, deadlineMs: 5000 });
  for (const line of formatSummary(summary).split('\n')) t.diagnostic(line);
  const total = Object.values(summary.outcomes).reduce((a, b) => a + b, 0);
  assert.equal(total, 2000, 'every input was run');
  assert.deepEqual(summary.crashes, [], 'crashes');
  assert.deepEqual(summary.hangs, [], 'hangs over 5 s');
  assert.deepEqual(summary.internal, [], 'errors other than InputError');
  // both outcomes occur: the inputs are not all refused at the door, nor all read
  assert.ok((summary.outcomes.report ?? 0) > 200, `reports: ${summary.outcomes.report}`);
  assert.ok((summary.outcomes.refused ?? 0) > 200, `refusals: ${summary.outcomes.refused}`);
});
