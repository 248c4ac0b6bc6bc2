import { SweepPacer } from '../../src/retention/sweep-pacer';

/** A pacer on a scripted stopwatch: batches "take" what the test says, pauses are recorded, not slept. */
function scripted(dutyPercent: number) {
  let now = 0;
  const pauses: number[] = [];
  const pacer = new SweepPacer(
    dutyPercent,
    async (ms) => {
      pauses.push(ms);
      now += ms;
    },
    () => now,
  );
  return { pacer, pauses, work: (ms: number) => (now += ms), now: () => now };
}

describe('SweepPacer: a sweep works at most its duty cycle of the wall time it runs', () => {
  it('pauses after each batch in proportion to the batch, none before the first', async () => {
    const s = scripted(50);
    await s.pacer.beforeBatch();
    expect(s.pauses).toEqual([]);
    s.work(200);
    await s.pacer.beforeBatch();
    s.work(40);
    await s.pacer.beforeBatch();
    expect(s.pauses).toEqual([200, 40]);

    const quarter = scripted(25);
    await quarter.pacer.beforeBatch();
    quarter.work(100);
    await quarter.pacer.beforeBatch();
    expect(quarter.pauses).toEqual([300]);
  });

  it('over many batches of any length, work stays within the duty cycle of the elapsed time', async () => {
    for (const duty of [10, 50, 80]) {
      const s = scripted(duty);
      let worked = 0;
      for (let i = 0; i < 200; i++) {
        await s.pacer.beforeBatch();
        const ms = 5 + ((i * 37) % 400);
        worked += s.work(ms) - (s.now() - ms);
      }
      await s.pacer.beforeBatch();
      expect(worked / s.now()).toBeCloseTo(duty / 100, 5);
    }
  });

  it('100 % never pauses; a stalled batch pauses at most 5 s', async () => {
    const full = scripted(100);
    await full.pacer.beforeBatch();
    full.work(10_000);
    await full.pacer.beforeBatch();
    expect(full.pauses).toEqual([]);
    const s = scripted(10);
    await s.pacer.beforeBatch();
    s.work(60_000);
    await s.pacer.beforeBatch();
    expect(s.pauses).toEqual([5_000]);
  });

  it('refuses a duty cycle outside 1..100', () => {
    for (const bad of [0, 101, 12.5, Number.NaN]) expect(() => new SweepPacer(bad)).toThrow(RangeError);
  });
});
