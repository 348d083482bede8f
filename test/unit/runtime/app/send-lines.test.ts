import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLine, sendLines } from '../../../../runtime/app/send-lines.js';
import { model } from '../../../../runtime/index.js';
import { getMemoryBroker } from '../../../../runtime/transport/memory/index.js';
import { memoryApp } from '../../../support/memory-app.js';

async function* linesOf(...lines: string[]): AsyncIterable<string> {
  yield* lines;
}

describe('parseLine', () => {
  it('takes the key from a field of the value, or from the text before a separator', () => {
    assert.deepEqual(parseLine('{"id":"p1","amount":5}', 1, { field: 'id' }), {
      key: 'p1',
      value: { id: 'p1', amount: 5 },
    });
    assert.deepEqual(parseLine('acct-1\t{"amount":5}', 1, { separator: '\t' }), {
      key: 'acct-1',
      value: { amount: 5 },
    });
    assert.deepEqual(parseLine('{"amount":5}', 1, { key: 'k' }), { key: 'k', value: { amount: 5 } });
    assert.deepEqual(parseLine('7', 1, {}), { key: undefined, value: 7 });
  });

  it('names the line and column of malformed JSON, counting the key before the separator', () => {
    assert.deepEqual(parseLine('{"a":1,}', 4, {}), {
      error: 'line 4, column 8: malformed JSON: Expected double-quoted property name',
    });
    assert.deepEqual(parseLine('k1|{"a" 1}', 2, { separator: '|' }), {
      error: "line 2, column 9: malformed JSON: Expected ':' after property name",
    });
    assert.deepEqual(parseLine('{"a":', 9, {}), {
      error: 'line 9, column 6: malformed JSON: Unexpected end of JSON input',
    });
    assert.deepEqual(parseLine('{"a": tru}', 1, {}), {
      error: "line 1, column 10: malformed JSON: Unexpected token '}'",
    });
    assert.deepEqual(parseLine('{"a":1} x', 1, {}), {
      error: 'line 1, column 9: malformed JSON: Unexpected non-whitespace character after JSON',
    });
  });

  it('says when the key cannot be found', () => {
    assert.deepEqual(parseLine('{"amount":5}', 3, { field: 'id' }), { error: 'line 3: no key field id' });
    assert.deepEqual(parseLine('[1]', 3, { field: 'id' }), {
      error: 'line 3: the value is not a JSON object, so it has no key field id',
    });
    assert.deepEqual(parseLine('{"amount":5}', 5, { separator: '\t' }), {
      error: 'line 5: no key separator "\\t"',
    });
  });
});

describe('sendLines', () => {
  const Payment = model<{ id: string; amount: number }>(
    'Payment',
    {
      type: 'object',
      properties: { id: { type: 'string' }, amount: { type: 'number' } },
      required: ['id', 'amount'],
    },
    { namespace: 'test.Payment' },
  );

  it('sends the good lines keyed by a field, reports each bad one by its line, and counts progress', async () => {
    const app = memoryApp('send-lines');
    const payments = app.topic('payments', { keyType: 'string', valueType: Payment, partitions: 2 });
    const reports: string[] = [];
    await app.start('producer');
    try {
      const result = await sendLines(
        payments,
        linesOf(
          '{"id":"p1","amount":1}',
          '',
          '{"id":"p2","amount":"two"}',
          '{"id":"p3","amount":3',
          '   ',
          '{"id":"p4","amount":4}\r',
          '{"id":"p5","amount":5}',
          '{"id":"p6","amount":6}',
        ),
        { field: 'id', progressEvery: 2, report: (m) => reports.push(m) },
      );
      assert.deepEqual(result, { sent: 4, bad: 2, failed: 0 });
      assert.equal(reports.length, 4, reports.join('\n'));
      assert.match(
        reports[0]!,
        /^line 3: cannot send to topic payments: invalid Payment .*\/amount must be number/,
      );
      assert.equal(reports[1], "line 4, column 22: malformed JSON: Expected ',' or '}' after property value");
      assert.deepEqual(reports.slice(2), ['sent 2 records to payments', 'sent 4 records to payments']);
    } finally {
      await app.stop();
    }
    const broker = getMemoryBroker(app.conf.broker[0]!);
    const sent = [0, 1].flatMap((partition) => broker.readMessages('payments', partition));
    assert.deepEqual(
      sent.map((m) => m.key?.toString()).sort(),
      ['p1', 'p4', 'p5', 'p6'],
      'keys are the id fields; a CRLF line is read like an LF one',
    );
  });
});
