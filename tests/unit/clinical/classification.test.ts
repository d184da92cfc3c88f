import { describe, expect, it } from 'vitest';
import {
  suggestClassification,
  effectiveClassification,
  rlsCriteria,
  RLS_CRITERIA,
  RLS_CRITERION_5_NOTE,
  WARNING_IMPAIRED_CONSCIOUSNESS,
  WARNING_VOLUNTARY_CONTROL,
  type EpisodeObservation,
} from '@/lib/core/clinical/classification';
import type { Classification, Movement } from '@/lib/core/clinical/vocabulary';

const PARTIAL = 'RLS needs all four';
const text = (obs: EpisodeObservation) => suggestClassification(obs).rationale.join(' ');

describe('suggestClassification: rules and precedence', () => {
  it.each<[string, EpisodeObservation, Classification | null]>([
    ['rule 1: voluntary control + urgeToMove, no movement', { voluntaryControl: true, urgeToMove: true }, 'RLS'],
    ['rule 1: voluntary control + movement URGE_TO_MOVE', { voluntaryControl: true, movement: 'URGE_TO_MOVE' }, 'RLS'],
    [
      'rule 1 beats rule 3: voluntary + urge + sustained contraction',
      { voluntaryControl: true, urgeToMove: true, movement: 'SUSTAINED_CONTRACTION' },
      'RLS',
    ],
    [
      'rule 1 beats rule 2: voluntary + urge + sustained then trembling',
      { voluntaryControl: true, urgeToMove: true, movement: 'SUSTAINED_THEN_TREMBLING' },
      'RLS',
    ],
    ['rule 1 beats rule 5: voluntary + urge + twitches', { voluntaryControl: true, urgeToMove: true, movement: 'TWITCHES' }, 'RLS'],
    // v2: the four IRLSSG criteria alone, without control, also give RLS, before rules 2 to 5.
    [
      'rule 1 (four criteria) beats rule 2',
      { urgeToMove: true, worseAtRest: true, reliefByMovement: true, worseInEvening: true, movement: 'SUSTAINED_THEN_TREMBLING' },
      'RLS',
    ],
    [
      'rule 1 (four criteria) beats rule 3',
      { urgeToMove: true, worseAtRest: true, reliefByMovement: true, worseInEvening: true, movement: 'SUSTAINED_CONTRACTION' },
      'RLS',
    ],
    [
      'rule 1 (four criteria) beats rule 4',
      { urgeToMove: true, worseAtRest: true, reliefByMovement: true, worseInEvening: true, movement: 'RHYTHMIC_JERKS' },
      'RLS',
    ],
    [
      'rule 1 (four criteria) beats rule 5',
      { urgeToMove: true, worseAtRest: true, reliefByMovement: true, worseInEvening: true, movement: 'TWITCHES' },
      'RLS',
    ],
    [
      'rule 1 (four criteria) with voluntaryControl false',
      { movement: 'URGE_TO_MOVE', worseAtRest: true, reliefByMovement: true, worseInEvening: true, voluntaryControl: false },
      'RLS',
    ],
    ['rule 2: sustained then trembling', { movement: 'SUSTAINED_THEN_TREMBLING' }, 'TONIC_CLONIC'],
    ['rule 3: sustained contraction', { movement: 'SUSTAINED_CONTRACTION' }, 'TONIC'],
    ['rule 4: rhythmic jerks', { movement: 'RHYTHMIC_JERKS' }, 'CLONIC'],
    ['rule 4: rhythmic jerks with irregular rhythm still clonic', { movement: 'RHYTHMIC_JERKS', rhythm: 'IRREGULAR' }, 'CLONIC'],
    ['rule 5: twitches, rhythmic', { movement: 'TWITCHES', rhythm: 'RHYTHMIC' }, 'MYOCLONIC'],
    ['rule 5: twitches, irregular', { movement: 'TWITCHES', rhythm: 'IRREGULAR' }, 'MYOCLONIC'],
    ['rule 5: twitches, no rhythm recorded', { movement: 'TWITCHES' }, 'MYOCLONIC'],
    ['near miss: URGE_TO_MOVE without voluntary control', { movement: 'URGE_TO_MOVE' }, null],
    ['near miss: URGE_TO_MOVE with voluntaryControl false', { movement: 'URGE_TO_MOVE', voluntaryControl: false, urgeToMove: true }, null],
    ['near miss: urgeToMove without control falls through to rule 3', { urgeToMove: true, movement: 'SUSTAINED_CONTRACTION' }, 'TONIC'],
    ['near miss: voluntary control without urge falls through to rule 3', { voluntaryControl: true, movement: 'SUSTAINED_CONTRACTION' }, 'TONIC'],
    ['near miss: voluntary control without urge or movement', { voluntaryControl: true }, null],
    [
      'near miss: criteria 2 to 4 and control without an urge fall through to rule 3',
      { worseAtRest: true, reliefByMovement: true, worseInEvening: true, voluntaryControl: true, movement: 'SUSTAINED_CONTRACTION' },
      'TONIC',
    ],
    [
      'near miss: 3 of 4 without control falls through to rule 3',
      { urgeToMove: true, worseAtRest: true, reliefByMovement: true, movement: 'SUSTAINED_CONTRACTION' },
      'TONIC',
    ],
    ['rule 6: nothing recorded', {}, null],
    ['rule 6: movement null', { movement: null, rhythm: 'RHYTHMIC' }, null],
  ])('%s', (_name, obs, expected) => {
    const result = suggestClassification(obs);
    expect(result.suggestion).toBe(expected);
    expect(result.rationale.length).toBeGreaterThan(0);
  });
});

