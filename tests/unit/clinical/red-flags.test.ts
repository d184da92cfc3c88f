import { describe, expect, it } from 'vitest';
import {
  computeRedFlags,
  episodesInWindow,
  localDate,
  localHour,
  RED_FLAG_CODES,
  windowUnchangedUntil,
  CONSECUTIVE_DAYS_ADVICE,
  DEFAULT_RED_FLAG_ADVICE,
  type EpisodeFacts,
  type RedFlagCode,
} from '@/lib/clinical/red-flags';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '@/lib/clinical/thresholds';
import type { MuscleGroup, Trigger } from '@/lib/clinical/vocabulary';

const DAY = 24 * 60 * 60 * 1000;
const ASOF = new Date('2026-06-30T12:00:00Z');

let seq = 0;
function ep(at: string | Date, over: Partial<EpisodeFacts> = {}): EpisodeFacts {
  seq += 1;
  return {
    id: over.id ?? `e${seq}`,
    occurredAt: typeof at === 'string' ? new Date(at) : at,
    durationSeconds: 60,
    muscleGroup: 'CALF',
    triggers: [],
    consciousnessImpaired: false,
    ...over,
  };
}

/** An episode at 10:00 UTC on 2026-06-<day>. */
function onDay(day: number, over: Partial<EpisodeFacts> = {}): EpisodeFacts {
  return ep(`2026-06-${String(day).padStart(2, '0')}T10:00:00Z`, over);
}

function flags(episodes: EpisodeFacts[], opts: { asOf?: Date; timeZone?: string } = {}, thresholds = DEFAULT_THRESHOLDS) {
  return computeRedFlags({ episodes, asOf: opts.asOf ?? ASOF, timeZone: opts.timeZone ?? 'UTC' }, thresholds);
}
function codes(...args: Parameters<typeof flags>): RedFlagCode[] {
  return flags(...args).map((f) => f.code);
}
function flag(code: RedFlagCode, ...args: Parameters<typeof flags>) {
  return flags(...args).find((f) => f.code === code);
}

describe('localDate and localHour', () => {
  it.each<[string, string, string, number]>([
    ['2026-07-02T03:30:00Z', 'America/New_York', '2026-07-01', 23],
    ['2026-07-02T04:30:00Z', 'America/New_York', '2026-07-02', 0],
    ['2026-07-01T14:30:00Z', 'Asia/Tokyo', '2026-07-01', 23],
    ['2026-07-01T15:30:00Z', 'Asia/Tokyo', '2026-07-02', 0],
    ['2026-07-01T00:00:00Z', 'UTC', '2026-07-01', 0],
    ['2026-07-01T23:59:59Z', 'UTC', '2026-07-01', 23],
    // Winter time in New York (UTC-5) after the November change.
    ['2026-12-01T04:59:00Z', 'America/New_York', '2026-11-30', 23],
    ['2026-12-01T05:00:00Z', 'America/New_York', '2026-12-01', 0],
    // The repeated hour when New York falls back (2026-11-01).
    ['2026-11-01T05:30:00Z', 'America/New_York', '2026-11-01', 1],
    ['2026-11-01T06:30:00Z', 'America/New_York', '2026-11-01', 1],
  ])('%s in %s is %s hour %i', (iso, tz, date, hour) => {
    expect(localDate(new Date(iso), tz)).toBe(date);
    expect(localHour(new Date(iso), tz)).toBe(hour);
  });

  it('rejects an unknown time zone', () => {
    expect(() => localDate(new Date(), 'Not/AZone')).toThrow(RangeError);
  });

  it('answers the same instant asked again, in each zone its own date', () => {
    const d = new Date('2026-07-01T15:30:00Z');
    for (let i = 0; i < 2; i++) {
      expect(localDate(d, 'Asia/Tokyo')).toBe('2026-07-02');
      expect(localDate(d, 'America/New_York')).toBe('2026-07-01');
      expect(localDate(new Date(d.getTime() - 3600_000), 'Asia/Tokyo')).toBe('2026-07-01');
    }
  });
});

