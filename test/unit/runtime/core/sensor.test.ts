import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Sensor, Sensors } from '../../../../runtime/core/sensor.js';

describe('Sensors', () => {
  it('is inactive until a sensor is added, and again once the last one is removed', () => {
    const sensors = new Sensors();
    assert.equal(sensors.active, false);
    const sensor: Sensor = {};
    sensors.add(sensor);
    sensors.add(sensor);
    assert.equal(sensors.active, true);
    assert.equal([...sensors].length, 1, 'adding twice keeps one');
    sensors.remove(sensor);
    assert.equal(sensors.active, false);
    assert.equal(sensors.has(sensor), false);
  });

  it('hands every call to each sensor that has the method, in order', () => {
    const calls: string[] = [];
    const sensors = new Sensors();
    sensors.add({ onSend: (topic, partition, ms) => calls.push(`a send ${topic}[${partition}] ${ms}`) });
    sensors.add({
      onSend: (topic) => calls.push(`b send ${topic}`),
      onCommit: (offsets, ms) => calls.push(`b commit ${offsets.length} ${ms}`),
      onRebalance: (assignment, generation) => calls.push(`b rebalance ${assignment.length} ${generation}`),
    });
    sensors.onSend('out', 2, 5);
    sensors.onCommit([{ topic: 'in', partition: 0, offset: 3 }], 7);
    sensors.onRebalance([{ topic: 'in', partition: 0 }], 4, 1);
    sensors.onTableGet('t'); // nobody has it
    assert.deepEqual(calls, ['a send out[2] 5', 'b send out', 'b commit 1 7', 'b rebalance 1 4']);
  });

  it('logs a throwing sensor once per method and still calls the others', () => {
    const reports: string[] = [];
    const sensors = new Sensors((message) => reports.push(message));
    class Broken implements Sensor {
      onEventIn(): void {
        throw new Error('boom');
      }
      onEventOut(): void {
        throw new Error('bang');
      }
    }
    let seen = 0;
    sensors.add(new Broken());
    sensors.add({ onEventIn: () => seen++ });
    const event = { topic: 't', partition: 0, offset: 0, timestamp: 0, headers: {} };
    for (let i = 0; i < 3; i++) sensors.onEventIn('a', event);
    sensors.onEventOut('a', event, 1);
    assert.equal(seen, 3);
    assert.deepEqual(reports, [
      'sensor Broken.onEventIn threw (its further errors there are not logged): boom',
      'sensor Broken.onEventOut threw (its further errors there are not logged): bang',
    ]);
  });
});
