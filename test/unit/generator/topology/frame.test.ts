import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeFrame, renderTopologyError, type TopologyError } from '../../../../generator/topology/index.js';

function errorAt(text: string, needle: string, overrides: Partial<TopologyError> = {}): TopologyError {
  const offset = text.indexOf(needle);
  const before = text.slice(0, offset).split('\n');
  return {
    code: 'FG3002',
    file: 'topology.json',
    pointer: '/agents/a/source/topic',
    message: 'there is no topic "order"',
    fix: 'name a topic declared under "topics"',
    line: before.length,
    column: (before[before.length - 1] ?? '').length + 1,
    offset,
    length: needle.length,
    ...overrides,
  };
}

const TEXT = [
  '{',
  '  "agents": {',
  '    "a": {',
  '      "source": { "topic": "order" }',
  '    }',
  '  }',
  '}',
].join('\n');

describe('codeFrame', () => {
  it('numbers two lines either side, marks the line and underlines the span', () => {
    assert.equal(
      codeFrame(TEXT, errorAt(TEXT, '"order"'), { color: false }),
      [
        '  2 |   "agents": {',
        '  3 |     "a": {',
        '> 4 |       "source": { "topic": "order" }',
        '    |                            ^^^^^^^',
        '  5 |     }',
        '  6 |   }',
      ].join('\n'),
    );
  });

  it('stops at the first and last lines and pads numbers to the widest', () => {
    const text = Array.from({ length: 10 }, (_, i) => `line${i + 1}`).join('\n');
    assert.equal(
      codeFrame(text, errorAt(text, 'line1'), { color: false, context: 1 }),
      '> 1 | line1\n    | ^^^^^\n  2 | line2',
    );
    assert.equal(
      codeFrame(text, errorAt(text, 'line10'), { color: false, context: 1 }),
      '   9 | line9\n> 10 | line10\n     | ^^^^^^',
    );
  });

  it('underlines one character for an empty span and to the end of the line for one that goes on', () => {
    assert.match(
      codeFrame(TEXT, errorAt(TEXT, '{', { length: 0 }), { color: false }),
      /> 1 \| \{\n {4}\| \^$/m,
    );
    const frame = codeFrame(TEXT, errorAt(TEXT, '"a": {', { length: 40 }), { color: false });
    assert.match(frame, /> 3 \| {5}"a": \{\n {4}\| {5}\^{6}\n/);
  });

  it('cuts a long line around the column and keeps the underline under the text', () => {
    const text = `{"x": "${'a'.repeat(300)}BAD${'b'.repeat(300)}"}`;
    const frame = codeFrame(text, errorAt(text, 'BAD'), { color: false });
    const [line, marks] = frame.split('\n');
    assert.ok(line!.length < 120, line);
    assert.ok(line!.includes('…a') && line!.includes('b…'), line);
    assert.equal(marks!.indexOf('^') - marks!.indexOf('|'), line!.indexOf('BAD') - line!.indexOf('|'));
  });

  it('shows tabs as spaces and control characters as a replacement character', () => {
    const text = '{\n\t"a": "x\u0007"\n}';
    const frame = codeFrame(text, errorAt(text, '"x'), { color: false });
    assert.match(frame, /> 2 \| {2}"a": "x\ufffd"\n {4}\| {7}\^/);
  });

  it('is empty when the position is not in the text', () => {
    assert.equal(codeFrame('', errorAt('', ''), { color: false }), '');
    assert.equal(codeFrame('{}', { ...errorAt('{}', '{'), line: 9 }, { color: false }), '');
  });
});

describe('renderTopologyError', () => {
  const error = errorAt(TEXT, '"order"', { suggestion: 'orders' });

  it('prints headline, frame and fix, plain when there is no colour', () => {
    const out = renderTopologyError(error, TEXT, { color: false });
    const lines = out.split('\n');
    assert.equal(
      lines[0],
      'topology.json:4:28 FG3002 #/agents/a/source/topic: there is no topic "order" (did you mean "orders"?)',
    );
    assert.equal(lines.at(-1), '    fix: name a topic declared under "topics"');
    assert.ok(out.includes('> 4 |'));
    assert.equal(out.includes('\u001b'), false);
  });

  it('colours code, pointer, marker and underline on a terminal', () => {
    const out = renderTopologyError(error, TEXT, { color: true });
    assert.ok(out.includes('\u001b[31mFG3002\u001b[39m'));
    assert.ok(out.includes('\u001b[31m^^^^^^^\u001b[39m'));
    // Without the colours it is the plain text.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI codes
    assert.equal(out.replace(/\u001b\[\d+m/g, ''), renderTopologyError(error, TEXT, { color: false }));
  });

  it('has no frame when the text is unknown (an unreadable file)', () => {
    assert.equal(renderTopologyError(error, undefined, { color: false }).split('\n').length, 2);
  });
});
