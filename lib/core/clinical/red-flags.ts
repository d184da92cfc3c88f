/**
 * Red flags per patient (clinical spec section 3), computed over the episodes of a window up to
 * `asOf`, with calendar days and hours taken in the clinic's IANA time zone.
 */
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds';
import {
  CALF_SWELLING_FINDINGS,
  DAY_PARTS,
  dayPartOfHour,
  EXAM_FINDING_LABELS,
  NEUROMUSCULAR_FINDINGS,
  type Classification,
  type DayPart,
  type ExamFinding,
  type MuscleGroup,
  type Relief,
  type Trigger,
} from './vocabulary';

export interface EpisodeFacts {
  id: string;
  occurredAt: Date;
  durationSeconds: number;
  muscleGroup: MuscleGroup;
  triggers: Trigger[];
  /** What relieved the episode (the claudication rule reads it); absent counts as none. */
  relief?: Relief[];
  consciousnessImpaired: boolean;
  /** The tongue was bitten, or the patient wet themselves (reported in the diary): signs of a seizure. */
  seizureSigns?: boolean;
  classification?: Classification | null;
  suggestedClassification?: Classification | null;
}

/** What a visit's examination found (spec section 4, v2): the calf-swelling and weakness flags read it. */
export interface VisitFindingFacts {
  id?: string;
  occurredAt: Date;
  examFindings: ExamFinding[];
}

export type RedFlagCode =
  | 'IMPAIRED_CONSCIOUSNESS'
  | 'SEIZURE_SIGNS'
  | 'PROLONGED_SEIZURE'
  | 'CALF_SWELLING'
  | 'PROLONGED_CRAMP'
  | 'WEAKNESS_OR_WASTING'
  | 'FREQUENT_WITHOUT_EXERTION'
  | 'FREQUENT_EPISODES'
  | 'CONSECUTIVE_DAYS'
  | 'ANY_TIME_OF_DAY'
  | 'OUTSIDE_CALF_FOOT';

export type RedFlagUrgency = 'URGENT' | 'HIGH' | 'ROUTINE';

export interface RedFlag {
  code: RedFlagCode;
  message: string;
  advice: string;
  urgency: RedFlagUrgency;
  evidence: {
    episodeIds: string[];
    /** The visits whose examination raised the flag (calf swelling, weakness). */
    visitIds: string[];
    days: string[] /* YYYY-MM-DD local */;
    summary: string;
  };
}

/** All codes, in the order flags are returned (most urgent first). */
export const RED_FLAG_CODES: readonly RedFlagCode[] = [
  'IMPAIRED_CONSCIOUSNESS',
  'SEIZURE_SIGNS',
  'PROLONGED_SEIZURE',
  'CALF_SWELLING',
  'PROLONGED_CRAMP',
  'WEAKNESS_OR_WASTING',
  'FREQUENT_WITHOUT_EXERTION',
  'ANY_TIME_OF_DAY',
  'OUTSIDE_CALF_FOOT',
  'FREQUENT_EPISODES',
  'CONSECUTIVE_DAYS',
];

/** Urgency of each flag (spec section 3, v2). */
export const RED_FLAG_URGENCY: Record<RedFlagCode, RedFlagUrgency> = {
  IMPAIRED_CONSCIOUSNESS: 'URGENT',
  SEIZURE_SIGNS: 'URGENT',
  PROLONGED_SEIZURE: 'URGENT',
  CALF_SWELLING: 'URGENT',
  PROLONGED_CRAMP: 'HIGH',
  WEAKNESS_OR_WASTING: 'HIGH',
  FREQUENT_WITHOUT_EXERTION: 'HIGH',
  ANY_TIME_OF_DAY: 'HIGH',
  OUTSIDE_CALF_FOOT: 'HIGH',
  FREQUENT_EPISODES: 'ROUTINE',
  CONSECUTIVE_DAYS: 'ROUTINE',
};

export const RED_FLAG_URGENCIES: readonly RedFlagUrgency[] = ['URGENT', 'HIGH', 'ROUTINE'];
export const RED_FLAG_URGENCY_LABELS: Record<RedFlagUrgency, string> = {
  URGENT: 'Urgent',
  HIGH: 'High',
  ROUTINE: 'Routine',
};

