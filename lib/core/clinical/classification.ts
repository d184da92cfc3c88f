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
  /** IRLSSG criterion 2: begins or worsens during rest or inactivity. */
  worseAtRest?: boolean;
  /** IRLSSG criterion 4: only or mostly in the evening or at night. */
  worseInEvening?: boolean;
  reliefByMovement?: boolean;
  consciousnessImpaired?: boolean;
  /** The clinician's label, if any. */
  classification?: Classification | null;
  /** A clinician's confirmation, on review, of a label that differs from the suggestion. */
  labelConfirmedFor?: LabelConfirmation | null;
  /** Sent by the patient from a diary link: awaits a clinician's label whatever the suggestion. */
  reportedByPatient?: boolean;
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
  /** IRLSSG criteria 1-4 met (0..4) when an urge to move was recorded, otherwise null. */
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
export const WARNING_PATIENT_REPORTED = "Reported by the patient from the diary: awaiting a clinician's review and label.";

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
  return [urge, obs.worseAtRest === true, obs.reliefByMovement === true, obs.worseInEvening === true];
}

/** "IRLSSG criteria met: N of 4. Met: ... Not recorded: ..." */
function criteriaSentence(met: boolean[], tail = ''): string {
  const count = met.filter(Boolean).length;
  const metNames = RLS_CRITERIA.filter((_, i) => met[i]);
  const missingNames = RLS_CRITERIA.filter((_, i) => !met[i]);
  return (
    `IRLSSG criteria met: ${count} of 4${tail}.` +
    (metNames.length ? ` Met: ${metNames.join('; ')}.` : '') +
    (missingNames.length ? ` Not recorded: ${missingNames.join('; ')}.` : '')
  );
}

export const RLS_CRITERION_5_NOTE =
  'Criterion 5 (symptoms not better explained by another condition: leg cramps, positional discomfort, venous stasis, leg oedema, arthritis, habitual foot tapping) is for the clinician to judge.';

export function suggestClassification(obs: EpisodeObservation): ClassificationResult {
  const rationale: string[] = [];
  const warnings: string[] = [];
  let suggestion: Classification | null = null;
  let rlsCriteriaMet: number | null = null;

  const voluntary = obs.voluntaryControl === true;
  const met = rlsCriteria(obs);
  const urge = met[0];
  // Criteria 2 to 4: rest, relief by movement, evening.
  const others = met.slice(1).filter(Boolean).length;
  if (urge) rlsCriteriaMet = 1 + others;

  if (urge && (others === 3 || voluntary)) {
    // Rule 1: RLS, by the four IRLSSG criteria, or by the source article's voluntary control.
    suggestion = 'RLS';
    rationale.push(
      others === 3
        ? 'An urge to move the legs that begins or worsens at rest, is relieved by movement and is worse in the evening or at night: the four essential criteria of restless legs syndrome (RLS).'
        : 'The patient can control the movement and feels an urge to move the legs: this points to restless legs syndrome rather than a cramp or seizure.',
    );
    rationale.push(criteriaSentence(met));
    rationale.push(RLS_CRITERION_5_NOTE);
  } else {
    if (urge && others >= 1) {
      // Partial criteria without control: no RLS suggestion, and the rules that follow still apply.
      rationale.push(criteriaSentence(met, '; RLS needs all four'));
    }
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
          'An urge to move was recorded, but not enough of the restless legs criteria (or control of the movement) to suggest RLS, and an urge alone fits none of the involuntary types, so no type is suggested.',
        );
        break;
      default:
        rationale.push(
          urge
            ? 'Movement not recorded. An urge to move was reported, but not enough of the restless legs criteria (or control of the movement) to suggest RLS, so no type is suggested.'
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

  if (obs.reportedByPatient === true && clinician === null) {
    // Nothing a patient sends is trusted until a clinician has reviewed it and given it a label.
    needsReview = true;
    warnings.push(WARNING_PATIENT_REPORTED);
  }

  return { suggestion, rationale, warnings, needsReview, labelConfirmed, rlsCriteriaMet };
}