describe('episodesInWindow', () => {
  it.each<[string, Date, boolean]>([
    ['exactly at asOf', ASOF, true],
    ['1 ms after asOf', new Date(ASOF.getTime() + 1), false],
    ['a day after asOf', new Date(ASOF.getTime() + DAY), false],
    ['exactly 30 days before asOf', new Date(ASOF.getTime() - 30 * DAY), true],
    ['30 days + 1 ms before asOf', new Date(ASOF.getTime() - 30 * DAY - 1), false],
    ['31 days before asOf', new Date(ASOF.getTime() - 31 * DAY), false],
    ['29 days before asOf', new Date(ASOF.getTime() - 29 * DAY), true],
  ])('%s -> in window: %s', (_name, at, inside) => {
    expect(episodesInWindow([{ occurredAt: at }], ASOF, 30)).toHaveLength(inside ? 1 : 0);
  });

  it('uses the given window length', () => {
    const e = { occurredAt: new Date(ASOF.getTime() - 10 * DAY) };
    expect(episodesInWindow([e], ASOF, 7)).toHaveLength(0);
    expect(episodesInWindow([e], ASOF, 10)).toHaveLength(1);
  });
});

describe('windowUnchangedUntil', () => {
  const at = (ms: number) => new Date(ASOF.getTime() + ms);
  it.each<[string, Date[], Date | null]>([
    ['no episodes', [], null],
    ['only episodes already out of the window', [at(-30 * DAY - 1), at(-40 * DAY)], null],
    ['one episode exactly 30 days old: leaves 1 ms later', [at(-30 * DAY)], at(1)],
    ['one episode at asOf: leaves 30 days + 1 ms later', [ASOF], at(30 * DAY + 1)],
    ['the oldest episode in the window decides', [at(-DAY), at(-10 * DAY), at(-2 * DAY)], at(20 * DAY + 1)],
    ['an episode 1 ms after asOf enters first', [at(-10 * DAY), at(1)], at(1)],
    ['a later-dated episode after the oldest leaves', [at(-29 * DAY), at(5 * DAY)], at(DAY + 1)],
  ])('%s', (_name, occurredAt, until) => {
    expect(windowUnchangedUntil(occurredAt, ASOF, 30)).toEqual(until);
  });

  it('the window before it gives the same episodes at every moment up to it', () => {
    const eps = [at(-3 * DAY), at(-29 * DAY), at(2 * DAY)].map((occurredAt) => ({ occurredAt }));
    const until = windowUnchangedUntil(eps.map((e) => e.occurredAt), ASOF, 30)!;
    const ids = (t: Date) => episodesInWindow(eps, t, 30).map((e) => e.occurredAt.getTime());
    expect(ids(new Date(until.getTime() - 1))).toEqual(ids(ASOF));
    expect(ids(until)).not.toEqual(ids(ASOF));
  });
});

describe('red flags: window edges', () => {
  it.each<[string, Date, boolean]>([
    ['exactly 30 days before asOf counts', new Date(ASOF.getTime() - 30 * DAY), true],
    ['30 days + 1 ms before asOf is out', new Date(ASOF.getTime() - 30 * DAY - 1), false],
    ['31 days before asOf is out', new Date(ASOF.getTime() - 31 * DAY), false],
    ['at asOf counts', ASOF, true],
    ['after asOf is ignored', new Date(ASOF.getTime() + 60_000), false],
  ])('%s', (_name, at, expected) => {
    expect(codes([ep(at, { durationSeconds: 600 })]).includes('PROLONGED_EPISODE')).toBe(expected);
  });

  it('episodes after asOf do not count towards frequency', () => {
    const eps = [onDay(29), onDay(30, { occurredAt: new Date('2026-06-30T11:00:00Z') }), ep('2026-06-30T13:00:00Z')];
    expect(codes(eps)).not.toContain('FREQUENT_EPISODES');
  });

  it('a clinic can shorten the window', () => {
    const e = ep(new Date(ASOF.getTime() - 10 * DAY), { durationSeconds: 600 });
    expect(codes([e])).toContain('PROLONGED_EPISODE');
    expect(codes([e], {}, resolveThresholds({ windowDays: 7 }))).not.toContain('PROLONGED_EPISODE');
  });

  it('no episodes, no flags', () => {
    expect(flags([])).toEqual([]);
  });
});

