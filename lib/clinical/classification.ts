/**
 * Classification suggestion for one episode (clinical spec section 2).
 * Deterministic: the first rule that applies wins. Warnings never block a save.
 */
import { CLASSIFICATION_LABELS, type Classification, type Movement, type Rhythm } from './vocabulary';

export interface EpisodeObservation {
  movement?: Movement | null;
  rhythm?: Rhythm | null;
  voluntaryControl?: boolean;
  urgeToMove?: boolean;
  worseAtRestOrEvening?: boolean;
  reliefByMovement?: boolean;
  consciousnessImpaired?: boolean;
  /** The clinician's label, if any. */
  classification?: Classification | null;
  /** A clinician's confirmation, on review, of a label that differs from the suggestion. */
  labelConfirmedFor?: LabelConfirmation | null;
}

/** The label and the suggestion a confirmation on review was given for; it holds only while both stay. */
export interface LabelConfirmation {
  classification: Classification;
  suggestion: Classification;
}

export interface ClassificationResult {
  suggestion: Classification | null;
  rationale: string[];
  warnings: string[];
  /** The label differs from the suggestion and no clinician has confirmed it on review. */
  needsReview: boolean;
  /** The label differs from the suggestion and a clinician's confirmation of it still holds. */
  labelConfirmed: boolean;
  /** IRLSSG criteria 1-4 met (0..4) when the suggestion is RLS, otherwise null. */
  rlsCriteriaMet: number | null;
}

/** The four IRLSSG criteria the system can count; criterion 5 is left to the clinician. */
export const RLS_CRITERIA = [
  'urge to move the legs',
  'begins or worsens at rest',
  'relieved by movement',
  'worse in the evening or at night',
] as const;

export const WARNING_VOLUNTARY_CONTROL =
  'The patient says they can control the movement, which does not fit an involuntary cramp or seizure: consider restless legs syndrome (RLS).';
export const WARNING_IMPAIRED_CONSCIOUSNESS =
  'Consciousness was impaired during the episode: this may be an epileptic seizure and needs an urgent neurological assessment.';

function label(c: Classification): string {
  return CLASSIFICATION_LABELS[c];
}

/** The type a report should use: the clinician's label, else the system's suggestion. */
export function effectiveClassification(ep: {
  classification?: Classification | null;
  suggestedClassification?: Classification | null;
}): Classification | null {
  return ep.classification ?? ep.suggestedClassification ?? null;
}

/** Which of IRLSSG criteria 1-4 the observation meets, in criterion order. */
export function rlsCriteria(obs: EpisodeObservation): boolean[] {
  const urge = obs.urgeToMove === true || obs.movement === 'URGE_TO_MOVE';
  const worse = obs.worseAtRestOrEvening === true;
  return [urge, worse, obs.reliefByMovement === true, worse];
}

export function suggestClassification(obs: EpisodeObservation): ClassificationResult {
  const rationale: string[] = [];
  const warnings: string[] = [];
  let suggestion: Classification | null = null;
  let rlsCriteriaMet: number | null = null;

  const voluntary = obs.voluntaryControl === true;
  const urge = obs.urgeToMove === true || obs.movement === 'URGE_TO_MOVE';

  if (voluntary && urge) {
    // Rule 1: RLS.
    suggestion = 'RLS';
    const met = rlsCriteria(obs);
    rlsCriteriaMet = met.filter(Boolean).length;
    rationale.push(
      'The patient can control the movement and feels an urge to move the legs: this points to restless legs syndrome rather than a cramp or seizure.',
    );
    const metNames = RLS_CRITERIA.filter((_, i) => met[i]);
    const missingNames = RLS_CRITERIA.filter((_, i) => !met[i]);
    rationale.push(
      `IRLSSG criteria met: ${rlsCriteriaMet} of 4.` +
        (metNames.length ? ` Met: ${metNames.join('; ')}.` : '') +
        (missingNames.length ? ` Not recorded: ${missingNames.join('; ')}.` : ''),
    );
    rationale.push(
      'Criterion 5 (symptoms not better explained by another condition, leg cramps included) is for the clinician to judge.',
    );
  } else {
    switch (obs.movement) {
      case 'SUSTAINED_THEN_TREMBLING':
        suggestion = 'TONIC_CLONIC';
        rationale.push(
          'The muscles tensed and stayed tense, then trembled quickly: this pattern suggests a tonic-clonic episode.',
        );
        break;
      case 'SUSTAINED_CONTRACTION':
        suggestion = 'TONIC';
        rationale.push(
          'A muscle contracted and stayed contracted: this is the pattern of a tonic episode (the usual painful calf cramp).',
        );
        break;
      case 'RHYTHMIC_JERKS':
        suggestion = 'CLONIC';
        rationale.push(
          'Rhythmic contractions (a tic in small muscles, a tremor in large ones): this pattern suggests a clonic episode.',
        );
        break;
      case 'TWITCHES': {
        suggestion = 'MYOCLONIC';
        const rhythmNote =
          obs.rhythm === 'RHYTHMIC'
            ? ' (here rhythmic)'
            : obs.rhythm === 'IRREGULAR'
              ? ' (here irregular)'
              : '';
        rationale.push(
          `Small muscle twitches, rhythmic or irregular alike${rhythmNote}: this pattern suggests a myoclonic episode.`,
        );
        break;
      }
      case 'URGE_TO_MOVE':
        rationale.push(
          'An urge to move was recorded, but the patient is not recorded as able to control the movement. Restless legs syndrome needs voluntary control, and an urge alone fits none of the involuntary types, so no type is suggested.',
        );
        break;
      default:
        rationale.push(
          obs.urgeToMove === true
            ? 'Movement not recorded. An urge to move was reported, but without voluntary control restless legs syndrome is not suggested, so no type is suggested.'
            : 'Movement not recorded, so no type is suggested.',
        );
    }
    if (voluntary && suggestion !== null) {
      // Rules 2 to 5 describe involuntary movements.
      warnings.push(WARNING_VOLUNTARY_CONTROL);
    }
  }

  if (obs.consciousnessImpaired === true) {
    warnings.unshift(WARNING_IMPAIRED_CONSCIOUSNESS);
  }

  let needsReview = false;
  let labelConfirmed = false;
  const clinician = obs.classification ?? null;
  // Review only flags disagreement with a suggestion: with no suggestion there is nothing to disagree with.
  if (clinician !== null && suggestion !== null && clinician !== suggestion) {
    const confirmed = obs.labelConfirmedFor ?? null;
    labelConfirmed = confirmed !== null && confirmed.classification === clinician && confirmed.suggestion === suggestion;
    needsReview = !labelConfirmed;
    warnings.push(
      labelConfirmed
        ? `The clinician's label "${label(clinician)}" differs from the suggested "${label(suggestion)}"; a clinician confirmed the label on review.`
        : `The clinician's label "${label(clinician)}" differs from the suggested "${label(suggestion)}": the episode is marked for review.`,
    );
  }

  return { suggestion, rationale, warnings, needsReview, labelConfirmed, rlsCriteriaMet };
}