describe('rlsCriteria', () => {
  it.each<[string, EpisodeObservation, boolean[]]>([
    ['nothing', {}, [false, false, false, false]],
    ['urge from the flag', { urgeToMove: true }, [true, false, false, false]],
    ['urge from the movement', { movement: 'URGE_TO_MOVE' }, [true, false, false, false]],
    ['urge from the movement, flag false', { movement: 'URGE_TO_MOVE', urgeToMove: false }, [true, false, false, false]],
    ['criterion 2: worse at rest', { worseAtRest: true }, [false, true, false, false]],
    ['criterion 3: relief by movement', { reliefByMovement: true }, [false, false, true, false]],
    ['criterion 4: worse in the evening', { worseInEvening: true }, [false, false, false, true]],
    ['voluntary control is not a criterion', { voluntaryControl: true }, [false, false, false, false]],
    [
      'all four',
      { urgeToMove: true, worseAtRest: true, reliefByMovement: true, worseInEvening: true },
      [true, true, true, true],
    ],
  ])('%s', (_name, obs, expected) => {
    expect(rlsCriteria(obs)).toEqual(expected);
  });

  it('names the four criteria in IRLSSG order', () => {
    expect(RLS_CRITERIA).toEqual([
      'urge to move the legs',
      'begins or worsens at rest',
      'relieved by movement',
      'worse in the evening or at night',
    ]);
  });
});

// Rule 1 (spec section 2, v2): with an urge to move, RLS when all of rest, relief and evening, or control.
// [rest, relief, evening, control, suggestion without a movement, criteria met of 4, rationale kind]
type Kind = 'rls' | 'partial' | 'none';
const RULE_1: [boolean, boolean, boolean, boolean, Classification | null, number, Kind][] = [
  [false, false, false, false, null, 1, 'none'],
  [false, false, false, true, 'RLS', 1, 'rls'],
  [true, false, false, false, null, 2, 'partial'],
  [true, false, false, true, 'RLS', 2, 'rls'],
  [false, true, false, false, null, 2, 'partial'],
  [false, true, false, true, 'RLS', 2, 'rls'],
  [false, false, true, false, null, 2, 'partial'],
  [false, false, true, true, 'RLS', 2, 'rls'],
  [true, true, false, false, null, 3, 'partial'],
  [true, true, false, true, 'RLS', 3, 'rls'],
  [true, false, true, false, null, 3, 'partial'],
  [true, false, true, true, 'RLS', 3, 'rls'],
  [false, true, true, false, null, 3, 'partial'],
  [false, true, true, true, 'RLS', 3, 'rls'],
  [true, true, true, false, 'RLS', 4, 'rls'],
  [true, true, true, true, 'RLS', 4, 'rls'],
];