describe('PROLONGED_EPISODE', () => {
  it.each<[number, boolean]>([
    [299, false],
    [300, true],
    [301, true],
    [86400, true],
  ])('duration %i s -> %s', (durationSeconds, expected) => {
    const f = flag('PROLONGED_EPISODE', [onDay(20, { durationSeconds, id: 'long' })]);
    expect(f !== undefined).toBe(expected);
    if (f) {
      expect(f.urgency).toBe('URGENT');
      expect(f.evidence.episodeIds).toEqual(['long']);
      expect(f.evidence.days).toEqual(['2026-06-20']);
      expect(f.advice).toBe(DEFAULT_RED_FLAG_ADVICE);
      expect(f.advice).toMatch(/detailed examination to find the cause/i);
    }
  });

  it('follows a clinic threshold', () => {
    const e = [onDay(20, { durationSeconds: 300 })];
    expect(codes(e, {}, resolveThresholds({ prolongedEpisodeSeconds: 600 }))).not.toContain('PROLONGED_EPISODE');
  });

  it('lists only the prolonged episodes as evidence', () => {
    const f = flag('PROLONGED_EPISODE', [onDay(10, { id: 'a', durationSeconds: 30 }), onDay(20, { id: 'b', durationSeconds: 450 })]);
    expect(f?.evidence.episodeIds).toEqual(['b']);
    expect(f?.evidence.summary).toContain('7 min 30 s');
  });
});

describe('IMPAIRED_CONSCIOUSNESS', () => {
  it.each<[boolean, boolean]>([
    [true, true],
    [false, false],
  ])('consciousnessImpaired %s -> flag %s', (impaired, expected) => {
    const f = flag('IMPAIRED_CONSCIOUSNESS', [onDay(20, { id: 'x', consciousnessImpaired: impaired })]);
    expect(f !== undefined).toBe(expected);
    if (f) {
      expect(f.urgency).toBe('URGENT');
      expect(f.advice).toMatch(/urgent neurological assessment/i);
      expect(f.evidence.episodeIds).toEqual(['x']);
    }
  });
});

describe('OUTSIDE_CALF_FOOT', () => {
  it.each<[MuscleGroup, boolean]>([
    ['CALF', false],
    ['FOOT', false],
    ['THIGH', true],
    ['OTHER', true],
  ])('muscle group %s -> flag %s', (muscleGroup, expected) => {
    const f = flag('OUTSIDE_CALF_FOOT', [onDay(20, { muscleGroup, id: 'm' })]);
    expect(f !== undefined).toBe(expected);
    if (f) expect(f.evidence.episodeIds).toEqual(['m']);
  });
});

