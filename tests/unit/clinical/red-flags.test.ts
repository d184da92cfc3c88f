import { describe, expect, it } from 'vitest';
import {
  computeRedFlags,
  episodesInWindow,
  isRlsEpisode,
  isSeizureLike,
  localDate,
  localHour,
  RED_FLAG_CODES,
  RED_FLAG_LABELS,
  RED_FLAG_URGENCIES,
  RED_FLAG_URGENCY,
  RED_FLAG_URGENCY_LABELS,
  windowUnchangedUntil,
  CALF_SWELLING_ADVICE,
  CONSECUTIVE_DAYS_ADVICE,
  DEFAULT_RED_FLAG_ADVICE,
  IMPAIRED_CONSCIOUSNESS_ADVICE,
  PROLONGED_SEIZURE_ADVICE,
  WEAKNESS_OR_WASTING_ADVICE,
  type EpisodeFacts,
  type RedFlagCode,
  type RedFlagUrgency,
  type VisitFindingFacts,
} from '@/lib/core/clinical/red-flags';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '@/lib/core/clinical/thresholds';
import type { Classification, ExamFinding, MuscleGroup, Trigger } from '@/lib/core/clinical/vocabulary';

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

function flags(
  episodes: EpisodeFacts[],
  opts: { asOf?: Date; timeZone?: string; visits?: VisitFindingFacts[] } = {},
  thresholds = DEFAULT_THRESHOLDS,
) {
  return computeRedFlags({ episodes, visits: opts.visits, asOf: opts.asOf ?? ASOF, timeZone: opts.timeZone ?? 'UTC' }, thresholds);
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
    expect(codes([ep(at, { durationSeconds: 600 })]).includes('PROLONGED_CRAMP')).toBe(expected);
    expect(codes([ep(at, { durationSeconds: 300, classification: 'CLONIC' })]).includes('PROLONGED_SEIZURE')).toBe(expected);
  });

  it('episodes after asOf do not count towards frequency', () => {
    const eps = [onDay(29), onDay(30, { occurredAt: new Date('2026-06-30T11:00:00Z') }), ep('2026-06-30T13:00:00Z')];
    expect(codes(eps)).not.toContain('FREQUENT_EPISODES');
  });

  it('a clinic can shorten the window', () => {
    const e = ep(new Date(ASOF.getTime() - 10 * DAY), { durationSeconds: 600 });
    expect(codes([e])).toContain('PROLONGED_CRAMP');
    expect(codes([e], {}, resolveThresholds({ windowDays: 7 }))).not.toContain('PROLONGED_CRAMP');
  });

  it('no episodes, no flags', () => {
    expect(flags([])).toEqual([]);
    expect(flags([], { visits: [] })).toEqual([]);
    expect(flags([], { visits: [{ id: 'v', occurredAt: ASOF, examFindings: [] }] })).toEqual([]);
  });
});

// v2: PROLONGED_EPISODE is gone; PROLONGED_SEIZURE (seizure-like, >= 300 s) and PROLONGED_CRAMP (>= 600 s).
const SEIZURE_LIKE: [string, Partial<EpisodeFacts>][] = [
  ['labelled CLONIC', { classification: 'CLONIC' }],
  ['labelled TONIC_CLONIC', { classification: 'TONIC_CLONIC' }],
  ['unlabelled, suggested CLONIC', { suggestedClassification: 'CLONIC' }],
  ['unlabelled, suggested TONIC_CLONIC', { suggestedClassification: 'TONIC_CLONIC' }],
  ['consciousness impaired, no type', { consciousnessImpaired: true }],
  ['consciousness impaired, labelled TONIC', { consciousnessImpaired: true, classification: 'TONIC' }],
  ['labelled TONIC, suggested CLONIC ("labelled or suggested")', { classification: 'TONIC', suggestedClassification: 'CLONIC' }],
  ['labelled CLONIC, suggested RLS (the label wins)', { classification: 'CLONIC', suggestedClassification: 'RLS' }],
];
const NOT_SEIZURE_LIKE: [string, Partial<EpisodeFacts>][] = [
  ['no type', {}],
  ['labelled TONIC', { classification: 'TONIC' }],
  ['labelled MYOCLONIC', { classification: 'MYOCLONIC' }],
  ['unlabelled, suggested TONIC', { suggestedClassification: 'TONIC' }],
  ['unlabelled, suggested MYOCLONIC', { suggestedClassification: 'MYOCLONIC' }],
  ['labelled TONIC, suggested MYOCLONIC', { classification: 'TONIC', suggestedClassification: 'MYOCLONIC' }],
  ['labelled TONIC, suggested RLS (the label wins)', { classification: 'TONIC', suggestedClassification: 'RLS' }],
];