describe('rule 1: the 16 combinations of rest, relief, evening and control, given an urge', () => {
  it('covers every combination once', () => {
    const keys = new Set(RULE_1.map(([a, b, c, d]) => `${a}${b}${c}${d}`));
    expect(keys.size).toBe(16);
  });

  const urgeSources: [string, EpisodeObservation][] = [
    ['urgeToMove, no movement', { urgeToMove: true }],
    ['movement URGE_TO_MOVE', { movement: 'URGE_TO_MOVE' }],
  ];
  const rows = urgeSources.flatMap(([source, urge]) =>
    RULE_1.map(([rest, relief, evening, control, suggestion, met, kind]) => [
      `${source}: rest ${rest}, relief ${relief}, evening ${evening}, control ${control} -> ${suggestion ?? 'none'}, ${met} of 4`,
      { ...urge, worseAtRest: rest, reliefByMovement: relief, worseInEvening: evening, voluntaryControl: control },
      suggestion,
      met,
      kind,
    ] as [string, EpisodeObservation, Classification | null, number, Kind]),
  );

  it.each(rows)('%s', (_name, obs, suggestion, met, kind) => {
    const r = suggestClassification(obs);
    expect(r.suggestion).toBe(suggestion);
    // v2: the count is given whenever an urge to move is recorded, whatever the suggestion.
    expect(r.rlsCriteriaMet).toBe(met);
    const all = r.rationale.join(' ');
    if (kind === 'rls') {
      expect(all).toContain(`IRLSSG criteria met: ${met} of 4.`);
      expect(all).not.toContain(PARTIAL);
      expect(r.rationale).toContain(RLS_CRITERION_5_NOTE);
    } else if (kind === 'partial') {
      expect(all).toContain(`IRLSSG criteria met: ${met} of 4; ${PARTIAL}.`);
    } else {
      // The spec gives the "N of 4; RLS needs all four" sentence for 2 or 3 of 4 only.
      expect(all).not.toContain('IRLSSG criteria met');
      expect(all).toMatch(/not enough of the restless legs criteria/);
    }
    expect(r.warnings).not.toContain(WARNING_VOLUNTARY_CONTROL);
  });

  // With a sustained contraction the rules that follow still apply when rule 1 does not.
  it.each(
    RULE_1.map(
      ([rest, relief, evening, control, suggestion, met]) =>
        [
          `rest ${rest}, relief ${relief}, evening ${evening}, control ${control}`,
          { urgeToMove: true, movement: 'SUSTAINED_CONTRACTION', worseAtRest: rest, reliefByMovement: relief, worseInEvening: evening, voluntaryControl: control },
          suggestion ?? 'TONIC',
          met,
        ] as [string, EpisodeObservation, Classification, number],
    ),
  )('urge + sustained contraction, %s -> %s', (_name, obs, suggestion, met) => {
    const r = suggestClassification(obs);
    expect(r.suggestion).toBe(suggestion);
    expect(r.rlsCriteriaMet).toBe(met);
  });
});