export const RED_FLAG_LABELS: Record<RedFlagCode, string> = {
  IMPAIRED_CONSCIOUSNESS: 'Impaired consciousness',
  SEIZURE_SIGNS: 'Tongue bitten or incontinence',
  PROLONGED_SEIZURE: 'Prolonged seizure-like episode',
  CALF_SWELLING: 'Calf swelling',
  PROLONGED_CRAMP: 'Prolonged cramp',
  WEAKNESS_OR_WASTING: 'Weakness or wasting',
  FREQUENT_WITHOUT_EXERTION: 'Frequent, not linked to exertion',
  FREQUENT_EPISODES: 'Frequent episodes',
  CONSECUTIVE_DAYS: 'Days in a row',
  ANY_TIME_OF_DAY: 'Any time of day',
  OUTSIDE_CALF_FOOT: 'Outside calf and foot',
};

export const DEFAULT_RED_FLAG_ADVICE = 'Recommend a detailed examination to find the cause.';
export const CONSECUTIVE_DAYS_ADVICE =
  'Recommend a detailed examination to find the cause. Meanwhile the patient should keep the feet warm, use warming compresses and wear warm clothes at night.';
export const IMPAIRED_CONSCIOUSNESS_ADVICE =
  'Possible epileptic seizure: arrange an urgent neurological assessment.';
export const PROLONGED_SEIZURE_ADVICE =
  'A seizure lasting 5 minutes or more may be status epilepticus: arrange an emergency assessment.';
export const CALF_SWELLING_ADVICE =
  'Assess for deep vein thrombosis the same day (Wells score, D-dimer or compression ultrasound).';
export const WEAKNESS_OR_WASTING_ADVICE =
  'Arrange a neurological assessment for neuropathy or motor neuron disease.';

/**
 * Seizure-like for the prolonged-seizure flag: labelled or suggested clonic or tonic-clonic,
 * consciousness impaired, or (from the patient's diary) a bitten tongue or incontinence.
 */
export function isSeizureLike(ep: EpisodeFacts): boolean {
  const seizureTypes: (Classification | null | undefined)[] = [ep.classification, ep.suggestedClassification];
  return ep.consciousnessImpaired || ep.seizureSigns === true || seizureTypes.some((c) => c === 'CLONIC' || c === 'TONIC_CLONIC');
}

/** RLS for the duration flags: labelled RLS, or unlabelled and suggested RLS (RLS lasts as long as the rest does). */
export function isRlsEpisode(ep: EpisodeFacts): boolean {
  return (ep.classification ?? ep.suggestedClassification ?? null) === 'RLS';
}

const DAY_MS = 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Time helpers

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown time zone, which is what a caller should see.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function localParts(d: Date, timeZone: string): { year: string; month: string; day: string; hour: number } {
  if (Number.isNaN(d.getTime())) throw new RangeError('invalid date');
  const parts = formatterFor(timeZone).formatToParts(d);
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const hour = Number(get('hour')) % 24; // some engines print midnight as 24
  return { year: get('year').padStart(4, '0'), month: get('month'), day: get('day'), hour };
}

/** Dates already worked out, by zone and instant: the rules of many patients ask for the same "as of" day. */
const localDates = new Map<string, string>();
const LOCAL_DATES_KEPT = 4096;

/** The calendar date (YYYY-MM-DD) of an instant in an IANA time zone. */
export function localDate(d: Date, timeZone: string): string {
  const key = `${timeZone} ${d.getTime()}`;
  const known = localDates.get(key);
  if (known !== undefined) return known;
  const { year, month, day } = localParts(d, timeZone);
  const date = `${year}-${month}-${day}`;
  if (localDates.size >= LOCAL_DATES_KEPT) localDates.clear();
  localDates.set(key, date);
  return date;
}

/** The hour (0..23) of an instant in an IANA time zone. */
export function localHour(d: Date, timeZone: string): number {
  return localParts(d, timeZone).hour;
}

/** Days since 1970-01-01 of a YYYY-MM-DD date (calendar arithmetic, no time zone involved). */
export function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