describe('isSeizureLike and isRlsEpisode', () => {
  it.each(SEIZURE_LIKE)('seizure-like: %s', (_name, over) => {
    expect(isSeizureLike(ep(ASOF, over))).toBe(true);
  });
  it.each(NOT_SEIZURE_LIKE)('not seizure-like: %s', (_name, over) => {
    expect(isSeizureLike(ep(ASOF, over))).toBe(false);
  });

  it.each<[Classification | null | undefined, Classification | null | undefined, boolean]>([
    ['RLS', undefined, true],
    ['RLS', 'TONIC', true],
    [null, 'RLS', true],
    [undefined, 'RLS', true],
    ['TONIC', 'RLS', false],
    ['CLONIC', 'RLS', false],
    [null, 'TONIC', false],
    [null, null, false],
  ])('label %s, suggestion %s -> RLS for the duration flags: %s', (classification, suggestedClassification, expected) => {
    expect(isRlsEpisode(ep(ASOF, { classification, suggestedClassification }))).toBe(expected);
  });
});

/** Each kind of episode at each duration, as it.each rows: name, episode fields, seconds, flag expected. */
function durationRows(kinds: [string, Partial<EpisodeFacts>][], durations: [number, boolean][]) {
  return kinds.flatMap(([name, over]) =>
    durations.map(([s, expected]) => [`${name}, ${s} s`, over, s, expected] as [string, Partial<EpisodeFacts>, number, boolean]),
  );
}

/** A duration flag: raised by one episode (`id`) with this urgency and advice; `never` is not raised beside it. */
interface DurationFlag {
  code: RedFlagCode;
  never: RedFlagCode;
  id: string;
  urgency: RedFlagUrgency;
  advice: string;
  adviceSays?: RegExp;
}

function expectDurationFlag(d: DurationFlag, over: Partial<EpisodeFacts>, durationSeconds: number, expected: boolean) {
  const result = flags([onDay(20, { id: d.id, durationSeconds, ...over })]);
  const f = result.find((x) => x.code === d.code);
  expect(f !== undefined).toBe(expected);
  expect(result.map((x) => x.code)).not.toContain(d.never);
  if (f) {
    expect(f.urgency).toBe(d.urgency);
    expect(f.advice).toBe(d.advice);
    if (d.adviceSays) expect(f.advice).toMatch(d.adviceSays);
    expect(f.evidence).toMatchObject({ episodeIds: [d.id], visitIds: [], days: ['2026-06-20'] });
  }
}

