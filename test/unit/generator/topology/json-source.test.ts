import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonSource, joinPointer, splitPointer } from '../../../../generator/topology/json-source.js';

describe('JsonSource', () => {
  it('gives 1-based lines and columns, with LF, CRLF and CR line ends', () => {
    for (const newline of ['\n', '\r\n', '\r']) {
      const source = new JsonSource(['{', '  "a": {', '    "b": 42', '  }', '}'].join(newline));
      assert.deepEqual(source.locate('/a/b'), {
        line: 3,
        column: 10,
        offset: source.text.indexOf('42'),
        length: 2,
      });
      const key = source.locate('/a/b', 'key');
      assert.equal(key.line, 3);
      assert.equal(key.column, 5);
    }
  });

  it('points at the nearest existing ancestor for a missing place, and at the start for the document', () => {
    const source = new JsonSource('{\n  "a": { "x": 1 }\n}');
    assert.equal(source.locate('/a/missing/deeper').column, 8);
    assert.deepEqual(source.locate(''), { line: 1, column: 1, offset: 0, length: source.text.length });
  });

  it('escapes and reads pointers by RFC 6901', () => {
    assert.equal(joinPointer('', 'a/b', 'c~d', 0), '/a~1b/c~0d/0');
    assert.deepEqual(splitPointer('/a~1b/c~0d/0'), ['a/b', 'c~d', '0']);
    const source = new JsonSource('{"a/b": {"c~d": [10, 20]}}');
    assert.equal(source.text.slice(source.locate('/a~1b/c~0d/1').offset).slice(0, 2), '20');
  });

  it('finds duplicate keys at any depth, the later occurrence, and keeps the last value as JSON.parse does', () => {
    const text = '{\n "a": 1,\n "list": [{"k": 1, "k": 2}],\n "a": 3\n}';
    const source = new JsonSource(text);
    const found = source
      .duplicateKeys()
      .map((duplicate) => [duplicate.objectPointer, duplicate.key, duplicate.firstLine]);
    assert.deepEqual(found, [
      ['/list/0', 'k', 3],
      ['', 'a', 2],
    ]);
    assert.deepEqual(source.value, JSON.parse(text));
  });

  it('keeps "__proto__" keys as plain data', () => {
    const source = new JsonSource('{"__proto__": {"polluted": true}}');
    assert.deepEqual(Object.keys(source.value as object), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('points a trailing comma error at the comma, not at the bracket on the next line', () => {
    const text = '{\n  "topics": {\n    "a": {},\n    "b": {},\n  }\n}\n';
    const source = new JsonSource(text);
    const [problem] = source.syntaxProblems;
    assert.match(problem!.message, /trailing comma/);
    const { line, column } = source.position(problem!.offset);
    assert.deepEqual([line, column], [4, 12]);
    assert.equal(text[problem!.offset], ',');
    const inArray = new JsonSource('{"a": [\n  1,\n  2,\n]}');
    const at = inArray.position(inArray.syntaxProblems[0]!.offset);
    assert.deepEqual([at.line, at.column], [3, 4]);
  });

  it('reports the first syntax error only, with its position, and a leading byte order mark is allowed', () => {
    const broken = new JsonSource('{\n  "a": 1,\n  "b": [1, 2,],\n  "c": x\n}');
    assert.equal(broken.syntaxProblems.length, 1);
    assert.match(broken.syntaxProblems[0]!.message, /trailing comma/);
    assert.equal(broken.position(broken.syntaxProblems[0]!.offset).line, 3);
    assert.equal(broken.value, undefined);
    const bom = new JsonSource('\uFEFF{"a": 1}');
    assert.deepEqual(bom.syntaxProblems, []);
    assert.deepEqual(bom.value, { a: 1 });
    assert.equal(bom.locate('/a').column, 8);
  });
});
