/**
 * Join scenarios run on memory:// (unit tests) and on the real broker (integration tests), each
 * against a reference computed here by other means: the stream-table enrichment by replaying the
 * table's input into a Map, the windowed join by comparing every pair of events.
 */
import type { App } from '../../runtime/index.js';
import { eventually } from './memory-app.js';

/** Makes a fresh worker of one app (same id, broker and datadir each time). */
export type AppFactory = () => App;

export interface EnrichmentOutcome {
  /** order id -> the customer it was enriched with ('-' for none), per join kind. */
  left: Map<string, string>;
  inner: Map<string, string>;
  expectedLeft: Map<string, string>;
  expectedInner: Map<string, string>;
}

/** A deterministic pseudo-random sequence (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sends in rounds of `chunk` concurrent sends (the producer batches them). */
async function sendAll<T>(
  items: readonly T[],
  send: (item: T) => Promise<unknown>,
  chunk = 1000,
): Promise<void> {
  for (let i = 0; i < items.length; i += chunk) await Promise.all(items.slice(i, i + chunk).map(send));
}

/**
 * Customers (with updates and deletions) fill a table; then `orders` events are enriched by a left
 * and an inner stream-table join (two agents on one topic). Every order appears once.
 */
export async function runEnrichment(
  makeApp: AppFactory,
  orders: number,
  timeoutMs: number,
): Promise<EnrichmentOutcome> {
  const app = makeApp();
  const customersTopic = app.topic(`${app.appId}-customers`, { keyType: 'string', valueType: 'json' });
  const ordersTopic = app.topic(`${app.appId}-orders`, { keyType: 'string', valueType: 'json' });
  const customers = app.table('customers', { keyType: 'string', valueType: 'json' });
  let loaded = 0;
  app.agent(customersTopic, { name: 'load-customers' }, async (stream) => {
    for await (const [key, value] of stream.items()) {
      if (value === null) customers.delete(key);
      else customers.set(key, value);
      loaded++;
    }
  });
  const left = new Map<string, string>();
  const inner = new Map<string, string>();
  const leftJoin = app.streamTableJoin(ordersTopic, customers, { kind: 'left' });
  const innerJoin = app.streamTableJoin(ordersTopic, customers, { kind: 'inner' });
  const name = (customer: unknown): string =>
    customer === undefined ? '-' : (customer as { name: string }).name;
  app.agent(ordersTopic, { name: 'enrich-left' }, async (stream) => {
    for await (const { left: order, right: customer } of leftJoin.join(stream)) {
      left.set((order as { id: string }).id, name(customer));
    }
  });
  app.agent(ordersTopic, { name: 'enrich-inner' }, async (stream) => {
    for await (const { left: order, right: customer } of innerJoin.join(stream)) {
      inner.set((order as { id: string }).id, name(customer));
    }
  });

  // The reference: the table's input replayed into a Map, then every order looked up in it.
  const random = seeded(14);
  const CUSTOMERS = 1200;
  const table = new Map<string, string>();
  const changes: { key: string; value: { name: string } | null }[] = [];
  for (let i = 0; i < 3000; i++) {
    const key = `c${Math.floor(random() * CUSTOMERS)}`;
    const value = random() < 0.15 ? null : { name: `${key}-v${i}` };
    changes.push({ key, value });
    if (value === null) table.delete(key);
    else table.set(key, value.name);
  }
  const expectedLeft = new Map<string, string>();
  const expectedInner = new Map<string, string>();
  const orderEvents: { key: string; id: string }[] = [];
  for (let i = 0; i < orders; i++) {
    const key = `c${Math.floor(random() * (CUSTOMERS + 300))}`;
    const id = `o${i}`;
    orderEvents.push({ key, id });
    expectedLeft.set(id, table.get(key) ?? '-');
    if (table.has(key)) expectedInner.set(id, table.get(key)!);
  }

  await app.start();
  try {
    await app.whenReady();
    await sendAll(changes, (c) => customersTopic.send({ key: c.key, value: c.value as never }));
    await eventually('the customers table loaded', () => loaded === changes.length, timeoutMs);
    await sendAll(orderEvents, (o) => ordersTopic.send({ key: o.key, value: { id: o.id } as never }));
    await eventually(
      `${orders} orders enriched`,
      () => left.size === orders && inner.size === expectedInner.size,
      timeoutMs,
      () => `(left ${left.size}, inner ${inner.size} of ${expectedInner.size})`,
    );
  } finally {
    await app.stop();
  }
  return { left, inner, expectedLeft, expectedInner };
}