describe('PROLONGED_SEIZURE (v2)', () => {
  const rows = durationRows(SEIZURE_LIKE, [
    [299, false],
    [300, true],
    [301, true],
  ]);
  // Under 600 s: no cramp flag either way, and a seizure-like episode is never a cramp.
  const seizure: DurationFlag = { code: 'PROLONGED_SEIZURE', never: 'PROLONGED_CRAMP', id: 's', urgency: 'URGENT', advice: PROLONGED_SEIZURE_ADVICE };
  it.each(rows)('%s -> flag %s', (_name, over, durationSeconds, expected) => {
    expectDurationFlag(seizure, over, durationSeconds, expected);
  });

  const notRows = NOT_SEIZURE_LIKE.flatMap(([name, over]) =>
    [299, 300, 301, 599].map((s) => [`${name}, ${s} s`, over, s] as [string, Partial<EpisodeFacts>, number]),
  );
  it.each(notRows)('not seizure-like: %s -> no duration flag', (_name, over, durationSeconds) => {
    const result = codes([onDay(20, { durationSeconds, ...over })]);
    expect(result).not.toContain('PROLONGED_SEIZURE');
    expect(result).not.toContain('PROLONGED_CRAMP');
  });

  it('asks for an emergency assessment (the 5-minute point of status epilepticus)', () => {
    expect(PROLONGED_SEIZURE_ADVICE).toMatch(/emergency assessment/i);
    expect(PROLONGED_SEIZURE_ADVICE).toMatch(/5 minutes/);
    expect(PROLONGED_SEIZURE_ADVICE).not.toBe(DEFAULT_RED_FLAG_ADVICE);
  });

  it.each<[string, Partial<EpisodeFacts>, RedFlagCode[]]>([
    ['labelled CLONIC', { classification: 'CLONIC' }, ['PROLONGED_SEIZURE']],
    ['suggested TONIC_CLONIC', { suggestedClassification: 'TONIC_CLONIC' }, ['PROLONGED_SEIZURE']],
    ['consciousness impaired', { consciousnessImpaired: true }, ['IMPAIRED_CONSCIOUSNESS', 'PROLONGED_SEIZURE']],
  ])('a seizure-like 700 s episode (%s) raises PROLONGED_SEIZURE, not PROLONGED_CRAMP', (_name, over, expected) => {
    expect(codes([onDay(20, { durationSeconds: 700, ...over })])).toEqual(expected);
  });

  it('lists only the prolonged seizure-like episodes as evidence, with the longest', () => {
    const f = flag('PROLONGED_SEIZURE', [
      onDay(10, { id: 'a', durationSeconds: 30, classification: 'CLONIC' }),
      onDay(12, { id: 'b', durationSeconds: 450, classification: 'CLONIC' }),
      onDay(14, { id: 'c', durationSeconds: 450, classification: 'TONIC' }),
      onDay(21, { id: 'd', durationSeconds: 720, suggestedClassification: 'TONIC_CLONIC' }),
    ])!;
    expect(f.evidence.episodeIds).toEqual(['b', 'd']);
    expect(f.evidence.days).toEqual(['2026-06-12', '2026-06-21']);
    expect(f.evidence.summary).toBe(
      '2 seizure-like episodes of 5 min or longer in the last 30 days; longest 12 min on 2026-06-21',
    );
    expect(f.message).toBe('Seizure-like episode lasting 5 min or longer');
  });

  it.each<[number, boolean]>([
    [119, false],
    [120, true],
    [121, true],
  ])('follows a clinic threshold of 120 s: %i s -> %s', (durationSeconds, expected) => {
    const t = resolveThresholds({ prolongedSeizureSeconds: 120 });
    const f = flag('PROLONGED_SEIZURE', [onDay(20, { durationSeconds, classification: 'CLONIC' })], {}, t);
    expect(f !== undefined).toBe(expected);
    if (f) expect(f.message).toBe('Seizure-like episode lasting 2 min or longer');
  });

  it('a clinic threshold for cramps does not move the seizure threshold', () => {
    const t = resolveThresholds({ prolongedCrampSeconds: 1200 });
    expect(codes([onDay(20, { durationSeconds: 300, classification: 'CLONIC' })], {}, t)).toEqual(['PROLONGED_SEIZURE']);
  });
});

