import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  captureLogs,
  createLogger,
  type LogDestination,
  usesPrettyFormat,
} from '../../../../../runtime/core/logging/index.js';

/** A destination that keeps what is written, optionally claiming to be a terminal. */
function memoryDestination(isTTY?: boolean): LogDestination & { lines: string[] } {
  const lines: string[] = [];
  return { lines, isTTY, write: (line: string) => lines.push(line) };
}

describe('createLogger', () => {
  it('writes one JSON object per line with the level name, message, name and extra fields', () => {
    const out = memoryDestination();
    const logger = createLogger({ name: 'payments', format: 'json', destination: out });
    logger.info('committed', { partitions: 3 });
    assert.equal(out.lines.length, 1);
    const record = JSON.parse(out.lines[0]!) as Record<string, unknown>;
    assert.equal(record.level, 'info');
    assert.equal(record.msg, 'committed');
    assert.equal(record.name, 'payments');
    assert.equal(record.partitions, 3);
    assert.equal(record.pid, process.pid);
    assert.match(String(record.time), /^\d{4}-\d\d-\d\dT/);
  });

  it('leaves out levels below the one asked for', () => {
    const logs = captureLogs({ level: 'warn' });
    logs.logger.debug('hidden');
    logs.logger.info('hidden');
    logs.logger.warn('shown');
    logs.logger.error('shown too');
    assert.deepEqual(logs.messages(), ['shown', 'shown too']);
    assert.equal(logs.logger.level, 'warn');
    assert.equal(logs.logger.isLevelEnabled('info'), false);
    assert.equal(logs.logger.isLevelEnabled('error'), true);
  });

  it('logs nothing at level silent', () => {
    const logs = captureLogs({ level: 'silent' });
    logs.logger.fatal('nothing');
    assert.deepEqual(logs.records, []);
  });

  it('adds child bindings to every line of the child only', () => {
    const logs = captureLogs();
    const child = logs.logger.child({ agent: 'score' });
    child.info('from child');
    logs.logger.info('from parent');
    assert.equal(logs.records[0]!.agent, 'score');
    assert.equal(logs.records[1]!.agent, undefined);
  });

  it('serializes errors given as err or error, with their stack', () => {
    const logs = captureLogs();
    logs.logger.error('failed', { err: new Error('boom'), error: new TypeError('bad type') });
    const record = logs.records[0]!;
    assert.deepEqual((record.err as { message: string }).message, 'boom');
    assert.match((record.err as { stack: string }).stack, /Error: boom/);
    assert.equal((record.error as { type: string }).type, 'TypeError');
  });

  it('writes readable lines in pretty format', () => {
    const out = memoryDestination();
    const logger = createLogger({ name: 'payments', format: 'pretty', level: 'debug', destination: out });
    logger.debug('rebalanced', { partitions: 4 });
    const text = out.lines.join('');
    assert.match(text, /DEBUG.*\(payments\).*rebalanced/);
    assert.match(text, /partitions: 4/);
    assert.doesNotMatch(text, /"msg"/);
  });

  it('takes logLevel and logFormat as resolved settings spell them', () => {
    const out = memoryDestination();
    const logger = createLogger({ logLevel: 'error', logFormat: 'json', destination: out });
    logger.warn('hidden');
    logger.error('shown');
    assert.equal(out.lines.length, 1);
    assert.equal((JSON.parse(out.lines[0]!) as { msg: string }).msg, 'shown');
  });

  it("chooses pretty for 'auto' on a terminal and JSON elsewhere", () => {
    assert.equal(usesPrettyFormat('auto', memoryDestination(true)), true);
    assert.equal(usesPrettyFormat('auto', memoryDestination(false)), false);
    assert.equal(usesPrettyFormat('json', memoryDestination(true)), false);
    assert.equal(usesPrettyFormat('pretty', memoryDestination(false)), true);
    const tty = memoryDestination(true);
    createLogger({ destination: tty }).info('to a terminal');
    assert.doesNotMatch(tty.lines.join(''), /^\{/);
    const pipe = memoryDestination(false);
    createLogger({ destination: pipe }).info('to a pipe');
    assert.match(pipe.lines.join(''), /^\{.*"msg":"to a pipe"/);
  });

  it('writes each line before the log call returns', () => {
    const out = memoryDestination();
    const logger = createLogger({ format: 'pretty', destination: out });
    logger.info('now');
    assert.equal(out.lines.length, 1);
  });
});

describe('captureLogs', () => {
  it('keeps records in order and can be cleared', () => {
    const logs = captureLogs({ name: 'test' });
    logs.logger.info('one');
    logs.logger.warn('two');
    assert.deepEqual(logs.messages(), ['one', 'two']);
    assert.deepEqual(logs.messages('warn'), ['two']);
    assert.equal(logs.records[0]!.name, 'test');
    logs.clear();
    assert.deepEqual(logs.records, []);
  });
});