describe('FREQUENT_EPISODES', () => {
  it.each<[string, number[], boolean]>([
    ['2 episodes in 7 days', [20, 21], false],
    ['3 episodes on one day', [20, 20, 20], true],
    ['3 episodes spanning 7 calendar days (20..26)', [20, 23, 26], true],
    ['3 episodes spanning 8 calendar days (20..27)', [20, 23, 27], false],
    ['4 episodes never 3 within 7 days', [1, 8, 15, 22], false],
  ])('%s -> %s', (_name, days, expected) => {
    expect(codes(days.map((d) => onDay(d))).includes('FREQUENT_EPISODES')).toBe(expected);
  });

  it('evidence is the densest 7-day span', () => {
    const eps = [onDay(2, { id: 'a' }), onDay(10, { id: 'b' }), onDay(12, { id: 'c' }), onDay(14, { id: 'd' }), onDay(25, { id: 'e' })];
    const f = flag('FREQUENT_EPISODES', eps)!;
    expect(f.evidence.episodeIds).toEqual(['b', 'c', 'd']);
    expect(f.evidence.days).toEqual(['2026-06-10', '2026-06-12', '2026-06-14']);
    expect(f.urgency).toBe('ROUTINE');
    expect(f.advice).toBe(DEFAULT_RED_FLAG_ADVICE);
  });

  it('prefers the span with more episodes over an earlier one', () => {
    const eps = [1, 2, 3, 20, 21, 22, 23].map((d, i) => onDay(d, { id: `x${i}` }));
    expect(flag('FREQUENT_EPISODES', eps)!.evidence.episodeIds).toEqual(['x3', 'x4', 'x5', 'x6']);
  });

  it('counts local calendar days (Asia/Tokyo)', () => {
    // 2026-06-20 00:30 JST is 2026-06-19T15:30Z; 2026-06-26 23:30 JST is 2026-06-26T14:30Z: 7 local days.
    const eps = [ep('2026-06-19T15:30:00Z'), ep('2026-06-23T03:00:00Z'), ep('2026-06-26T14:30:00Z')];
    expect(codes(eps, { timeZone: 'Asia/Tokyo' })).toContain('FREQUENT_EPISODES');
    // In UTC the same instants fall on 06-19 and 06-26: 8 calendar days.
    expect(codes(eps, { timeZone: 'UTC' })).not.toContain('FREQUENT_EPISODES');
  });
});

describe('FREQUENT_WITHOUT_EXERTION', () => {
  const ex = (n: number): Trigger[] => (n ? ['EXERTION'] : []);
  it.each<[string, number[], number[], boolean]>([
    // [name, days, 1 if the episode lists EXERTION, expected]
    ['4 frequent, 2 with exertion (exactly half)', [20, 21, 22, 23], [1, 1, 0, 0], false],
    ['4 frequent, 1 with exertion (fewer than half)', [20, 21, 22, 23], [1, 0, 0, 0], true],
    ['3 frequent, 1 with exertion (1 of 3)', [20, 21, 22], [1, 0, 0], true],
    ['3 frequent, 2 with exertion', [20, 21, 22], [1, 1, 0], false],
    ['3 frequent, none with exertion', [20, 21, 22], [0, 0, 0], true],
    ['not frequent, none with exertion', [10, 20], [0, 0], false],
    // The share is over the window's episodes, not just the frequent span.
    ['3 frequent without exertion + 3 others with exertion (3 of 6)', [1, 10, 20, 21, 22, 29], [1, 1, 0, 0, 0, 1], false],
    ['3 frequent without exertion + 2 others with exertion (2 of 5)', [1, 10, 20, 21, 22], [1, 1, 0, 0, 0], true],
  ])('%s -> %s', (_name, days, exertion, expected) => {
    const eps = days.map((d, i) => onDay(d, { triggers: ex(exertion[i]) }));
    const result = codes(eps);
    expect(result.includes('FREQUENT_WITHOUT_EXERTION')).toBe(expected);
    if (expected) expect(result).toContain('FREQUENT_EPISODES');
  });

  it('episodes outside the window do not dilute the share', () => {
    const eps = [
      ep(new Date(ASOF.getTime() - 40 * DAY), { triggers: ['EXERTION'] }),
      ep(new Date(ASOF.getTime() - 45 * DAY), { triggers: ['EXERTION'] }),
      onDay(20),
      onDay(21),
      onDay(22, { triggers: ['EXERTION'] }),
    ];
    expect(codes(eps)).toContain('FREQUENT_WITHOUT_EXERTION');
  });

  it.each<[string, Trigger[][], string]>([
    ['none with exertion', [[], [], []], 'none of 3 episodes in the last 30 days followed exertion'],
    ['one with exertion', [['EXERTION'], [], []], 'only 1 of 3 episodes in the last 30 days followed exertion'],
  ])('says how many followed exertion: %s', (_name, triggers, expected) => {
    const f = flag('FREQUENT_WITHOUT_EXERTION', triggers.map((t, i) => onDay(20 + i, { triggers: t })))!;
    expect(f.evidence.summary).toContain(expected);
  });

  it('has HIGH urgency and the default advice', () => {
    const f = flag('FREQUENT_WITHOUT_EXERTION', [onDay(20), onDay(21), onDay(22)])!;
    expect(f.urgency).toBe('HIGH');
    expect(f.advice).toBe(DEFAULT_RED_FLAG_ADVICE);
  });
});

