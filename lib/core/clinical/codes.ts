/**
 * Terminology codes for reports and the FHIR export (clinical spec section 5).
 * The spec asks for each code to be verified before relying on it.
 */
import { effectiveClassification } from './classification';
import type { Classification, MuscleGroup } from './vocabulary';

export type CodeSystem = 'ICD-10-CM' | 'SNOMED-CT';

export interface ClinicalCode {
  system: CodeSystem;
  code: string;
  display: string;
}

/** FHIR system URIs of each code system. */
export const CODE_SYSTEM_URIS: Record<CodeSystem, string> = {
  'ICD-10-CM': 'http://hl7.org/fhir/sid/icd-10-cm',
  'SNOMED-CT': 'http://snomed.info/sct',
};

function codes<K extends string>(system: CodeSystem, displays: Record<K, string>): Readonly<Record<K, ClinicalCode>> {
  const out = {} as Record<K, ClinicalCode>;
  for (const code of Object.keys(displays) as K[]) out[code] = Object.freeze({ system, code, display: displays[code] });
  return Object.freeze(out);
}

export const ICD10_CODES = codes('ICD-10-CM', {
  'R25.2': 'Cramp and spasm',
  'M62.831': 'Muscle spasm of calf',
  'G47.62': 'Sleep related leg cramps',
  'G25.81': 'Restless legs syndrome',
  'G25.3': 'Myoclonus',
  'R56.9': 'Unspecified convulsions',
  'E83.42': 'Hypomagnesemia',
  'E87.6': 'Hypokalemia',
});
export type Icd10Code = keyof typeof ICD10_CODES;

export const SNOMED_CODES = codes('SNOMED-CT', {
  '449918009': 'Cramp in lower leg',
  '32914008': 'Restless legs',
  '91175000': 'Seizure',
});
export type SnomedCode = keyof typeof SNOMED_CODES;

export interface EpisodeCodingInput {
  classification?: Classification | null;
  suggestedClassification?: Classification | null;
  muscleGroup: MuscleGroup;
  duringSleep: boolean;
}

/**
 * Codes for one episode from its effective type (the clinician's label, else the suggestion):
 * the ICD-10-CM code first, then the SNOMED CT code where one fits. No type, no codes.
 * TONIC: G47.62 during sleep (wins over the calf), M62.831 for the calf, otherwise R25.2; the
 * SNOMED "cramp in lower leg" is added only for the calf, the one muscle group it describes.
 */
export function codesForEpisode(ep: EpisodeCodingInput): ClinicalCode[] {
  const type = effectiveClassification(ep);
  const copy = (c: ClinicalCode): ClinicalCode => ({ ...c });
  switch (type) {
    case 'TONIC': {
      const icd = ep.duringSleep ? ICD10_CODES['G47.62'] : ep.muscleGroup === 'CALF' ? ICD10_CODES['M62.831'] : ICD10_CODES['R25.2'];
      return ep.muscleGroup === 'CALF' ? [copy(icd), copy(SNOMED_CODES['449918009'])] : [copy(icd)];
    }
    case 'RLS':
      return [copy(ICD10_CODES['G25.81']), copy(SNOMED_CODES['32914008'])];
    case 'MYOCLONIC':
      return [copy(ICD10_CODES['G25.3'])];
    case 'CLONIC':
    case 'TONIC_CLONIC':
      return [copy(ICD10_CODES['R56.9']), copy(SNOMED_CODES['91175000'])];
    default:
      return [];
  }
}