describe('rule 1 needs an urge to move', () => {
  it.each<[string, EpisodeObservation, Classification | null]>([
    ['rest, relief, evening and control, nothing else', { worseAtRest: true, reliefByMovement: true, worseInEvening: true, voluntaryControl: true }, null],
    ['rest, relief, evening, no control', { worseAtRest: true, reliefByMovement: true, worseInEvening: true }, null],
    ['urgeToMove false with all of criteria 2 to 4', { urgeToMove: false, worseAtRest: true, reliefByMovement: true, worseInEvening: true }, null],
    ['rest, relief, evening + twitches', { worseAtRest: true, reliefByMovement: true, worseInEvening: true, movement: 'TWITCHES' }, 'MYOCLONIC'],
    ['rest, relief, evening + rhythmic jerks', { worseAtRest: true, reliefByMovement: true, worseInEvening: true, movement: 'RHYTHMIC_JERKS' }, 'CLONIC'],
    ['rest only, with control', { worseAtRest: true, voluntaryControl: true }, null],
  ])('%s -> %s, no criteria count', (_name, obs, expected) => {
    const r = suggestClassification(obs);
    expect(r.suggestion).toBe(expected);
    expect(r.rlsCriteriaMet).toBeNull();
    expect(r.rationale.join(' ')).not.toContain('IRLSSG criteria met');
  });
});

describe('the textbook RLS history', () => {
  // Urge to move, begins at rest, relieved by walking, worse in the evening; the patient cannot stop it.
  const textbook: EpisodeObservation = {
    movement: 'URGE_TO_MOVE',
    urgeToMove: true,
    worseAtRest: true,
    reliefByMovement: true,
    worseInEvening: true,
    voluntaryControl: false,
  };

  it('is RLS with 4 of 4 criteria, criterion 5 left to the clinician', () => {
    const r = suggestClassification(textbook);
    expect(r.suggestion).toBe('RLS');
    expect(r.rlsCriteriaMet).toBe(4);
    const all = r.rationale.join(' ');
    expect(all).toContain('IRLSSG criteria met: 4 of 4.');
    expect(all).toMatch(/four essential criteria/);
    expect(all).not.toMatch(/Not recorded/);
    expect(all).not.toContain(PARTIAL);
    expect(r.rationale).toContain(RLS_CRITERION_5_NOTE);
    expect(r.warnings).toEqual([]);
    expect(r.needsReview).toBe(false);
  });

  it('is RLS from the urgeToMove flag alone, no movement recorded', () => {
    const { movement: _m, ...rest } = textbook;
    expect(suggestClassification(rest)).toMatchObject({ suggestion: 'RLS', rlsCriteriaMet: 4 });
  });

  it.each<[keyof EpisodeObservation, string]>([
    ['worseAtRest', 'begins or worsens at rest'],
    ['reliefByMovement', 'relieved by movement'],
    ['worseInEvening', 'worse in the evening or at night'],
  ])('without %s it is 3 of 4, no RLS, and names the missing criterion', (field, missing) => {
    const r = suggestClassification({ ...textbook, [field]: false });
    expect(r.suggestion).toBeNull();
    expect(r.rlsCriteriaMet).toBe(3);
    const all = r.rationale.join(' ');
    expect(all).toContain(`IRLSSG criteria met: 3 of 4; ${PARTIAL}.`);
    expect(all).toContain(`Not recorded: ${missing}.`);
  });

  it('labelled tonic, it is marked for review against the RLS suggestion', () => {
    const r = suggestClassification({ ...textbook, classification: 'TONIC' });
    expect(r.suggestion).toBe('RLS');
    expect(r.needsReview).toBe(true);
  });
});

