import type { AnomalyEvent } from '../../src/events/events';
import { createEventBus } from '../../src/events/pubsub';

const event = (id: number, profile = 'default'): AnomalyEvent => ({
  id: String(id), site: 'default', profile, time: new Date(0).toISOString(), score: 0.9, record: {}, detectors: [], explanation: [], modelIds: [],
});

describe('event bus subscriptions', () => {
  it('keep the newest events when a subscriber falls behind, counting what they drop', async () => {
    const bus = createEventBus(undefined, { buffer: 10 });
    const sub = bus.subscribe('ANOMALY_DETECTED');
    for (let i = 0; i < 1000; i++) bus.publish('ANOMALY_DETECTED', event(i));
    expect(bus.stats()).toEqual({ active: 1, dropped: 990 });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await sub.next()).value!.id);
    expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => String(990 + i)));
    await sub.return();
    expect(bus.stats().active).toBe(0);
  });

  it('filter before buffering, so events a subscriber does not want neither fill nor count', async () => {
    const bus = createEventBus(undefined, { buffer: 2 });
    const sub = bus.subscribeWhere('ANOMALY_DETECTED', (e) => e.profile === 'office');
    for (let i = 0; i < 100; i++) bus.publish('ANOMALY_DETECTED', event(i));
    bus.publish('ANOMALY_DETECTED', event(100, 'office'));
    expect(bus.stats().dropped).toBe(0);
    expect((await sub.next()).value!.id).toBe('100');
    await sub.return();
  });

  it('end a subscription at once, even while it waits for an event', async () => {
    const bus = createEventBus();
    const sub = bus.subscribe('TRAINING_PROGRESS', 'job-1');
    const pending = sub.next();
    await sub.return();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    bus.publish('TRAINING_PROGRESS', 'job-1', { progress: 1 });
    await expect(sub.next()).resolves.toEqual({ value: undefined, done: true });
    expect(bus.stats().active).toBe(0);
  });

  it('route events with an id to that id only', async () => {
    const bus = createEventBus();
    const mine = bus.subscribe('TRAINING_PROGRESS', 'job-1');
    const other = bus.subscribe('TRAINING_PROGRESS', 'job-2');
    bus.publish('TRAINING_PROGRESS', 'job-1', { progress: 0.5 });
    await expect(mine.next()).resolves.toEqual({ value: { progress: 0.5 }, done: false });
    const nothing = await Promise.race([other.next(), new Promise((r) => setImmediate(() => r('none')))]);
    expect(nothing).toBe('none');
    await mine.return();
    await other.return();
  });

  it('push events to a sink as they are published; what it refuses waits, in order, within the bound', async () => {
    const bus = createEventBus(undefined, { buffer: 4 });
    const sub = bus.subscribe('ANOMALY_DETECTED');
    const got: string[] = [];
    let accepting = true;
    sub.pushTo((e) => accepting && got.push(e.id) > 0);
    bus.publish('ANOMALY_DETECTED', event(1));
    expect(got).toEqual(['1']); // synchronously, inside publish

    accepting = false;
    for (let i = 2; i <= 6; i++) bus.publish('ANOMALY_DETECTED', event(i));
    expect(bus.stats().dropped).toBe(1); // 2 made way for 3, 4, 5 and 6
    accepting = true;
    // Behind the waiting ones, not ahead of them: it joins the full buffer, and 3 goes.
    bus.publish('ANOMALY_DETECTED', event(7));
    expect(got).toEqual(['1']);
    sub.resume();
    expect(got).toEqual(['1', '4', '5', '6', '7']);

    await sub.return();
    bus.publish('ANOMALY_DETECTED', event(8));
    expect(got).toHaveLength(5);
    expect(bus.stats()).toEqual({ active: 0, dropped: 2 });
  });

  it('offer each buffered event once when the sink asks for more while taking one', async () => {
    const bus = createEventBus(undefined, { buffer: 10 });
    const sub = bus.subscribe('ANOMALY_DETECTED');
    for (let i = 1; i <= 4; i++) bus.publish('ANOMALY_DETECTED', event(i));
    const got: string[] = [];
    sub.pushTo((e) => {
      got.push(e.id);
      sub.resume();
      return true;
    });
    expect(got).toEqual(['1', '2', '3', '4']);
    await sub.return();
  });

  it('stop offering buffered events when the sink ends the subscription while taking one', async () => {
    const bus = createEventBus(undefined, { buffer: 10 });
    const sub = bus.subscribe('ANOMALY_DETECTED');
    for (let i = 1; i <= 3; i++) bus.publish('ANOMALY_DETECTED', event(i));
    const got: string[] = [];
    sub.pushTo((e) => {
      got.push(e.id);
      if (e.id === '2') void sub.return();
      return true;
    });
    expect(got).toEqual(['1', '2']);
    expect(bus.stats().active).toBe(0);
  });
});