describe('PROLONGED_CRAMP (v2)', () => {
  const rows = durationRows(NOT_SEIZURE_LIKE, [
    [599, false],
    [600, true],
    [601, true],
    [86400, true],
  ]);
  const cramp: DurationFlag = {
    code: 'PROLONGED_CRAMP',
    never: 'PROLONGED_SEIZURE',
    id: 'c',
    urgency: 'HIGH',
    advice: DEFAULT_RED_FLAG_ADVICE,
    adviceSays: /detailed examination to find the cause/i,
  };
  it.each(rows)('%s -> flag %s', (_name, over, durationSeconds, expected) => {
    expectDurationFlag(cramp, over, durationSeconds, expected);
  });

  it('lists only the prolonged episodes as evidence, with the longest', () => {
    const f = flag('PROLONGED_CRAMP', [
      onDay(10, { id: 'a', durationSeconds: 30 }),
      onDay(20, { id: 'b', durationSeconds: 650 }),
      onDay(22, { id: 'c', durationSeconds: 750, classification: 'TONIC' }),
    ])!;
    expect(f.evidence.episodeIds).toEqual(['b', 'c']);
    expect(f.evidence.summary).toBe('2 episodes of 10 min or longer in the last 30 days; longest 12 min 30 s on 2026-06-22');
    expect(f.message).toBe('Episode lasting 10 min or longer');
  });

  it.each<[number, boolean]>([
    [899, false],
    [900, true],
    [901, true],
  ])('follows a clinic threshold of 900 s: %i s -> %s', (durationSeconds, expected) => {
    const t = resolveThresholds({ prolongedCrampSeconds: 900 });
    expect(codes([onDay(20, { durationSeconds })], {}, t).includes('PROLONGED_CRAMP')).toBe(expected);
  });

  it('a seizure-like and a tonic episode of 700 s raise one flag each, each with its own evidence', () => {
    const result = flags([
      onDay(20, { id: 's', durationSeconds: 700, classification: 'CLONIC' }),
      onDay(25, { id: 't', durationSeconds: 700, classification: 'TONIC' }),
    ]);
    expect(result.map((f) => f.code)).toEqual(['PROLONGED_SEIZURE', 'PROLONGED_CRAMP']);
    expect(result[0].evidence.episodeIds).toEqual(['s']);
    expect(result[1].evidence.episodeIds).toEqual(['t']);
  });

  // Resolved ambiguity: "any other episode" is read as any episode that did not raise
  // PROLONGED_SEIZURE, so a long episode is never left unflagged by a clinic's thresholds.
  it('a seizure-like episode under a raised seizure threshold still counts as a prolonged episode', () => {
    const t = resolveThresholds({ prolongedSeizureSeconds: 900 });
    expect(codes([onDay(20, { durationSeconds: 700, classification: 'CLONIC' })], {}, t)).toEqual(['PROLONGED_CRAMP']);
  });
});

describe('RLS episodes raise no duration flag (v2)', () => {
  it.each<[string, Partial<EpisodeFacts>, RedFlagCode[]]>([
    ['labelled RLS', { classification: 'RLS' }, []],
    ['unlabelled, suggested RLS', { suggestedClassification: 'RLS' }, []],
    ['unlabelled, suggested RLS (label undefined)', { classification: undefined, suggestedClassification: 'RLS' }, []],
    ['labelled RLS, suggested TONIC', { classification: 'RLS', suggestedClassification: 'TONIC' }, []],
    ['labelled RLS, suggested CLONIC', { classification: 'RLS', suggestedClassification: 'CLONIC' }, []],
    ['labelled RLS, consciousness impaired', { classification: 'RLS', consciousnessImpaired: true }, ['IMPAIRED_CONSCIOUSNESS']],
    ['labelled TONIC, suggested RLS (the label wins)', { classification: 'TONIC', suggestedClassification: 'RLS' }, ['PROLONGED_CRAMP']],
    ['labelled MYOCLONIC, suggested RLS (the label wins)', { classification: 'MYOCLONIC', suggestedClassification: 'RLS' }, ['PROLONGED_CRAMP']],
    ['labelled CLONIC, suggested RLS (the label wins)', { classification: 'CLONIC', suggestedClassification: 'RLS' }, ['PROLONGED_SEIZURE']],
  ])('a 20-minute episode %s raises %j', (_name, over, expected) => {
    expect(codes([onDay(20, { durationSeconds: 20 * 60, ...over })])).toEqual(expected);
  });

  it('a whole-day RLS episode raises none either', () => {
    expect(codes([onDay(20, { durationSeconds: 86400, classification: 'RLS' })])).toEqual([]);
  });

  it('RLS episodes still count for the pattern flags', () => {
    const result = codes([20, 21, 22].map((d) => onDay(d, { classification: 'RLS', durationSeconds: 1200 })));
    expect(result).toContain('FREQUENT_EPISODES');
    expect(result).toContain('CONSECUTIVE_DAYS');
    expect(result).not.toContain('PROLONGED_CRAMP');
  });

  it('an RLS episode among others is left out of the evidence', () => {
    const f = flag('PROLONGED_CRAMP', [
      onDay(20, { id: 'rls', durationSeconds: 1800, classification: 'RLS' }),
      onDay(21, { id: 'cramp', durationSeconds: 600 }),
    ])!;
    expect(f.evidence.episodeIds).toEqual(['cramp']);
    expect(f.evidence.summary).toContain('longest 10 min on 2026-06-21');
  });
});