export interface WindowedEvent {
  side: 'L' | 'R';
  key: string;
  id: string;
  timestamp: number;
  partition: number;
  late: boolean;
}

export interface WindowedOutcome {
  /** Per kind: the results as `key L:<id> R:<id>` lines ('-' for a missing side), sorted. */
  actual: Record<'inner' | 'left' | 'outer', string[]>;
  expected: Record<'inner' | 'left' | 'outer', string[]>;
  events: WindowedEvent[];
}

export const WITHIN_S = 10;
export const GRACE_S = 5;
const PHASE_MS = 5_000;
const DISORDER_MS = 5_000;
const KEYS = 60;

/**
 * Events of two topics in phases of 5 s of event time, each out of order by up to 5 s, with
 * events 40 s behind (late for certain) from the third phase on. Each phase is sent once the one
 * before is processed, so that which events are late does not depend on how the two topics'
 * deliveries interleave: with within 10 s and grace 5 s, an event of the phase is at most
 * 5 + 5 s behind the stream time (never late), a late one at least 40 - 10 s.
 */
export function windowedEvents(phases: number, perPhase: number, partitions: number): WindowedEvent[][] {
  const random = seeded(1414);
  const out: WindowedEvent[][] = [];
  let n = 0;
  for (let phase = 0; phase < phases; phase++) {
    const events: WindowedEvent[] = [];
    for (let i = 0; i < perPhase; i++) {
      // The first events of a phase touch every partition, so each moves its stream time.
      const k = i < partitions ? i : Math.floor(random() * KEYS);
      const late = phase >= 2 && random() < 0.08;
      const base = late ? phase * PHASE_MS - 40_000 : phase * PHASE_MS;
      const timestamp =
        1_000_000 + base + Math.floor(random() * PHASE_MS) - Math.floor(random() * DISORDER_MS);
      events.push({
        side: random() < 0.5 ? 'L' : 'R',
        key: `k${k}`,
        id: `e${n++}`,
        timestamp,
        partition: k % partitions,
        late,
      });
    }
    out.push(events);
  }
  return out;
}

/** The reference: every pair of events in time, then (left, outer) the unpaired whose window closed. */
export function referenceJoin(events: readonly WindowedEvent[], kind: 'inner' | 'left' | 'outer'): string[] {
  const live = events.filter((e) => !e.late);
  const within = WITHIN_S * 1000;
  const retention = 2 * within + GRACE_S * 1000;
  const streamTime = new Map<number, number>();
  for (const e of live)
    streamTime.set(e.partition, Math.max(streamTime.get(e.partition) ?? -Infinity, e.timestamp));
  const lines: string[] = [];
  const paired = new Set<string>();
  for (const l of live) {
    if (l.side !== 'L') continue;
    for (const r of live) {
      if (r.side !== 'R' || r.key !== l.key || Math.abs(l.timestamp - r.timestamp) > within) continue;
      lines.push(`${l.key} L:${l.id} R:${r.id}`);
      paired.add(l.id).add(r.id);
    }
  }
  for (const e of live) {
    if (paired.has(e.id) || e.timestamp + retention >= streamTime.get(e.partition)!) continue;
    if (e.side === 'L' && kind !== 'inner') lines.push(`${e.key} L:${e.id} R:-`);
    if (e.side === 'R' && kind === 'outer') lines.push(`${e.key} L:- R:${e.id}`);
  }
  return lines.sort();
}