describe('CONSECUTIVE_DAYS', () => {
  it.each<[string, number[], boolean]>([
    ['2 consecutive days', [20, 21], false],
    ['3 consecutive days', [20, 21, 22], true],
    ['3 days with a gap', [20, 21, 23], false],
    ['2 + 2 consecutive days', [10, 11, 20, 21], false],
    ['several episodes on 2 days', [20, 20, 21, 21], false],
  ])('%s -> %s', (_name, days, expected) => {
    expect(codes(days.map((d) => onDay(d))).includes('CONSECUTIVE_DAYS')).toBe(expected);
  });

  it('evidence is the longest run, and the advice adds warmth', () => {
    const eps = [1, 2, 3, 10, 11, 12, 13].map((d) => onDay(d, { id: `d${d}` }));
    const f = flag('CONSECUTIVE_DAYS', eps)!;
    expect(f.evidence.days).toEqual(['2026-06-10', '2026-06-11', '2026-06-12', '2026-06-13']);
    expect(f.evidence.episodeIds).toEqual(['d10', 'd11', 'd12', 'd13']);
    expect(f.advice).toBe(CONSECUTIVE_DAYS_ADVICE);
    expect(f.advice).toMatch(/detailed examination/i);
    expect(f.advice).toMatch(/feet warm/i);
    expect(f.advice).toMatch(/warming compresses/i);
    expect(f.advice).toMatch(/warm clothes at night/i);
  });

  it('runs across a month boundary', () => {
    const asOf = new Date('2026-07-05T00:00:00Z');
    const eps = [ep('2026-06-30T10:00:00Z'), ep('2026-07-01T10:00:00Z'), ep('2026-07-02T10:00:00Z')];
    expect(codes(eps, { asOf })).toContain('CONSECUTIVE_DAYS');
  });

  // Two episodes at noon local on 06-29 and 06-30, the third at 23:30 local on 06-30 or 00:30 local on 07-01.
  it.each<[string, string, string, boolean]>([
    ['America/New_York', '23:30 local', '2026-07-01T03:30:00Z', false],
    ['America/New_York', '00:30 local next day', '2026-07-01T04:30:00Z', true],
    ['Asia/Tokyo', '23:30 local', '2026-06-30T14:30:00Z', false],
    ['Asia/Tokyo', '00:30 local next day', '2026-06-30T15:30:00Z', true],
  ])('%s: third episode at %s -> %s', (tz, _label, third, expected) => {
    const noon = tz === 'Asia/Tokyo' ? 'T03:00:00Z' : 'T16:00:00Z';
    const eps = [ep(`2026-06-29${noon}`), ep(`2026-06-30${noon}`), ep(third)];
    const asOf = new Date('2026-07-05T00:00:00Z');
    expect(codes(eps, { asOf, timeZone: tz }).includes('CONSECUTIVE_DAYS')).toBe(expected);
  });

  it('evidence days are local dates', () => {
    const eps = [ep('2026-06-29T03:00:00Z'), ep('2026-06-30T03:00:00Z'), ep('2026-06-30T15:30:00Z')];
    const f = flag('CONSECUTIVE_DAYS', eps, { asOf: new Date('2026-07-05T00:00:00Z'), timeZone: 'Asia/Tokyo' })!;
    expect(f.evidence.days).toEqual(['2026-06-29', '2026-06-30', '2026-07-01']);
  });
});

