// Cell paths, row and column keys as literal types from the template description: these lines
// are checked by the compiler (`npm test` builds first), so a key the template does not have
// fails the suite.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cellPath, TEMPLATES, type CellPath, type ColumnKey, type RowKey } from '../src/template/index.js';

const known: CellPath[] = [
  'requests.new_received.total', 'requests.other_no_fee.natural_person', 'requests.carried_forward.other',
  'active.fees.amount', 'active.procurement.amount', 'active.regulations.in_force', 'active.regulations.made',
  'review_litigation.review.pending', 'review_litigation.litigation_after_review.total',
];
// @ts-expect-error a typo in a row key
const typo: CellPath = 'requests.new_recieved.total';
// @ts-expect-error a group heading row has no cells
const group: CellPath = 'requests.denied.total';
// @ts-expect-error a column another row has
const column: CellPath = 'active.fees.issued';
const row: RowKey = 'carried_forward';
const col: ColumnKey = 'in_force';

test('the literal cell paths name cells the template has', () => {
  void [typo, group, column, row, col];
  for (const path of known) {
    const [t, r, c] = path.split('.');
    const found = (['2019', '2021'] as const).some((v) => {
      const table = TEMPLATES[v].tables[t as 'active'];
      const def = table.rows.find((x) => x.key === r && !x.group);
      return !!def && (def.columns ?? table.columns).some((x) => x.key === c);
    });
    assert.ok(found, path);
  }
  assert.equal(cellPath('requests', 'total', 'total'), 'requests.total.total');
});