/**
 * Inner, left and outer windowed joins of two topics fed by windowedEvents(); the worker is
 * stopped and a new one started (same datadir) after `restartAfterPhase`.
 */
export async function runWindowedJoins(
  makeApp: AppFactory,
  options: {
    phases: number;
    perPhase: number;
    partitions: number;
    restartAfterPhase: number;
    timeoutMs: number;
  },
): Promise<WindowedOutcome> {
  const phases = windowedEvents(options.phases, options.perPhase, options.partitions);
  const kinds = ['inner', 'left', 'outer'] as const;
  const actual = { inner: [] as string[], left: [] as string[], outer: [] as string[] };
  const seen = { L: 0, R: 0 };
  const late = { count: 0 };
  const worker = () => {
    const app = makeApp();
    const clicks = app.topic(`${app.appId}-clicks`, {
      keyType: 'string',
      valueType: 'json',
      partitions: options.partitions,
    });
    const views = app.topic(`${app.appId}-views`, {
      keyType: 'string',
      valueType: 'json',
      partitions: options.partitions,
    });
    for (const kind of kinds) {
      const join = app.windowedJoin(`clicks-views-${kind}`, clicks, views, {
        kind,
        within: WITHIN_S,
        grace: GRACE_S,
        onLate: () => {
          if (kind === 'inner') late.count++;
        },
      });
      const record = (r: { key: string; left?: unknown; right?: unknown }) => {
        const id = (v: unknown) => (v === undefined ? '-' : (v as { id: string }).id);
        actual[kind].push(`${r.key} L:${id(r.left)} R:${id(r.right)}`);
      };
      // The inner join's agents count the events they were handed (all of them, late ones too).
      const counted = <S extends { map: (f: (v: unknown) => unknown) => S }>(
        stream: S,
        side: 'L' | 'R',
      ): S =>
        kind === 'inner'
          ? stream.map((v) => {
              seen[side]++;
              return v;
            })
          : stream;
      app.agent(clicks, { name: `clicks-${kind}` }, async (stream) => {
        for await (const r of join.left(counted(stream as never, 'L'))) record(r as never);
      });
      app.agent(views, { name: `views-${kind}` }, async (stream) => {
        for await (const r of join.right(counted(stream as never, 'R'))) record(r as never);
      });
    }
    return { app, clicks, views };
  };

  let current = worker();
  await current.app.start();
  try {
    await current.app.whenReady();
    const sent = { L: 0, R: 0 };
    for (const [index, events] of phases.entries()) {
      const { clicks, views } = current;
      for (const e of events) {
        const topic = e.side === 'L' ? clicks : views;
        await topic.send({
          key: e.key,
          value: { id: e.id } as never,
          partition: e.partition,
          timestamp: e.timestamp,
        });
        sent[e.side]++;
      }
      await eventually(
        `phase ${index} joined`,
        () => seen.L === sent.L && seen.R === sent.R,
        options.timeoutMs,
        () => `(left ${seen.L}/${sent.L}, right ${seen.R}/${sent.R})`,
      );
      if (index === options.restartAfterPhase) {
        await current.app.stop();
        current = worker();
        await current.app.start();
        await current.app.whenReady();
      }
    }
  } finally {
    await current.app.stop();
  }
  const events = phases.flat();
  const expectedLate = events.filter((e) => e.late).length;
  if (late.count !== expectedLate)
    throw new Error(`${late.count} events dropped as late, expected ${expectedLate}`);
  return {
    actual: { inner: actual.inner.sort(), left: actual.left.sort(), outer: actual.outer.sort() },
    expected: {
      inner: referenceJoin(events, 'inner'),
      left: referenceJoin(events, 'left'),
      outer: referenceJoin(events, 'outer'),
    },
    events,
  };
}