/**
 * The episodes with asOf - windowDays x 24 h <= occurredAt <= asOf (both ends inclusive).
 * Episodes after asOf are ignored.
 */
export function episodesInWindow<T extends { occurredAt: Date }>(episodes: T[], asOf: Date, windowDays: number): T[] {
  const end = asOf.getTime();
  const start = end - windowDays * DAY_MS;
  return episodes.filter((e) => {
    const t = e.occurredAt.getTime();
    return t >= start && t <= end;
  });
}

/**
 * The first moment after `asOf` at which the window's episodes change with time alone: the oldest
 * episode in the window leaves it (one millisecond after occurredAt + windowDays, the window being
 * inclusive), or an episode dated after asOf enters it. Null when no episode would ever change it.
 * Results computed from the window hold for every moment in [asOf, this).
 */
export function windowUnchangedUntil(occurredAt: Date[], asOf: Date, windowDays: number): Date | null {
  const end = asOf.getTime();
  const start = end - windowDays * DAY_MS;
  let until = Infinity;
  for (const d of occurredAt) {
    const t = d.getTime();
    if (t > end) until = Math.min(until, t);
    else if (t >= start) until = Math.min(until, t + windowDays * DAY_MS + 1);
  }
  return until === Infinity ? null : new Date(until);
}

// ---------------------------------------------------------------------------------------------
// Wording helpers

function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return plural(s, 'second');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const parts: string[] = [];
  if (h) parts.push(`${h} h`);
  if (m) parts.push(`${m} min`);
  if (rest) parts.push(`${rest} s`);
  return parts.join(' ');
}