describe('partial criteria (2 or 3 of 4, no control): no RLS, and the rules that follow still apply', () => {
  const two: EpisodeObservation = { urgeToMove: true, worseAtRest: true };
  const three: EpisodeObservation = { urgeToMove: true, worseAtRest: true, worseInEvening: true };
  it.each<[string, EpisodeObservation, Movement | null, Classification | null, number]>([
    ['2 of 4 + sustained contraction', two, 'SUSTAINED_CONTRACTION', 'TONIC', 2],
    ['3 of 4 + sustained contraction', three, 'SUSTAINED_CONTRACTION', 'TONIC', 3],
    ['2 of 4 + sustained then trembling', two, 'SUSTAINED_THEN_TREMBLING', 'TONIC_CLONIC', 2],
    ['3 of 4 + rhythmic jerks', three, 'RHYTHMIC_JERKS', 'CLONIC', 3],
    ['3 of 4 + twitches', three, 'TWITCHES', 'MYOCLONIC', 3],
    ['2 of 4 + URGE_TO_MOVE', { worseInEvening: true }, 'URGE_TO_MOVE', null, 2],
    ['3 of 4, no movement', three, null, null, 3],
  ])('%s -> %s', (_name, base, movement, expected, met) => {
    const r = suggestClassification({ ...base, movement, voluntaryControl: false });
    expect(r.suggestion).toBe(expected);
    expect(r.rlsCriteriaMet).toBe(met);
    // The partial sentence comes first, then the reason of the rule that applied.
    expect(r.rationale[0]).toMatch(new RegExp(`^IRLSSG criteria met: ${met} of 4; ${PARTIAL}\\.`));
    expect(r.rationale.length).toBeGreaterThan(1);
    expect(r.warnings).not.toContain(WARNING_VOLUNTARY_CONTROL);
  });

  it('names the criteria met and those not recorded', () => {
    const all = text({ urgeToMove: true, reliefByMovement: true, movement: 'SUSTAINED_CONTRACTION' });
    expect(all).toContain('IRLSSG criteria met: 2 of 4; RLS needs all four.');
    expect(all).toContain('Met: urge to move the legs; relieved by movement.');
    expect(all).toContain('Not recorded: begins or worsens at rest; worse in the evening or at night.');
  });

  it('a tonic suggestion with an RLS label is marked for review', () => {
    const r = suggestClassification({ ...three, movement: 'SUSTAINED_CONTRACTION', classification: 'RLS' });
    expect(r.suggestion).toBe('TONIC');
    expect(r.needsReview).toBe(true);
  });

  it('with no movement there is no suggestion, so an RLS label needs no review', () => {
    const r = suggestClassification({ ...three, classification: 'RLS' });
    expect(r.suggestion).toBeNull();
    expect(r.needsReview).toBe(false);
  });

  it('with control the same partial criteria give RLS, counted without the partial sentence', () => {
    const r = suggestClassification({ ...two, movement: 'SUSTAINED_CONTRACTION', voluntaryControl: true });
    expect(r.suggestion).toBe('RLS');
    expect(r.rationale.join(' ')).toContain('IRLSSG criteria met: 2 of 4.');
    expect(r.rationale.join(' ')).not.toContain(PARTIAL);
  });
});

describe('criterion 5', () => {
  it('is left to the clinician, naming the conditions that mimic RLS', () => {
    for (const mimic of ['leg cramps', 'positional discomfort', 'venous stasis', 'leg oedema', 'arthritis', 'habitual foot tapping']) {
      expect(RLS_CRITERION_5_NOTE).toContain(mimic);
    }
    expect(RLS_CRITERION_5_NOTE).toMatch(/^Criterion 5/);
    expect(RLS_CRITERION_5_NOTE).toMatch(/clinician/);
  });

  it.each<[string, EpisodeObservation]>([
    ['RLS by the four criteria', { urgeToMove: true, worseAtRest: true, reliefByMovement: true, worseInEvening: true }],
    ['RLS by control', { urgeToMove: true, voluntaryControl: true }],
  ])('the rationale of %s says so', (_name, obs) => {
    expect(suggestClassification(obs).rationale).toContain(RLS_CRITERION_5_NOTE);
  });

  it.each<[string, EpisodeObservation]>([
    ['by the four criteria', { urgeToMove: true, worseAtRest: true, reliefByMovement: true, worseInEvening: true }],
    ['by control', { urgeToMove: true, voluntaryControl: true }],
  ])('the RLS rationale says why: %s', (name, obs) => {
    const first = suggestClassification(obs).rationale[0];
    expect(first).toMatch(name === 'by control' ? /can control the movement/ : /four essential criteria/);
  });
});