describe('ANY_TIME_OF_DAY', () => {
  const at = (hhmm: string, day = 20) => ep(`2026-06-${String(day).padStart(2, '0')}T${hhmm}:00Z`);
  it.each<[string, string[], boolean]>([
    ['night, night, morning (2 parts)', ['00:00', '05:59', '06:00'], false],
    ['night, morning, afternoon (3 parts)', ['05:59', '06:00', '12:00'], true],
    ['morning, afternoon, afternoon (2 parts)', ['11:59', '12:00', '17:59'], false],
    ['afternoon, evening, evening (2 parts)', ['17:59', '18:00', '23:59'], false],
    ['morning, afternoon, evening (3 parts)', ['08:00', '14:00', '20:00'], true],
    ['all 4 parts', ['03:00', '08:00', '14:00', '20:00'], true],
  ])('%s -> %s', (_name, times, expected) => {
    // Spread over days far apart so no other pattern matters.
    const eps = times.map((t, i) => at(t, [2, 11, 20, 29][i]));
    expect(codes(eps).includes('ANY_TIME_OF_DAY')).toBe(expected);
  });

  it('names the day parts in the summary', () => {
    const f = flag('ANY_TIME_OF_DAY', [at('03:00', 2), at('08:00', 11), at('20:00', 20)])!;
    expect(f.evidence.summary).toMatch(/3 of 4/);
    expect(f.evidence.summary).toMatch(/night, morning, evening/);
    expect(f.urgency).toBe('HIGH');
  });

  it('follows a clinic threshold', () => {
    const eps = [at('03:00', 2), at('08:00', 11), at('20:00', 20)];
    expect(codes(eps, {}, resolveThresholds({ anyTimeOfDayParts: 4 }))).not.toContain('ANY_TIME_OF_DAY');
  });

  // Morning (08:00) and evening (20:00) local, plus one at 23:30 local (evening) or 00:30 local (night).
  it.each<[string, string, string, boolean]>([
    ['America/New_York', '23:30 local', '2026-06-21T03:30:00Z', false],
    ['America/New_York', '00:30 local', '2026-06-21T04:30:00Z', true],
    ['Asia/Tokyo', '23:30 local', '2026-06-20T14:30:00Z', false],
    ['Asia/Tokyo', '00:30 local', '2026-06-20T15:30:00Z', true],
  ])('%s: third episode at %s -> %s', (tz, _label, third, expected) => {
    const local = tz === 'Asia/Tokyo' ? ['2026-06-01T23:00:00Z', '2026-06-10T11:00:00Z'] : ['2026-06-02T12:00:00Z', '2026-06-11T00:00:00Z'];
    const eps = [ep(local[0]), ep(local[1]), ep(third)];
    expect(codes(eps, { timeZone: tz }).includes('ANY_TIME_OF_DAY')).toBe(expected);
  });
});

describe('ordering and shape', () => {
  it('returns URGENT flags first, in the documented order', () => {
    const eps = [
      ep('2026-06-20T02:00:00Z', { consciousnessImpaired: true }),
      ep('2026-06-21T08:00:00Z', { durationSeconds: 600 }),
      ep('2026-06-22T15:00:00Z', { muscleGroup: 'THIGH' }),
    ];
    const result = flags(eps);
    expect(result.map((f) => f.code)).toEqual([...RED_FLAG_CODES]);
    expect(result.map((f) => f.urgency)).toEqual(['URGENT', 'URGENT', 'HIGH', 'HIGH', 'HIGH', 'ROUTINE', 'ROUTINE']);
    for (const f of result) {
      expect(f.message.length).toBeGreaterThan(0);
      expect(f.evidence.summary.length).toBeGreaterThan(0);
      expect(f.evidence.episodeIds.length).toBeGreaterThan(0);
      for (const d of f.evidence.days) expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('urgent flags come before others even when only some fire', () => {
    const result = codes([onDay(20), onDay(21), onDay(22, { durationSeconds: 300 })]);
    expect(result[0]).toBe('PROLONGED_EPISODE');
    expect(result).toContain('FREQUENT_EPISODES');
  });
});