describe('CALF_SWELLING and WEAKNESS_OR_WASTING (v2): from visits in the window', () => {
  const visit = (at: Date | string, examFindings: ExamFinding[], id?: string): VisitFindingFacts => ({
    id,
    occurredAt: typeof at === 'string' ? new Date(at) : at,
    examFindings,
  });
  const withVisits = (visits: VisitFindingFacts[], opts: { timeZone?: string } = {}, thresholds = DEFAULT_THRESHOLDS) =>
    flags([], { ...opts, visits }, thresholds);

  it.each<[ExamFinding[], RedFlagCode[]]>([
    [['CALF_SWELLING_LEFT'], ['CALF_SWELLING']],
    [['CALF_SWELLING_RIGHT'], ['CALF_SWELLING']],
    [['CALF_SWELLING_LEFT', 'CALF_SWELLING_RIGHT'], ['CALF_SWELLING']],
    [['MUSCLE_WEAKNESS'], ['WEAKNESS_OR_WASTING']],
    [['MUSCLE_WASTING'], ['WEAKNESS_OR_WASTING']],
    [['FASCICULATIONS'], ['WEAKNESS_OR_WASTING']],
    [['MUSCLE_WEAKNESS', 'MUSCLE_WASTING', 'FASCICULATIONS'], ['WEAKNESS_OR_WASTING']],
    [['REDUCED_FOOT_PULSES'], []],
    [['VARICOSE_VEINS_SEEN'], []],
    [[], []],
    [['FASCICULATIONS', 'CALF_SWELLING_RIGHT'], ['CALF_SWELLING', 'WEAKNESS_OR_WASTING']],
  ])('findings %j raise %j', (findings, expected) => {
    expect(withVisits([visit('2026-06-20T10:00:00Z', findings, 'v')]).map((f) => f.code)).toEqual(expected);
  });

  const edges: [string, Date, boolean][] = [
    ['exactly 30 days before asOf', new Date(ASOF.getTime() - 30 * DAY), true],
    ['30 days + 1 ms before asOf', new Date(ASOF.getTime() - 30 * DAY - 1), false],
    ['31 days before asOf', new Date(ASOF.getTime() - 31 * DAY), false],
    ['29 days before asOf', new Date(ASOF.getTime() - 29 * DAY), true],
    ['at asOf', ASOF, true],
    ['1 ms after asOf', new Date(ASOF.getTime() + 1), false],
  ];
  it.each(
    edges.flatMap(([name, at, inside]) =>
      (
        [
          ['CALF_SWELLING', 'CALF_SWELLING_LEFT'],
          ['WEAKNESS_OR_WASTING', 'MUSCLE_WASTING'],
        ] as const
      ).map(([code, finding]) => [`${code}: a visit ${name}`, code, finding, at, inside] as [string, RedFlagCode, ExamFinding, Date, boolean]),
    ),
  )('%s -> %s', (_name, code, finding, at, inside) => {
    expect(withVisits([visit(at, [finding], 'v')]).some((f) => f.code === code)).toBe(inside);
  });

  it('CALF_SWELLING: urgent, same-day assessment for deep vein thrombosis, evidence the visits', () => {
    const f = withVisits([
      visit('2026-06-20T10:00:00Z', ['CALF_SWELLING_RIGHT'], 'v2'),
      visit('2026-05-01T10:00:00Z', ['CALF_SWELLING_LEFT'], 'old'),
      visit('2026-06-25T10:00:00Z', ['REDUCED_FOOT_PULSES'], 'other'),
      visit('2026-06-10T10:00:00Z', ['CALF_SWELLING_LEFT'], 'v1'),
      visit('2026-06-10T16:00:00Z', ['CALF_SWELLING_LEFT', 'VARICOSE_VEINS_SEEN'], 'v1b'),
    ]).find((x) => x.code === 'CALF_SWELLING')!;
    expect(f.urgency).toBe('URGENT');
    expect(f.advice).toBe(CALF_SWELLING_ADVICE);
    for (const part of [/deep vein thrombosis/, /same day/, /Wells score/, /D-dimer/, /compression ultrasound/]) expect(f.advice).toMatch(part);
    expect(f.evidence.episodeIds).toEqual([]);
    expect(f.evidence.visitIds).toEqual(['v1', 'v1b', 'v2']);
    expect(f.evidence.days).toEqual(['2026-06-10', '2026-06-20']);
    expect(f.evidence.summary).toBe(
      'left calf swollen, warm or red; right calf swollen, warm or red: found at 3 visits in the last 30 days (2026-06-10 to 2026-06-20)',
    );
    expect(f.message).toMatch(/deep vein thrombosis/);
  });

  it('WEAKNESS_OR_WASTING: high, neurological assessment, evidence the visits', () => {
    const f = withVisits([
      visit('2026-06-12T10:00:00Z', ['FASCICULATIONS'], 'a'),
      visit('2026-06-22T10:00:00Z', ['MUSCLE_WEAKNESS', 'CALF_SWELLING_LEFT'], 'b'),
    ]).find((x) => x.code === 'WEAKNESS_OR_WASTING')!;
    expect(f.urgency).toBe('HIGH');
    expect(f.advice).toBe(WEAKNESS_OR_WASTING_ADVICE);
    for (const part of [/neurological assessment/, /neuropathy/, /motor neuron disease/]) expect(f.advice).toMatch(part);
    expect(f.evidence).toMatchObject({ episodeIds: [], visitIds: ['a', 'b'], days: ['2026-06-12', '2026-06-22'] });
    expect(f.evidence.summary).toBe('muscle weakness; fasciculations: found at 2 visits in the last 30 days (2026-06-12 to 2026-06-22)');
  });

  it('evidence days are local dates in the clinic time zone', () => {
    const f = withVisits([visit('2026-06-20T15:30:00Z', ['CALF_SWELLING_LEFT'], 'v')], { timeZone: 'Asia/Tokyo' })[0];
    expect(f.evidence.days).toEqual(['2026-06-21']);
    expect(withVisits([visit('2026-06-20T15:30:00Z', ['CALF_SWELLING_LEFT'], 'v')])[0].evidence.days).toEqual(['2026-06-20']);
  });

  it('a visit without an id still raises the flag, with no visit id', () => {
    const f = withVisits([visit('2026-06-20T10:00:00Z', ['CALF_SWELLING_LEFT'])])[0];
    expect(f.code).toBe('CALF_SWELLING');
    expect(f.evidence.visitIds).toEqual([]);
    expect(f.evidence.days).toEqual(['2026-06-20']);
  });

  it('a clinic can shorten the window', () => {
    const v = [visit(new Date(ASOF.getTime() - 10 * DAY), ['CALF_SWELLING_LEFT', 'MUSCLE_WEAKNESS'], 'v')];
    expect(withVisits(v).map((f) => f.code)).toEqual(['CALF_SWELLING', 'WEAKNESS_OR_WASTING']);
    expect(withVisits(v, {}, resolveThresholds({ windowDays: 7 }))).toEqual([]);
  });

  it('visits are not episodes: they make no pattern flag', () => {
    const v = [20, 21, 22].map((d) => visit(`2026-06-${d}T10:00:00Z`, ['CALF_SWELLING_LEFT'], `v${d}`));
    expect(withVisits(v).map((f) => f.code)).toEqual(['CALF_SWELLING']);
  });

  it('episode flags carry no visit ids', () => {
    const f = flags([onDay(20, { consciousnessImpaired: true })], { visits: [visit('2026-06-20T10:00:00Z', ['CALF_SWELLING_LEFT'], 'v')] });
    expect(f.find((x) => x.code === 'IMPAIRED_CONSCIOUSNESS')!.evidence.visitIds).toEqual([]);
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
      expect(f.advice).toBe(IMPAIRED_CONSCIOUSNESS_ADVICE);
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

describe('urgency (spec section 3, v2)', () => {
  // One patient raising all ten flags.
  const allEpisodes = () => [
    ep('2026-06-20T02:00:00Z', { id: 'seizure', consciousnessImpaired: true, durationSeconds: 400 }),
    ep('2026-06-21T08:00:00Z', { id: 'cramp', durationSeconds: 700 }),
    ep('2026-06-22T15:00:00Z', { id: 'thigh', muscleGroup: 'THIGH' }),
  ];
  const allVisits: VisitFindingFacts[] = [{ id: 'v1', occurredAt: new Date('2026-06-25T10:00:00Z'), examFindings: ['CALF_SWELLING_LEFT', 'MUSCLE_WASTING'] }];
  const all = () => flags(allEpisodes(), { visits: allVisits });

  // As the spec lists them: each urgency with its codes.
  const spec: [RedFlagUrgency, RedFlagCode[]][] = [
    ['URGENT', ['IMPAIRED_CONSCIOUSNESS', 'PROLONGED_SEIZURE', 'CALF_SWELLING']],
    ['HIGH', ['PROLONGED_CRAMP', 'WEAKNESS_OR_WASTING', 'FREQUENT_WITHOUT_EXERTION', 'ANY_TIME_OF_DAY', 'OUTSIDE_CALF_FOOT']],
    ['ROUTINE', ['FREQUENT_EPISODES', 'CONSECUTIVE_DAYS']],
  ];
  it.each(spec.flatMap(([urgency, listed]) => listed.map((code): [RedFlagCode, RedFlagUrgency] => [code, urgency])))('%s is %s', (code, urgency) => {
    expect(RED_FLAG_URGENCY[code]).toBe(urgency);
    expect(all().find((f) => f.code === code)?.urgency).toBe(urgency);
  });

  it('every code has an urgency and a label; PROLONGED_EPISODE of v1 is gone', () => {
    expect(RED_FLAG_CODES).toHaveLength(11);
    expect(new Set(RED_FLAG_CODES).size).toBe(11);
    expect(Object.keys(RED_FLAG_URGENCY).sort()).toEqual([...RED_FLAG_CODES].sort());
    expect(Object.keys(RED_FLAG_LABELS).sort()).toEqual([...RED_FLAG_CODES].sort());
    for (const code of RED_FLAG_CODES) expect(RED_FLAG_LABELS[code].trim()).not.toBe('');
    expect(RED_FLAG_CODES).not.toContain('PROLONGED_EPISODE');
    expect(Object.keys(RED_FLAG_LABELS)).not.toContain('PROLONGED_EPISODE');
  });

  it('urgency labels, most urgent first', () => {
    expect(RED_FLAG_URGENCIES).toEqual(['URGENT', 'HIGH', 'ROUTINE']);
    expect(RED_FLAG_URGENCY_LABELS).toEqual({ URGENT: 'Urgent', HIGH: 'High', ROUTINE: 'Routine' });
  });

  it('RED_FLAG_CODES is grouped by urgency, most urgent first', () => {
    const rank = (code: RedFlagCode) => RED_FLAG_URGENCIES.indexOf(RED_FLAG_URGENCY[code]);
    const ranks = RED_FLAG_CODES.map(rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });
});

describe('ordering and shape', () => {
  it('returns URGENT flags first, in the documented order', () => {
    const eps = [
      ep('2026-06-20T02:00:00Z', { consciousnessImpaired: true, durationSeconds: 400 }),
      ep('2026-06-20T03:00:00Z', { seizureSigns: true, durationSeconds: 60 }),
      ep('2026-06-21T08:00:00Z', { durationSeconds: 700 }),
      ep('2026-06-22T15:00:00Z', { muscleGroup: 'THIGH' }),
    ];
    const visits: VisitFindingFacts[] = [{ id: 'v1', occurredAt: new Date('2026-06-25T10:00:00Z'), examFindings: ['CALF_SWELLING_LEFT', 'MUSCLE_WASTING'] }];
    const result = flags(eps, { visits });
    expect(result.map((f) => f.code)).toEqual([...RED_FLAG_CODES]);
    expect(result.map((f) => f.urgency)).toEqual(['URGENT', 'URGENT', 'URGENT', 'URGENT', 'HIGH', 'HIGH', 'HIGH', 'HIGH', 'HIGH', 'ROUTINE', 'ROUTINE']);
    for (const f of result) {
      expect(f.message.length).toBeGreaterThan(0);
      expect(f.advice.length).toBeGreaterThan(0);
      expect(f.evidence.summary.length).toBeGreaterThan(0);
      expect(f.evidence.episodeIds.length + f.evidence.visitIds.length).toBeGreaterThan(0);
      expect(f.evidence.days.length).toBeGreaterThan(0);
      for (const d of f.evidence.days) expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    // The same flags whatever order the episodes and visits come in.
    expect(flags([...eps].reverse(), { visits }).map((f) => f.code)).toEqual([...RED_FLAG_CODES]);
  });

  it.each<[string, EpisodeFacts[], VisitFindingFacts[], RedFlagCode[]]>([
    [
      'a seizure before the frequency flags',
      [onDay(20), onDay(21), onDay(22, { durationSeconds: 300, classification: 'TONIC_CLONIC' })],
      [],
      ['PROLONGED_SEIZURE', 'FREQUENT_WITHOUT_EXERTION', 'FREQUENT_EPISODES', 'CONSECUTIVE_DAYS'],
    ],
    [
      'calf swelling before a prolonged cramp and a routine flag',
      [onDay(20), onDay(21, { triggers: ['EXERTION'] }), onDay(22, { durationSeconds: 600, triggers: ['EXERTION'] })],
      [{ id: 'v', occurredAt: new Date('2026-06-10T10:00:00Z'), examFindings: ['CALF_SWELLING_RIGHT'] }],
      ['CALF_SWELLING', 'PROLONGED_CRAMP', 'FREQUENT_EPISODES', 'CONSECUTIVE_DAYS'],
    ],
    [
      'weakness (high) before days in a row (routine)',
      [onDay(20, { triggers: ['EXERTION'] }), onDay(26, { triggers: ['EXERTION'] }), onDay(27, { triggers: ['EXERTION'] }), onDay(28, { triggers: ['EXERTION'] })],
      [{ id: 'v', occurredAt: new Date('2026-06-29T10:00:00Z'), examFindings: ['FASCICULATIONS'] }],
      ['WEAKNESS_OR_WASTING', 'FREQUENT_EPISODES', 'CONSECUTIVE_DAYS'],
    ],
  ])('urgent flags come before others even when only some fire: %s', (_name, eps, visits, expected) => {
    expect(codes(eps, { visits })).toEqual(expected);
  });
});