describe('suggestClassification: rationale', () => {
  it('explains a missing movement', () => {
    const r = suggestClassification({});
    expect(r.rationale.join(' ')).toMatch(/movement not recorded/i);
  });

  it('explains why URGE_TO_MOVE without voluntary control gives no suggestion', () => {
    const r = suggestClassification({ movement: 'URGE_TO_MOVE' });
    const text = r.rationale.join(' ');
    expect(text).toMatch(/control of the movement/i);
    expect(text).toMatch(/restless legs criteria/i);
    expect(text).toMatch(/no type is suggested/i);
    // v2: the count is given whenever an urge is recorded.
    expect(r.rlsCriteriaMet).toBe(1);
  });

  it('explains why an urge without voluntary control and no movement is not RLS', () => {
    const r = suggestClassification({ urgeToMove: true });
    expect(r.suggestion).toBeNull();
    expect(r.rationale.join(' ')).toMatch(/movement not recorded/i);
    expect(r.rationale.join(' ')).toMatch(/control of the movement/i);
    expect(r.rlsCriteriaMet).toBe(1);
  });

  it.each<[string, EpisodeObservation, number]>([
    ['urge from movement only', { voluntaryControl: true, movement: 'URGE_TO_MOVE' }, 1],
    ['urge from the flag only', { voluntaryControl: true, urgeToMove: true }, 1],
    ['urge + relief by movement', { voluntaryControl: true, urgeToMove: true, reliefByMovement: true }, 2],
    ['urge + worse at rest', { voluntaryControl: true, urgeToMove: true, worseAtRest: true }, 2],
    ['urge + worse in the evening', { voluntaryControl: true, urgeToMove: true, worseInEvening: true }, 2],
    ['urge + rest + evening (two criteria now, not one counted twice)', { voluntaryControl: true, urgeToMove: true, worseAtRest: true, worseInEvening: true }, 3],
    [
      'all four',
      { voluntaryControl: true, movement: 'URGE_TO_MOVE', urgeToMove: true, worseAtRest: true, worseInEvening: true, reliefByMovement: true },
      4,
    ],
    ['all four without control', { movement: 'URGE_TO_MOVE', worseAtRest: true, worseInEvening: true, reliefByMovement: true }, 4],
  ])('counts IRLSSG criteria: %s', (_name, obs, met) => {
    const r = suggestClassification(obs);
    expect(r.suggestion).toBe('RLS');
    expect(r.rlsCriteriaMet).toBe(met);
    expect(r.rationale.join(' ')).toContain(`${met} of 4`);
    expect(r.rationale.join(' ')).toMatch(/criterion 5/i);
    expect(r.rationale.join(' ')).toMatch(/clinician/i);
  });

  it.each<[EpisodeObservation]>([
    [{ movement: 'SUSTAINED_CONTRACTION' }],
    [{ movement: 'TWITCHES' }],
    [{}],
    [{ voluntaryControl: true, worseAtRest: true, reliefByMovement: true, worseInEvening: true }],
  ])('rlsCriteriaMet is null when no urge to move is recorded (%j)', (obs) => {
    expect(suggestClassification(obs).rlsCriteriaMet).toBeNull();
  });

  it('mentions the rhythm for myoclonic twitches', () => {
    expect(suggestClassification({ movement: 'TWITCHES', rhythm: 'IRREGULAR' }).rationale.join(' ')).toMatch(/irregular/);
  });
});