function uniqueSorted(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function dateRange(days: string[]): string {
  if (days.length === 0) return '';
  const sorted = uniqueSorted(days);
  return sorted.length === 1 ? sorted[0] : `${sorted[0]} to ${sorted[sorted.length - 1]}`;
}

// ---------------------------------------------------------------------------------------------

interface Dated<T> {
  ep: T;
  day: string;
  dayNum: number;
  hour: number;
}

/** The densest span of `spanDays` consecutive calendar days (ties: the most recent span). */
function densestSpan<T extends EpisodeFacts>(dated: Dated<T>[], spanDays: number): Dated<T>[] {
  let best: Dated<T>[] = [];
  for (let i = 0; i < dated.length; i++) {
    const startDay = dated[i].dayNum;
    const inSpan = dated.filter((d) => d.dayNum >= startDay && d.dayNum <= startDay + spanDays - 1);
    if (inSpan.length >= best.length) best = inSpan;
  }
  return best;
}

/** The longest run of consecutive calendar days with episodes (ties: the most recent run). */
function longestRun(dayNums: number[]): number[] {
  const days = [...new Set(dayNums)].sort((a, b) => a - b);
  let best: number[] = [];
  let current: number[] = [];
  for (const d of days) {
    if (current.length > 0 && d === current[current.length - 1] + 1) current.push(d);
    else current = [d];
    if (current.length >= best.length) best = [...current];
  }
  return best;
}

export function computeRedFlags(
  input: { episodes: EpisodeFacts[]; visits?: VisitFindingFacts[]; asOf: Date; timeZone: string },
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): RedFlag[] {
  const { asOf, timeZone } = input;
  const windowLabel = `the last ${plural(thresholds.windowDays, 'day')}`;
  const inWindow = episodesInWindow(input.episodes, asOf, thresholds.windowDays);
  const dated: Dated<EpisodeFacts>[] = inWindow
    .map((ep) => {
      const { year, month, day: dd, hour } = localParts(ep.occurredAt, timeZone);
      const day = `${year}-${month}-${dd}`;
      return { ep, day, dayNum: dayNumber(day), hour };
    })
    .sort((a, b) => a.dayNum - b.dayNum || a.ep.occurredAt.getTime() - b.ep.occurredAt.getTime());

  const flags: RedFlag[] = [];
  const make = (
    code: RedFlagCode,
    message: string,
    items: Dated<EpisodeFacts>[],
    summary: string,
    advice: string = DEFAULT_RED_FLAG_ADVICE,
  ): RedFlag => ({
    code,
    message,
    advice,
    urgency: RED_FLAG_URGENCY[code],
    evidence: {
      episodeIds: items.map((d) => d.ep.id),
      visitIds: [],
      days: uniqueSorted(items.map((d) => d.day)),
      summary,
    },
  });
  const visitsInWindow = episodesInWindow(input.visits ?? [], asOf, thresholds.windowDays).sort(
    (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime(),
  );
  /** A flag raised by what visits' examinations found. */
  const findingFlag = (code: RedFlagCode, findings: readonly ExamFinding[], message: string, advice: string): void => {
    const found = visitsInWindow.filter((v) => v.examFindings.some((f) => findings.includes(f)));
    if (found.length === 0) return;
    const days = found.map((v) => localDate(v.occurredAt, timeZone));
    const names = findings.filter((f) => found.some((v) => v.examFindings.includes(f))).map((f) => EXAM_FINDING_LABELS[f].toLowerCase());
    flags.push({
      code,
      message,
      advice,
      urgency: RED_FLAG_URGENCY[code],
      evidence: {
        episodeIds: [],
        visitIds: found.flatMap((v) => (v.id ? [v.id] : [])),
        days: uniqueSorted(days),
        summary: `${names.join('; ')}: found at ${plural(found.length, 'visit')} in ${windowLabel} (${dateRange(days)})`,
      },
    });
  };

  // IMPAIRED_CONSCIOUSNESS
  const impaired = dated.filter((d) => d.ep.consciousnessImpaired);
  if (impaired.length > 0) {
    flags.push(
      make(
        'IMPAIRED_CONSCIOUSNESS',
        'Episode with impaired consciousness: possible epileptic seizure',
        impaired,
        `${plural(impaired.length, 'episode')} with impaired consciousness in ${windowLabel} (${dateRange(impaired.map((d) => d.day))})`,
        IMPAIRED_CONSCIOUSNESS_ADVICE,
      ),
    );
  }

  // SEIZURE_SIGNS: not a flag of the clinical spec; the patient diary asks about both signs, and a
  // clinician must hear of either at once (product decision, docs/api.md "Patient diary").
  const signs = dated.filter((d) => d.ep.seizureSigns === true);
  if (signs.length > 0) {
    flags.push(
      make(
        'SEIZURE_SIGNS',
        'Tongue bitten or incontinence during an episode: possible epileptic seizure',
        signs,
        `${plural(signs.length, 'episode')} with a bitten tongue or incontinence in ${windowLabel} (${dateRange(signs.map((d) => d.day))})`,
        IMPAIRED_CONSCIOUSNESS_ADVICE,
      ),
    );
  }

  // PROLONGED_SEIZURE and PROLONGED_CRAMP: RLS episodes count for neither.
  const longest = (items: Dated<EpisodeFacts>[]) => items.reduce((a, b) => (b.ep.durationSeconds > a.ep.durationSeconds ? b : a));
  const timed = dated.filter((d) => !isRlsEpisode(d.ep));
  const seizures = timed.filter((d) => isSeizureLike(d.ep) && d.ep.durationSeconds >= thresholds.prolongedSeizureSeconds);
  if (seizures.length > 0) {
    const top = longest(seizures);
    flags.push(
      make(
        'PROLONGED_SEIZURE',
        `Seizure-like episode lasting ${formatDuration(thresholds.prolongedSeizureSeconds)} or longer`,
        seizures,
        `${plural(seizures.length, 'seizure-like episode')} of ${formatDuration(thresholds.prolongedSeizureSeconds)} or longer in ${windowLabel}; longest ${formatDuration(top.ep.durationSeconds)} on ${top.day}`,
        PROLONGED_SEIZURE_ADVICE,
      ),
    );
  }
  const seizureIds = new Set(seizures.map((d) => d.ep.id));
  const cramps = timed.filter((d) => !seizureIds.has(d.ep.id) && d.ep.durationSeconds >= thresholds.prolongedCrampSeconds);
  if (cramps.length > 0) {
    const top = longest(cramps);
    flags.push(
      make(
        'PROLONGED_CRAMP',
        `Episode lasting ${formatDuration(thresholds.prolongedCrampSeconds)} or longer`,
        cramps,
        `${plural(cramps.length, 'episode')} of ${formatDuration(thresholds.prolongedCrampSeconds)} or longer in ${windowLabel}; longest ${formatDuration(top.ep.durationSeconds)} on ${top.day}`,
      ),
    );
  }

  // CALF_SWELLING and WEAKNESS_OR_WASTING: from the visits' examinations.
  findingFlag('CALF_SWELLING', CALF_SWELLING_FINDINGS, 'Calf swelling, warmth or redness at a visit: possible deep vein thrombosis', CALF_SWELLING_ADVICE);
  findingFlag('WEAKNESS_OR_WASTING', NEUROMUSCULAR_FINDINGS, 'Muscle weakness, wasting or fasciculations at a visit', WEAKNESS_OR_WASTING_ADVICE);

  // FREQUENT_EPISODES and FREQUENT_WITHOUT_EXERTION
  const span = densestSpan(dated, thresholds.frequentWindowDays);
  const frequent = span.length >= thresholds.frequentEpisodes && span.length > 0;
  const frequentSummary = `${plural(span.length, 'episode')} within ${plural(thresholds.frequentWindowDays, 'day')} (${dateRange(span.map((d) => d.day))})`;
  if (frequent) {
    const withExertion = dated.filter((d) => d.ep.triggers.includes('EXERTION')).length;
    // Strictly fewer than half: 2 of 4 is not fewer than half.
    if (withExertion * 2 < dated.length) {
      flags.push(
        make(
          'FREQUENT_WITHOUT_EXERTION',
          'Frequent episodes not linked to physical exertion',
          span,
          `${frequentSummary}; ${withExertion === 0 ? 'none' : `only ${withExertion}`} of ${plural(dated.length, 'episode')} in ${windowLabel} followed exertion`,
        ),
      );
    }
    flags.push(
      make(
        'FREQUENT_EPISODES',
        `${thresholds.frequentEpisodes} or more episodes within ${plural(thresholds.frequentWindowDays, 'day')}`,
        span,
        frequentSummary,
      ),
    );
  }

  // CONSECUTIVE_DAYS
  const run = longestRun(dated.map((d) => d.dayNum));
  if (run.length >= thresholds.consecutiveDays) {
    const runSet = new Set(run);
    const items = dated.filter((d) => runSet.has(d.dayNum));
    flags.push(
      make(
        'CONSECUTIVE_DAYS',
        `Episodes on ${thresholds.consecutiveDays} or more days in a row`,
        items,
        `Episodes on ${run.length} days in a row (${dateRange(items.map((d) => d.day))})`,
        CONSECUTIVE_DAYS_ADVICE,
      ),
    );
  }

  // ANY_TIME_OF_DAY
  const parts = new Set<DayPart>(dated.map((d) => dayPartOfHour(d.hour)));
  if (parts.size >= thresholds.anyTimeOfDayParts) {
    const names = DAY_PARTS.filter((p) => parts.has(p)).map((p) => p.toLowerCase());
    flags.push(
      make(
        'ANY_TIME_OF_DAY',
        'Episodes at any time of day',
        dated,
        `Episodes in ${parts.size} of 4 parts of the day: ${names.join(', ')}`,
      ),
    );
  }

  // OUTSIDE_CALF_FOOT
  const outside = dated.filter((d) => d.ep.muscleGroup === 'THIGH' || d.ep.muscleGroup === 'OTHER');
  if (outside.length > 0) {
    const groups = uniqueSorted(outside.map((d) => (d.ep.muscleGroup === 'THIGH' ? 'thigh' : 'other muscles')));
    flags.push(
      make(
        'OUTSIDE_CALF_FOOT',
        'Episodes outside the calf and foot',
        outside,
        `${plural(outside.length, 'episode')} in the ${groups.join(' and ')} in ${windowLabel}`,
      ),
    );
  }

  const urgencyRank: Record<RedFlagUrgency, number> = { URGENT: 0, HIGH: 1, ROUTINE: 2 };
  const rank = (code: RedFlagCode): number => RED_FLAG_CODES.indexOf(code);
  return flags.sort((a, b) => urgencyRank[a.urgency] - urgencyRank[b.urgency] || rank(a.code) - rank(b.code));
}
