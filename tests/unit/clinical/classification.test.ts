import { describe, expect, it } from 'vitest';
import {
  suggestClassification,
  effectiveClassification,
  WARNING_IMPAIRED_CONSCIOUSNESS,
  WARNING_VOLUNTARY_CONTROL,
  type EpisodeObservation,
} from '@/lib/clinical/classification';
import type { Classification } from '@/lib/clinical/vocabulary';

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
    ['rule 6: nothing recorded', {}, null],
    ['rule 6: movement null', { movement: null, rhythm: 'RHYTHMIC' }, null],
  ])('%s', (_name, obs, expected) => {
    const result = suggestClassification(obs);
    expect(result.suggestion).toBe(expected);
    expect(result.rationale.length).toBeGreaterThan(0);
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
    expect(text).toMatch(/voluntary control/i);
    expect(text).toMatch(/no type is suggested/i);
    expect(r.rlsCriteriaMet).toBeNull();
  });

  it('explains why an urge without voluntary control and no movement is not RLS', () => {
    const r = suggestClassification({ urgeToMove: true });
    expect(r.suggestion).toBeNull();
    expect(r.rationale.join(' ')).toMatch(/movement not recorded/i);
    expect(r.rationale.join(' ')).toMatch(/voluntary control/i);
  });

  it.each<[string, EpisodeObservation, number]>([
    ['urge from movement only', { voluntaryControl: true, movement: 'URGE_TO_MOVE' }, 1],
    ['urge from the flag only', { voluntaryControl: true, urgeToMove: true }, 1],
    ['urge + relief by movement', { voluntaryControl: true, urgeToMove: true, reliefByMovement: true }, 2],
    ['urge + worse at rest/evening counts twice', { voluntaryControl: true, urgeToMove: true, worseAtRestOrEvening: true }, 3],
    [
      'all four',
      { voluntaryControl: true, movement: 'URGE_TO_MOVE', urgeToMove: true, worseAtRestOrEvening: true, reliefByMovement: true },
      4,
    ],
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
  ])('rlsCriteriaMet is null when the suggestion is not RLS (%j)', (obs) => {
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
    ['no suggestion', { voluntaryControl: true }],
  ])('no voluntary-control warning when %s', (_name, obs) => {
    expect(suggestClassification(obs).warnings).not.toContain(WARNING_VOLUNTARY_CONTROL);
  });

  it.each<[string, EpisodeObservation, boolean]>([
    ['impaired, with a suggestion', { movement: 'SUSTAINED_THEN_TREMBLING', consciousnessImpaired: true }, true],
    ['impaired, with no suggestion', { consciousnessImpaired: true }, true],
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