describe('suggestClassification: warnings', () => {
  it.each<[EpisodeObservation['movement'], Classification]>([
    ['SUSTAINED_THEN_TREMBLING', 'TONIC_CLONIC'],
    ['SUSTAINED_CONTRACTION', 'TONIC'],
    ['RHYTHMIC_JERKS', 'CLONIC'],
    ['TWITCHES', 'MYOCLONIC'],
  ])('voluntary control with %s (rules 2-5) warns to consider RLS', (movement, expected) => {
    const r = suggestClassification({ movement, voluntaryControl: true });
    expect(r.suggestion).toBe(expected);
    expect(r.warnings).toContain(WARNING_VOLUNTARY_CONTROL);
    expect(WARNING_VOLUNTARY_CONTROL).toMatch(/RLS/);
    expect(r.needsReview).toBe(false);
  });

  it.each<[string, EpisodeObservation]>([
    ['no voluntary control', { movement: 'SUSTAINED_CONTRACTION' }],
    ['voluntaryControl false', { movement: 'SUSTAINED_CONTRACTION', voluntaryControl: false }],
    ['RLS suggested (rule 1)', { movement: 'URGE_TO_MOVE', voluntaryControl: true }],
    ['RLS suggested (rule 1) over a sustained contraction', { urgeToMove: true, voluntaryControl: true, movement: 'SUSTAINED_CONTRACTION' }],
    [
      'RLS by the four criteria over twitches',
      { urgeToMove: true, worseAtRest: true, reliefByMovement: true, worseInEvening: true, movement: 'TWITCHES' },
    ],
    ['partial criteria, no control, tonic', { urgeToMove: true, worseAtRest: true, movement: 'SUSTAINED_CONTRACTION' }],
    ['no suggestion', { voluntaryControl: true }],
  ])('no voluntary-control warning when %s', (_name, obs) => {
    expect(suggestClassification(obs).warnings).not.toContain(WARNING_VOLUNTARY_CONTROL);
  });

  it.each<[string, EpisodeObservation, boolean]>([
    ['impaired, with a suggestion', { movement: 'SUSTAINED_THEN_TREMBLING', consciousnessImpaired: true }, true],
    ['impaired, with no suggestion', { consciousnessImpaired: true }, true],
    ['impaired, with RLS suggested', { urgeToMove: true, voluntaryControl: true, consciousnessImpaired: true }, true],
    ['not impaired', { movement: 'SUSTAINED_THEN_TREMBLING', consciousnessImpaired: false }, false],
    ['impaired not recorded', { movement: 'SUSTAINED_THEN_TREMBLING' }, false],
  ])('impaired consciousness warning: %s', (_name, obs, expected) => {
    const r = suggestClassification(obs);
    expect(r.warnings.includes(WARNING_IMPAIRED_CONSCIOUSNESS)).toBe(expected);
  });

  it('the impaired-consciousness warning asks for an urgent neurological assessment', () => {
    expect(WARNING_IMPAIRED_CONSCIOUSNESS).toMatch(/epileptic seizure/i);
    expect(WARNING_IMPAIRED_CONSCIOUSNESS).toMatch(/urgent neurological assessment/i);
  });

  it.each<[string, EpisodeObservation, boolean]>([
    ['label differs from the suggestion', { movement: 'SUSTAINED_THEN_TREMBLING', classification: 'TONIC' }, true],
    ['label RLS vs suggested tonic', { movement: 'SUSTAINED_CONTRACTION', classification: 'RLS' }, true],
    ['label equals the suggestion', { movement: 'SUSTAINED_CONTRACTION', classification: 'TONIC' }, false],
    ['no label', { movement: 'SUSTAINED_CONTRACTION', classification: null }, false],
    ['label but no suggestion', { classification: 'TONIC' }, false],
    ['label but no suggestion (urge without control)', { movement: 'URGE_TO_MOVE', classification: 'RLS' }, false],
    ['label but no suggestion (3 of 4, no control, no movement)', { movement: 'URGE_TO_MOVE', worseAtRest: true, worseInEvening: true, classification: 'RLS' }, false],
    ['label RLS equals the four-criteria suggestion', { urgeToMove: true, worseAtRest: true, reliefByMovement: true, worseInEvening: true, classification: 'RLS' }, false],
    ['label clonic vs the four-criteria RLS suggestion', { urgeToMove: true, worseAtRest: true, reliefByMovement: true, worseInEvening: true, movement: 'RHYTHMIC_JERKS', classification: 'CLONIC' }, true],
  ])('needsReview: %s', (_name, obs, expected) => {
    const r = suggestClassification(obs);
    expect(r.needsReview).toBe(expected);
    expect(r.warnings.some((w) => /differs from the suggest/i.test(w))).toBe(expected);
  });

  it('the review warning names both the label and the suggestion', () => {
    const r = suggestClassification({ movement: 'SUSTAINED_THEN_TREMBLING', classification: 'TONIC' });
    const w = r.warnings.find((x) => /differs/.test(x))!;
    expect(w).toContain('"Tonic"');
    expect(w).toContain('"Tonic-clonic"');
  });

  // A confirmation on review holds for exactly the label and suggestion it was given for.
  it.each<[string, EpisodeObservation, { needsReview: boolean; labelConfirmed: boolean }]>([
    ['confirmed for this label and suggestion', { movement: 'SUSTAINED_CONTRACTION', classification: 'CLONIC', labelConfirmedFor: { classification: 'CLONIC', suggestion: 'TONIC' } }, { needsReview: false, labelConfirmed: true }],
    ['label changed since the confirmation', { movement: 'SUSTAINED_CONTRACTION', classification: 'MYOCLONIC', labelConfirmedFor: { classification: 'CLONIC', suggestion: 'TONIC' } }, { needsReview: true, labelConfirmed: false }],
    ['suggestion changed since the confirmation', { movement: 'SUSTAINED_THEN_TREMBLING', classification: 'CLONIC', labelConfirmedFor: { classification: 'CLONIC', suggestion: 'TONIC' } }, { needsReview: true, labelConfirmed: false }],
    ['no confirmation', { movement: 'SUSTAINED_CONTRACTION', classification: 'CLONIC', labelConfirmedFor: null }, { needsReview: true, labelConfirmed: false }],
    ['label now equals the suggestion: nothing to confirm', { movement: 'RHYTHMIC_JERKS', classification: 'CLONIC', labelConfirmedFor: { classification: 'CLONIC', suggestion: 'TONIC' } }, { needsReview: false, labelConfirmed: false }],
    ['label removed', { movement: 'SUSTAINED_CONTRACTION', classification: null, labelConfirmedFor: { classification: 'CLONIC', suggestion: 'TONIC' } }, { needsReview: false, labelConfirmed: false }],
    ['suggestion gone (movement cleared)', { movement: null, classification: 'CLONIC', labelConfirmedFor: { classification: 'CLONIC', suggestion: 'TONIC' } }, { needsReview: false, labelConfirmed: false }],
  ])('label confirmed on review: %s', (_name, obs, expected) => {
    const r = suggestClassification(obs);
    expect({ needsReview: r.needsReview, labelConfirmed: r.labelConfirmed }).toEqual(expected);
    const reviewWarning = r.warnings.find((w) => /differs from the suggest/i.test(w));
    if (expected.labelConfirmed) expect(reviewWarning).toMatch(/confirmed the label on review/);
    if (expected.needsReview) expect(reviewWarning).toMatch(/marked for review/);
  });

  it('collects every warning that applies', () => {
    const r = suggestClassification({
      movement: 'SUSTAINED_CONTRACTION',
      voluntaryControl: true,
      consciousnessImpaired: true,
      classification: 'CLONIC',
    });
    expect(r.suggestion).toBe('TONIC');
    expect(r.warnings).toHaveLength(3);
    expect(r.warnings[0]).toBe(WARNING_IMPAIRED_CONSCIOUSNESS);
    expect(r.needsReview).toBe(true);
  });
});

describe('effectiveClassification', () => {
  it.each<[Classification | null | undefined, Classification | null | undefined, Classification | null]>([
    ['TONIC', 'RLS', 'TONIC'],
    [null, 'RLS', 'RLS'],
    [undefined, 'CLONIC', 'CLONIC'],
    [null, null, null],
    [undefined, undefined, null],
  ])('label %s, suggestion %s -> %s', (classification, suggestedClassification, expected) => {
    expect(effectiveClassification({ classification, suggestedClassification })).toBe(expected);
  });
});
